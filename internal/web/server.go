package web

import (
	"context"
	"embed"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"safetynet/internal/access"
	"safetynet/internal/audit"
	"safetynet/internal/casework"
	"safetynet/internal/funds"
	"safetynet/internal/payroll"
	"safetynet/internal/policy"
	"safetynet/internal/registry"
	"safetynet/internal/verify"
)

//go:embed static openapi.json
var assets embed.FS

// Pinger reports whether the database answers.
type Pinger interface {
	Ping(ctx context.Context) error
}

// Services are the domain services the server exposes.
type Services struct {
	Access    *access.Service
	Registry  *registry.Service
	Divisions *registry.DivisionService
	Audit     *audit.Log
	Policy    *policy.Service         // the policy data in force: defaults + published versions
	Calendar  *policy.CalendarService // the working-day calendar: embedded + imported days
	DB        Pinger
	Casework  *casework.Service // intake and the case workflow
	Funds     *funds.Service    // budgets, allocations, spending, the incentive pool
	Verify    *verify.Centre    // the verification centre: authorizations, requests, reports
	Batches   *verify.Batches   // batch re-verification as background jobs
	Payroll   *payroll.Service  // the monthly payroll, bank files, rosters
	Datasets  *verify.Service   // the department datasets: catalogue, snapshot uploads, the staff relatives' register
	Version   string
	Now       func() time.Time
}

// Server is the HTTP front of SafetyNet.
type Server struct {
	Services
	log       *slog.Logger
	mux       *http.ServeMux
	pages     *pages
	apiRoutes []string // "METHOD /path" of every API route, for the OpenAPI test
	metrics   *metrics
	rejected  rejectedFiles
}

// New builds a server over svc.
func New(svc Services, log *slog.Logger) (*Server, error) {
	if log == nil {
		log = slog.Default()
	}
	if svc.Now == nil {
		svc.Now = time.Now
	}
	p, err := parsePages()
	if err != nil {
		return nil, err
	}
	s := &Server{Services: svc, log: log, mux: http.NewServeMux(), pages: p, metrics: newMetrics()}
	s.routes()
	return s, nil
}

// APIRoutes returns the API routes registered, as "METHOD /path".
func (s *Server) APIRoutes() []string { return append([]string(nil), s.apiRoutes...) }

// Handler returns the whole HTTP handler with its middleware.
func (s *Server) Handler() http.Handler {
	cop := http.NewCrossOriginProtection()
	var h http.Handler = s.mux
	h = cop.Handler(h)
	h = s.securityHeaders(h)
	h = s.observe(h)
	return h
}

// api registers an API route; every one of them needs authentication
// except where noted by apiPublic.
func (s *Server) api(pattern string, h func(http.ResponseWriter, *http.Request, access.Principal)) {
	s.apiRoutes = append(s.apiRoutes, pattern)
	s.mux.Handle(pattern, s.apiAuth(h))
}

func (s *Server) apiPublic(pattern string, h http.HandlerFunc) {
	s.apiRoutes = append(s.apiRoutes, pattern)
	s.mux.Handle(pattern, h)
}

func (s *Server) routes() {
	static, _ := fs.Sub(assets, "static")
	s.mux.Handle("GET /static/", http.StripPrefix("/static/", cacheForever(http.FileServerFS(static))))
	s.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok\n"))
	})
	s.mux.HandleFunc("GET /readyz", s.readyz)
	s.mux.Handle("GET /metrics", s.metrics.handler())

	s.apiPublic("POST /api/v1/login", s.apiLogin)
	s.apiPublic("GET /api/v1/openapi.json", s.openapi)
	s.api("POST /api/v1/logout", s.apiLogout)
	s.api("GET /api/v1/me", s.apiMe)
	s.householdRoutes()
	s.api("GET /api/v1/regions/{code}", s.apiRegion)
	s.api("PUT /api/v1/regions/{code}/class", s.apiSetRegionClass)
	s.api("GET /api/v1/users", s.apiUsers)
	s.api("POST /api/v1/users", s.apiCreateUser)
	s.api("POST /api/v1/users/{username}/disable", s.apiDisableUser)
	s.api("POST /api/v1/users/{username}/enable", s.apiEnableUser)
	s.api("PUT /api/v1/users/{username}/password", s.apiSetPassword)
	s.api("POST /api/v1/tokens", s.apiIssueToken)
	s.api("GET /api/v1/audit", s.apiAudit)
	s.api("GET /api/v1/audit/verify", s.apiAuditVerify)
	s.apiCalcRoutes()
	s.policyRoutes()
	s.caseRoutes()
	s.fundsRoutes()
	s.verifyRoutes()
	s.verifyBatchRoutes()
	s.payrollRoutes()
	s.datasetRoutes()

	s.uiRoutes()
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if s.DB != nil {
		if err := s.DB.Ping(ctx); err != nil {
			http.Error(w, "database unavailable", http.StatusServiceUnavailable)
			return
		}
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ready\n"))
}

func (s *Server) openapi(w http.ResponseWriter, r *http.Request) {
	b, _ := assets.ReadFile("openapi.json")
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Write(b)
}

// securityHeaders sets the headers every response carries.
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "+
			"object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		if r.TLS != nil {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}

func cacheForever(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		h.ServeHTTP(w, r)
	})
}

// clientAddr is the caller's address for login throttling. Proxies'
// headers are not trusted: a deployment behind one must set the real
// address itself.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// metrics are the Prometheus collectors of one server.
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "safetynet_http_requests_total", Help: "HTTP requests by route and status.",
		}, []string{"route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "safetynet_http_request_duration_seconds", Help: "HTTP request latency by route.",
			Buckets: []float64{.001, .0025, .005, .01, .02, .05, .1, .25, .5, 1, 2.5, 10},
		}, []string{"route"}),
	}
	m.reg.MustRegister(m.requests, m.duration, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// observe records metrics per route pattern (never per raw path, which
// would carry resident IDs into the metrics).
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		route := r.Pattern
		if route == "" {
			route = "unmatched"
		}
		if sw.code == 0 {
			sw.code = http.StatusOK
		}
		s.metrics.requests.WithLabelValues(route, strconv.Itoa(sw.code)).Inc()
		s.metrics.duration.WithLabelValues(route).Observe(time.Since(start).Seconds())
		if sw.code >= 500 {
			s.log.Warn("request failed", "route", route, "code", sw.code)
		}
	})
}

// pathInt64 reads an integer path value, or 0.
func pathInt64(r *http.Request, name string) int64 {
	n, err := strconv.ParseInt(strings.TrimSpace(r.PathValue(name)), 10, 64)
	if err != nil {
		return 0
	}
	return n
}

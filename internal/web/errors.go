package web

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"safetynet/internal/apperr"
)

// statusOf is the one table from error kind to HTTP status.
var statusOf = map[apperr.Kind]int{
	apperr.Internal:     http.StatusInternalServerError,
	apperr.Invalid:      http.StatusBadRequest,
	apperr.NotFound:     http.StatusNotFound,
	apperr.Conflict:     http.StatusConflict,
	apperr.Forbidden:    http.StatusForbidden,
	apperr.Unauthorized: http.StatusUnauthorized,
	apperr.Unavailable:  http.StatusServiceUnavailable,
	apperr.TooMany:      http.StatusTooManyRequests,
}

// errorBody is the API's error object.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

// status returns the HTTP status of err, and logs internal errors (only
// those: the rest are the caller's doing).
func (s *Server) status(r *http.Request, err error) int {
	k := apperr.KindOf(err)
	if k == apperr.Internal {
		s.log.Error("internal error", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	return statusOf[k]
}

// apiError writes err as the API's error object with its status.
func (s *Server) apiError(w http.ResponseWriter, r *http.Request, err error) {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		err = apperr.New(apperr.Invalid, "请求体过大", "request body too large")
	}
	code := s.status(r, err)
	lang := langOf(r)
	body := errorBody{Error: errorDetail{Code: apperr.KindOf(err).String(), Message: apperr.Message(err, lang), Field: apperr.FieldOf(err)}}
	writeJSON(w, code, body)
}

// writeJSON writes v as JSON with status code.
func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		slog.Debug("write json", "err", err)
	}
}

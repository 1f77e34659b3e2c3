package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"safetynet/internal/access"
	"safetynet/internal/apperr"
	"safetynet/internal/money"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

//go:embed templates
var templateFS embed.FS

// pages holds one parsed template set per page, each the layout plus the
// page's own file.
type pages struct {
	byName map[string]*template.Template
}

// parsePages parses every template at start-up, so a broken template stops
// the server (and the test that parses them) rather than a user's request.
func parsePages() (*pages, error) {
	layout, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html")
	if err != nil {
		return nil, err
	}
	entries, err := fs.ReadDir(templateFS, "templates")
	if err != nil {
		return nil, err
	}
	p := &pages{byName: map[string]*template.Template{}}
	for _, e := range entries {
		name := e.Name()
		if name == "layout.html" || !strings.HasSuffix(name, ".html") {
			continue
		}
		t, err := template.Must(layout.Clone()).ParseFS(templateFS, "templates/"+name)
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", name, err)
		}
		p.byName[strings.TrimSuffix(name, ".html")] = t
	}
	return p, nil
}

var funcs = template.FuncMap{
	"t": translate,
	"fmtTime": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(shanghai).Format("2006-01-02 15:04:05")
	},
	"roleName": func(lang string, r access.Role) string {
		if lang == "en" {
			return r.En()
		}
		return r.Zh()
	},
	"levelName": func(lang string, l region.Level) string {
		if lang == "en" {
			return l.String()
		}
		return l.Zh()
	},
	"relName": func(lang string, r any) string {
		rel := registry.Relationship(fmt.Sprint(r))
		if lang == "en" {
			return string(rel)
		}
		return rel.Zh()
	},
	"sexName": func(lang, s string) string {
		switch {
		case lang == "en":
			return s
		case s == "M":
			return "男"
		case s == "F":
			return "女"
		}
		return "未知"
	},
	"isVillage": func(l region.Level) bool { return l == region.Village },
	"str":       func(n int64) string { return strconv.FormatInt(n, 10) },
	"add":       func(a, b int) int { return a + b },
	"list":      func(v ...string) []string { return v },
	"mark": func(bad any, format string, args ...any) string {
		if b, _ := bad.(string); b != "" && b == fmt.Sprintf(format, args...) {
			return "invalid"
		}
		return ""
	},
	"codeName": func(table string, code string) string {
		if code == "" {
			return ""
		}
		if n, ok := codeTables[table][code]; ok {
			return n
		}
		return code
	},
	"selfCareNames": func(s registry.SelfCare) string {
		var out []string
		for i, a := range registry.SelfCareActivities {
			if s&(1<<i) != 0 {
				out = append(out, a[1])
			}
		}
		return strings.Join(out, "、")
	},
	"money": func(m money.Money) string { return m.String() },
	"area":  func(a int64) string { return money.Money(a).String() },
}

// codeTables name the registry's code tables for templates.
var codeTables = map[string]map[string]string{
	"ethnicity": registry.Ethnicities, "marital": registry.MaritalStatuses, "disability": registry.DisabilityCategories,
	"labour": registry.LabourCapacities, "education": registry.EducationStages, "employment": registry.Employments,
	"excluded": registry.Exclusions, "income": registry.IncomeKinds, "asset": registry.AssetKinds,
	"expenditure": registry.ExpenditureKinds,
	"programme": {"dibao": "最低生活保障", "tekun": "特困人员供养", "temporary": "临时救助", "medical": "医疗救助",
		"education": "教育救助", "housing": "住房救助", "employment": "就业救助", "disaster": "受灾人员救助"},
	"setting": {"institution": "集中供养", "home": "分散供养"},
	"per":     {"month": "每月", "year": "每年"},
}

// view is what every page template receives.
type view struct {
	Lang  string
	Title string
	User  access.Principal
	Nav   []navItem
	Path  string
	Flash string
	Error string
	Field string
	Data  any
}

type navItem struct {
	Href, Key string
	Active    bool
}

// nav lists the sections p may open, in order.
func nav(p access.Principal, path string) []navItem {
	items := []struct {
		href, key string
		perm      access.Permission
		unless    access.Permission // not shown to who has this (an entry above leads there)
	}{
		{"/", "nav.home", "", ""},
		{"/households", "nav.households", access.RegistryRead, ""},
		{"/cases", "nav.cases", access.RegistryRead, ""},
		{"/cases/board", "nav.board", access.Supervise, ""},
		{"/staff-relatives", "nav.relatives", access.SeeFullID, ""},
		{"/verification", "nav.verify", access.VerifyCentre, ""},
		{"/verification/batches", "nav.batches", access.VerifyBatch, access.VerifyCentre},
		{"/payroll", "nav.payroll", access.PayrollRead, ""},
		{"/calc", "nav.calc", access.Calculate, ""},
		{"/funds", "nav.funds", access.FundsRead, ""},
		{"/policy", "nav.policy", access.DivisionBrowse, ""},
		{"/regions", "nav.regions", access.DivisionBrowse, ""},
		{"/users", "nav.users", access.UserManage, ""},
		{"/audit", "nav.audit", access.AuditRead, ""},
	}
	var out []navItem
	for _, it := range items {
		if (it.perm == "" || p.Can(it.perm)) && (it.unless == "" || !p.Can(it.unless)) {
			active := path == it.href || (it.href != "/" && strings.HasPrefix(path, it.href))
			out = append(out, navItem{Href: it.href, Key: it.key, Active: active})
		}
	}
	return out
}

// render writes page with data. A template error becomes a 500 without a
// half-written page, since the page is rendered into a buffer first.
func (s *Server) render(w http.ResponseWriter, r *http.Request, code int, page string, v view) {
	t, ok := s.pages.byName[page]
	if !ok {
		http.Error(w, "unknown page "+page, http.StatusInternalServerError)
		return
	}
	v.Lang = langOf(r)
	v.Path = r.URL.Path
	if p, err := s.principal(r); err == nil {
		v.User = p
		v.Nav = nav(p, r.URL.Path)
	}
	if v.Title == "" {
		v.Title = translate(v.Lang, "app")
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		s.log.Error("render", "page", page, "err", err)
		http.Error(w, "render error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	w.Write(buf.Bytes())
}

// uiError renders err as a page with its status; an anonymous caller is
// sent to the login page instead.
func (s *Server) uiError(w http.ResponseWriter, r *http.Request, err error) {
	if apperr.Is(err, apperr.Unauthorized) {
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	code := s.status(r, err)
	s.render(w, r, code, "error", view{Error: apperr.Message(err, langOf(r)), Field: apperr.FieldOf(err)})
}

// ui wraps a page handler with authentication.
func (s *Server) ui(h func(http.ResponseWriter, *http.Request, access.Principal)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p, err := s.principal(r)
		if err != nil {
			s.uiError(w, r, err)
			return
		}
		h(w, r, p)
	}
}

func (s *Server) uiRoutes() {
	s.mux.HandleFunc("GET /login", s.loginPage)
	s.mux.HandleFunc("POST /login", s.loginSubmit)
	s.mux.HandleFunc("POST /logout", s.logoutSubmit)
	s.mux.HandleFunc("GET /lang/{lang}", s.setLang)
	s.mux.HandleFunc("GET /{$}", s.ui(s.homePage))
	s.mux.HandleFunc("GET /regions", s.ui(s.regionsPage))
	s.mux.HandleFunc("POST /regions/{code}/class", s.ui(s.regionClassSubmit))
	s.mux.HandleFunc("GET /users", s.ui(s.usersPage))
	s.mux.HandleFunc("POST /users", s.ui(s.userCreateSubmit))
	s.mux.HandleFunc("POST /users/{username}/{action}", s.ui(s.userActionSubmit))
	s.mux.HandleFunc("GET /audit", s.ui(s.auditPage))
	s.mux.HandleFunc("GET /households", s.ui(s.householdsPage))
	s.mux.HandleFunc("POST /households", s.ui(s.householdCreateSubmit))
	s.mux.HandleFunc("GET /households/{id}", s.ui(s.householdPage))
	s.mux.HandleFunc("GET /households/import", s.ui(s.importPage))
	s.mux.HandleFunc("GET /households/export", s.ui(s.exportDownload))
	s.mux.HandleFunc("POST /households/import", s.ui(s.importSubmit))
	s.mux.HandleFunc("GET /households/import/rejected/{token}", s.ui(s.rejectedDownload))
	s.mux.HandleFunc("GET /households/import/template/{file}", s.ui(s.templateDownload))
	s.mux.HandleFunc("GET /households/{id}/edit", s.ui(s.householdEditPage))
	s.mux.HandleFunc("POST /households/{id}/edit", s.ui(s.householdEditSubmit))
	s.calcUIRoutes()
	s.caseUIRoutes()
	s.relativesUIRoutes()
	s.casePDFRoutes()
	s.caseDocRoutes()
	s.caseDocRoutes2()
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.uiError(w, r, apperr.New(apperr.NotFound, "页面不存在", "page not found"))
	})
}

func (s *Server) setLang(w http.ResponseWriter, r *http.Request) {
	lang := "zh"
	if r.PathValue("lang") == "en" {
		lang = "en"
	}
	http.SetCookie(w, &http.Cookie{Name: "lang", Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
	back := r.URL.Query().Get("next")
	if !localPath(back) {
		back = "/"
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// localPath accepts only same-site paths, so redirects never leave the site.
func localPath(p string) bool {
	return strings.HasPrefix(p, "/") && !strings.HasPrefix(p, "//") && !strings.HasPrefix(p, "/\\")
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "login", view{Data: map[string]string{"Next": r.URL.Query().Get("next")}})
}

func (s *Server) loginSubmit(w http.ResponseWriter, r *http.Request) {
	username, password := r.PostFormValue("username"), r.PostFormValue("password")
	next := r.PostFormValue("next")
	token, _, err := s.Access.Login(r.Context(), username, password, clientAddr(r), access.WebSession)
	if err != nil {
		code := s.status(r, err)
		s.render(w, r, code, "login", view{Error: apperr.Message(err, langOf(r)),
			Data: map[string]string{"Next": next, "Username": username}})
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil, MaxAge: int(s.Access.SessionTTL.Seconds())})
	if !localPath(next) {
		next = "/"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) logoutSubmit(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		s.Access.Logout(r.Context(), c.Value)
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

func (s *Server) homePage(w http.ResponseWriter, r *http.Request, p access.Principal) {
	s.render(w, r, http.StatusOK, "home", view{Data: map[string]any{
		"RegionPath": s.Divisions.Tree().Path(p.Region), "Permissions": p.Role.Permissions()}})
}

func (s *Server) regionsPage(w http.ResponseWriter, r *http.Request, p access.Principal) {
	if err := p.Require(access.DivisionBrowse); err != nil {
		s.uiError(w, r, err)
		return
	}
	t := s.Divisions.Tree()
	code := r.URL.Query().Get("code")
	if code == "" {
		code = p.Region
	}
	d, err := t.Find(code)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "regions", view{Flash: r.URL.Query().Get("saved"), Data: map[string]any{
		"Division": d, "Ancestors": t.Ancestors(d.Code), "Children": t.Children(d.Code),
		"CanEdit": p.Can(access.RegionEdit)}})
}

func (s *Server) regionClassSubmit(w http.ResponseWriter, r *http.Request, p access.Principal) {
	code := r.PathValue("code")
	if err := s.Divisions.SetClass(r.Context(), p, code, r.PostFormValue("class")); err != nil {
		s.uiError(w, r, err)
		return
	}
	d, _ := s.Divisions.Tree().Find(code)
	http.Redirect(w, r, "/regions?code="+url.QueryEscape(d.Parent)+"&saved=1", http.StatusSeeOther)
}

func (s *Server) usersPage(w http.ResponseWriter, r *http.Request, p access.Principal) {
	s.renderUsers(w, r, p, http.StatusOK, "", "", nil)
}

func (s *Server) renderUsers(w http.ResponseWriter, r *http.Request, p access.Principal, code int, flash, errMsg string, form map[string]string) {
	users, err := s.Access.ListUsers(r.Context(), p)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	s.render(w, r, code, "users", view{Flash: flash, Error: errMsg, Data: map[string]any{
		"Users": users, "Roles": access.Roles, "Form": form, "Tree": s.Divisions.Tree(), "Departments": access.Departments}})
}

func (s *Server) userCreateSubmit(w http.ResponseWriter, r *http.Request, p access.Principal) {
	in := access.NewUser{Username: r.PostFormValue("username"), DisplayName: r.PostFormValue("display_name"),
		Password: r.PostFormValue("password"), Role: r.PostFormValue("role"), Region: r.PostFormValue("region"),
		Department: r.PostFormValue("department")}
	if _, err := s.Access.CreateUser(r.Context(), p, in); err != nil {
		if k := apperr.KindOf(err); k == apperr.Invalid || k == apperr.Conflict {
			form := map[string]string{"username": in.Username, "display_name": in.DisplayName, "role": in.Role, "region": in.Region,
				"department": in.Department}
			s.renderUsers(w, r, p, s.status(r, err), "", apperr.Message(err, langOf(r)), form)
			return
		}
		s.uiError(w, r, err)
		return
	}
	http.Redirect(w, r, "/users", http.StatusSeeOther)
}

func (s *Server) userActionSubmit(w http.ResponseWriter, r *http.Request, p access.Principal) {
	username := r.PathValue("username")
	var err error
	switch r.PathValue("action") {
	case "disable":
		err = s.Access.SetDisabled(r.Context(), p, username, true)
	case "enable":
		err = s.Access.SetDisabled(r.Context(), p, username, false)
	case "password":
		err = s.Access.SetPassword(r.Context(), p, username, r.PostFormValue("password"))
		if apperr.Is(err, apperr.Invalid) {
			s.renderUsers(w, r, p, http.StatusBadRequest, "", username+"："+apperr.Message(err, langOf(r)), nil)
			return
		}
	default:
		err = apperr.New(apperr.NotFound, "页面不存在", "page not found")
	}
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	http.Redirect(w, r, "/users", http.StatusSeeOther)
}

func (s *Server) auditPage(w http.ResponseWriter, r *http.Request, p access.Principal) {
	if err := p.Require(access.AuditRead); err != nil {
		s.uiError(w, r, err)
		return
	}
	f, err := auditFilter(r, p)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	entries, total, err := s.Audit.Search(r.Context(), f)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	data := map[string]any{"Entries": entries, "Total": total, "Q": r.URL.Query()}
	if r.URL.Query().Get("verify") == "1" {
		rep, err := s.Audit.Verify(r.Context())
		if err != nil {
			s.uiError(w, r, err)
			return
		}
		data["Verify"] = rep
		if rep.Problem != nil {
			data["Reason"] = rep.Problem.ReasonZh()
		}
	}
	s.render(w, r, http.StatusOK, "audit", view{Data: data})
}

// householdsPage lists the households of the caller's jurisdiction with
// search and filters, and offers the form to register one.
func (s *Server) householdsPage(w http.ResponseWriter, r *http.Request, p access.Principal) {
	if err := p.Require(access.RegistryRead); err != nil {
		s.uiError(w, r, err)
		return
	}
	f, err := searchFilter(r)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	if f.Limit == 0 {
		f.Limit = 50
	}
	data := map[string]any{"CanWrite": p.Can(access.RegistryWrite), "Rows": memberRows(nil), "Q": r.URL.Query(),
		"Tree": s.Divisions.Tree()}
	rows, total, err := s.Registry.Search(r.Context(), p, f)
	code := http.StatusOK
	v := view{Data: data}
	if err != nil {
		if k := apperr.KindOf(err); k != apperr.Invalid && k != apperr.NotFound {
			s.uiError(w, r, err)
			return
		}
		code = s.status(r, err)
		v.Error, v.Field = apperr.Message(err, langOf(r)), apperr.FieldOf(err)
	}
	page := f.Offset/f.Limit + 1
	data["List"], data["Total"], data["Page"] = rows, total, page
	if f.Offset+len(rows) < total {
		data["Next"] = page + 1
	}
	if page > 1 {
		data["Prev"] = page - 1
	}
	s.render(w, r, code, "households", v)
}

// memberRows pads the form's member rows to five.
func memberRows(in []registry.NewMember) []registry.NewMember {
	for len(in) < 5 {
		in = append(in, registry.NewMember{})
	}
	return in
}

func (s *Server) householdCreateSubmit(w http.ResponseWriter, r *http.Request, p access.Principal) {
	if err := r.ParseForm(); err != nil {
		s.uiError(w, r, apperr.Field("body", "表单无法解析", "cannot read the form"))
		return
	}
	in := registry.NewHousehold{Village: r.PostForm.Get("village"), Area: r.PostForm.Get("area"), Address: r.PostForm.Get("address")}
	ids, names, rels := r.PostForm["id_number"], r.PostForm["name"], r.PostForm["relationship"]
	var rows []registry.NewMember
	for i := range ids {
		m := registry.NewMember{IDNumber: strings.TrimSpace(ids[i])}
		if i < len(names) {
			m.Name = names[i]
		}
		if i < len(rels) {
			m.Relationship = rels[i]
		}
		rows = append(rows, m)
		if m.IDNumber != "" || strings.TrimSpace(m.Name) != "" {
			in.Members = append(in.Members, m)
		}
	}
	h, err := s.Registry.CreateHousehold(r.Context(), p, in)
	if err != nil {
		if k := apperr.KindOf(err); k == apperr.Invalid || k == apperr.Conflict || k == apperr.Forbidden {
			s.render(w, r, s.status(r, err), "households", view{Error: apperr.Message(err, langOf(r)), Field: apperr.FieldOf(err),
				Data: map[string]any{"CanWrite": p.Can(access.RegistryWrite), "Form": in, "Rows": memberRows(rows),
					"Q": r.URL.Query(), "Tree": s.Divisions.Tree(), "Page": 1}})
			return
		}
		s.uiError(w, r, err)
		return
	}
	http.Redirect(w, r, "/households/"+strconv.FormatInt(h.ID, 10), http.StatusSeeOther)
}

func (s *Server) householdPage(w http.ResponseWriter, r *http.Request, p access.Principal) {
	h, err := s.Registry.Household(r.Context(), p, pathInt64(r, "id"))
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	hist, err := s.Registry.History(r.Context(), p, h.ID)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	names := map[int64]string{}
	for _, m := range h.Members {
		names[m.PersonID] = m.Name
	}
	s.render(w, r, http.StatusOK, "household", view{Data: map[string]any{"H": h, "VillagePath": s.Divisions.Tree().Path(h.Village),
		"History": hist, "Names": names, "CanWrite": p.Can(access.RegistryWrite), "ShowAccount": p.Can(access.SeeFullID),
		"Verify": s.householdVerifyPanel(r, p, h.ID)}})
}

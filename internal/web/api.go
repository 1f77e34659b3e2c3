package web

import (
	"net/http"
	"strconv"
	"time"

	"safetynet/internal/access"
	"safetynet/internal/apperr"
	"safetynet/internal/audit"
	"safetynet/internal/region"
)

type divisionJSON struct {
	Code     string         `json:"code"`
	Name     string         `json:"name"`
	Level    string         `json:"level"`
	Parent   string         `json:"parent,omitempty"`
	Class    string         `json:"class,omitempty"`
	Path     string         `json:"path,omitempty"`
	Children []divisionJSON `json:"children,omitempty"`
}

func divisionOut(d region.Division) divisionJSON {
	j := divisionJSON{Code: d.Code, Name: d.Name, Level: d.Level.String(), Parent: d.Parent}
	if d.Level == region.Village {
		j.Class = d.Class.String()
	}
	return j
}

// apiRegion returns a division and its children. Divisions are public
// reference data, but browsing them still needs a login.
func (s *Server) apiRegion(w http.ResponseWriter, r *http.Request, p access.Principal) {
	if err := p.Require(access.DivisionBrowse); err != nil {
		s.apiError(w, r, err)
		return
	}
	t := s.Divisions.Tree()
	d, err := t.Find(r.PathValue("code"))
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	out := divisionOut(d)
	out.Path = t.Path(d.Code)
	for _, c := range t.Children(d.Code) {
		out.Children = append(out.Children, divisionOut(c))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiSetRegionClass(w http.ResponseWriter, r *http.Request, p access.Principal) {
	var in struct {
		Class string `json:"class"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		s.apiError(w, r, err)
		return
	}
	if err := s.Divisions.SetClass(r.Context(), p, r.PathValue("code"), in.Class); err != nil {
		s.apiError(w, r, err)
		return
	}
	d, _ := s.Divisions.Tree().Find(r.PathValue("code"))
	writeJSON(w, http.StatusOK, divisionOut(d))
}

func (s *Server) apiUsers(w http.ResponseWriter, r *http.Request, p access.Principal) {
	users, err := s.Access.ListUsers(r.Context(), p)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	out := []userJSON{}
	for _, u := range users {
		out = append(out, s.userJSON(u, langOf(r)))
	}
	writeJSON(w, http.StatusOK, map[string]any{"users": out})
}

type userIn struct {
	Username    string `json:"username"`
	DisplayName string `json:"display_name"`
	Password    string `json:"password"`
	Role        string `json:"role"`
	Region      string `json:"region"`
	Department  string `json:"department,omitempty"`
}

func (s *Server) apiCreateUser(w http.ResponseWriter, r *http.Request, p access.Principal) {
	var in userIn
	if err := decodeJSON(w, r, &in); err != nil {
		s.apiError(w, r, err)
		return
	}
	u, err := s.Access.CreateUser(r.Context(), p, access.NewUser(in))
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, s.userJSON(u, langOf(r)))
}

func (s *Server) apiDisableUser(w http.ResponseWriter, r *http.Request, p access.Principal) {
	s.setDisabled(w, r, p, true)
}

func (s *Server) apiEnableUser(w http.ResponseWriter, r *http.Request, p access.Principal) {
	s.setDisabled(w, r, p, false)
}

func (s *Server) setDisabled(w http.ResponseWriter, r *http.Request, p access.Principal, disabled bool) {
	if err := s.Access.SetDisabled(r.Context(), p, r.PathValue("username"), disabled); err != nil {
		s.apiError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) apiSetPassword(w http.ResponseWriter, r *http.Request, p access.Principal) {
	var in struct {
		Password string `json:"password"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		s.apiError(w, r, err)
		return
	}
	if err := s.Access.SetPassword(r.Context(), p, r.PathValue("username"), in.Password); err != nil {
		s.apiError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) apiIssueToken(w http.ResponseWriter, r *http.Request, p access.Principal) {
	var in struct {
		Username string `json:"username"`
		Name     string `json:"name"`
		Days     int    `json:"days"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		s.apiError(w, r, err)
		return
	}
	if in.Days == 0 {
		in.Days = 365
	}
	tok, err := s.Access.IssueServiceToken(r.Context(), p, in.Username, in.Name, time.Duration(in.Days)*24*time.Hour)
	if err != nil {
		if apperr.FieldOf(err) == "ttl" {
			err = apperr.Field("days", "有效期须为 1–1096 天", "days must be between 1 and 1096")
		}
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"token": tok, "token_type": "Bearer", "username": in.Username, "name": in.Name})
}

type auditJSON struct {
	Seq           int64     `json:"seq"`
	At            time.Time `json:"at"`
	Actor         string    `json:"actor"`
	ActorRole     string    `json:"actor_role"`
	ActorRegion   string    `json:"actor_region"`
	Action        string    `json:"action"`
	SubjectType   string    `json:"subject_type"`
	SubjectID     string    `json:"subject_id"`
	SubjectRegion string    `json:"subject_region"`
	Before        string    `json:"before,omitempty"`
	After         string    `json:"after,omitempty"`
	Hash          string    `json:"hash"`
}

// auditFilter reads the search form shared by the API and the page, scoped
// to p's jurisdiction.
func auditFilter(r *http.Request, p access.Principal) (audit.Filter, error) {
	q := r.URL.Query()
	f := audit.Filter{RegionPrefix: p.Prefix(), Actor: q.Get("actor"), Action: q.Get("action"),
		SubjectType: q.Get("subject_type"), SubjectID: q.Get("subject_id")}
	var err error
	if v := q.Get("limit"); v != "" {
		if f.Limit, err = strconv.Atoi(v); err != nil {
			return f, apperr.Field("limit", "limit 须为整数", "limit must be an integer")
		}
	}
	if v := q.Get("offset"); v != "" {
		if f.Offset, err = strconv.Atoi(v); err != nil {
			return f, apperr.Field("offset", "offset 须为整数", "offset must be an integer")
		}
	}
	for _, d := range []struct {
		name string
		t    *time.Time
		add  int
	}{{"from", &f.From, 0}, {"to", &f.To, 1}} {
		if v := q.Get(d.name); v != "" {
			t, err := time.ParseInLocation("2006-01-02", v, shanghai)
			if err != nil {
				return f, apperr.Field(d.name, "日期格式应为 YYYY-MM-DD", "dates are YYYY-MM-DD")
			}
			*d.t = t.AddDate(0, 0, d.add)
		}
	}
	return f, nil
}

func (s *Server) apiAudit(w http.ResponseWriter, r *http.Request, p access.Principal) {
	if err := p.Require(access.AuditRead); err != nil {
		s.apiError(w, r, err)
		return
	}
	f, err := auditFilter(r, p)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	entries, total, err := s.Audit.Search(r.Context(), f)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	out := []auditJSON{}
	for _, e := range entries {
		out = append(out, auditJSON{Seq: e.Seq, At: e.At, Actor: e.Actor.Name, ActorRole: e.Actor.Role, ActorRegion: e.Actor.Region,
			Action: e.Action, SubjectType: e.SubjectType, SubjectID: e.SubjectID, SubjectRegion: e.SubjectRegion,
			Before: e.Before, After: e.After, Hash: e.Hash})
	}
	writeJSON(w, http.StatusOK, map[string]any{"entries": out, "total": total})
}

// apiAuditVerify walks the whole chain. It reveals only counts and the
// position of a break, never another jurisdiction's entries.
func (s *Server) apiAuditVerify(w http.ResponseWriter, r *http.Request, p access.Principal) {
	if err := p.Require(access.AuditRead); err != nil {
		s.apiError(w, r, err)
		return
	}
	rep, err := s.Audit.Verify(r.Context())
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	out := map[string]any{"ok": rep.OK(), "entries": rep.Entries, "head": rep.Head.Seq}
	if rep.Problem != nil {
		out["first_broken"] = rep.Problem.Seq
		out["reason"] = rep.Problem.Reason
	}
	writeJSON(w, http.StatusOK, out)
}

package web

import (
	"context"
	"net/http"
	"strings"

	"safetynet/internal/access"
	"safetynet/internal/apperr"
)

// sessionCookie names the web session cookie.
const sessionCookie = "sn_session"

type principalKey struct{}

// tokenOf returns the bearer token of r, or its session cookie.
func tokenOf(r *http.Request) string {
	if h := r.Header.Get("Authorization"); h != "" {
		if t, ok := strings.CutPrefix(h, "Bearer "); ok {
			return strings.TrimSpace(t)
		}
		return ""
	}
	if c, err := r.Cookie(sessionCookie); err == nil {
		return c.Value
	}
	return ""
}

// principal resolves the caller of r; a zero Principal when anonymous.
func (s *Server) principal(r *http.Request) (access.Principal, error) {
	if p, ok := r.Context().Value(principalKey{}).(access.Principal); ok {
		return p, nil
	}
	tok := tokenOf(r)
	if tok == "" {
		return access.Principal{}, apperr.ErrUnauthorized
	}
	return s.Access.Authenticate(r.Context(), tok)
}

// apiAuth authenticates an API request; anonymous callers get 401.
func (s *Server) apiAuth(h func(http.ResponseWriter, *http.Request, access.Principal)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := s.principal(r)
		if err != nil {
			s.apiError(w, r, err)
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		h(w, r.WithContext(context.WithValue(r.Context(), principalKey{}, p)), p)
	})
}

type loginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

type userJSON struct {
	Username    string   `json:"username"`
	DisplayName string   `json:"display_name"`
	Role        string   `json:"role"`
	RoleName    string   `json:"role_name"`
	Region      string   `json:"region"`
	RegionName  string   `json:"region_name,omitempty"`
	Department  string   `json:"department,omitempty"`
	Disabled    bool     `json:"disabled"`
	Permissions []string `json:"permissions,omitempty"`
}

func (s *Server) userJSON(u access.User, lang string) userJSON {
	name := u.Role.Zh()
	if lang == "en" {
		name = u.Role.En()
	}
	return userJSON{Username: u.Username, DisplayName: u.DisplayName, Role: string(u.Role), RoleName: name,
		Region: u.Region, RegionName: s.Divisions.Tree().Path(u.Region), Department: u.Department, Disabled: u.Disabled}
}

func (s *Server) principalJSON(p access.Principal, lang string) userJSON {
	j := s.userJSON(access.User{Username: p.Username, DisplayName: p.Name, Role: p.Role, Region: p.Region, Department: p.Department}, lang)
	for _, perm := range p.Role.Permissions() {
		j.Permissions = append(j.Permissions, string(perm))
	}
	return j
}

// apiLogin: POST /api/v1/login → {"token", "expires_in", "user"}.
func (s *Server) apiLogin(w http.ResponseWriter, r *http.Request) {
	var req loginRequest
	if err := decodeJSON(w, r, &req); err != nil {
		s.apiError(w, r, err)
		return
	}
	token, p, err := s.Access.Login(r.Context(), req.Username, req.Password, clientAddr(r), access.APIToken)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]any{"token": token, "token_type": "Bearer",
		"expires_in": int(s.Access.SessionTTL.Seconds()), "user": s.principalJSON(p, langOf(r))})
}

func (s *Server) apiLogout(w http.ResponseWriter, r *http.Request, p access.Principal) {
	if err := s.Access.Logout(r.Context(), tokenOf(r)); err != nil {
		s.apiError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) apiMe(w http.ResponseWriter, r *http.Request, p access.Principal) {
	writeJSON(w, http.StatusOK, s.principalJSON(p, langOf(r)))
}

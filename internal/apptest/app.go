package apptest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"safetynet/internal/access"
	"safetynet/internal/app"
	"safetynet/internal/idcard"
	"safetynet/internal/region"
)

// App is a whole application on a fresh database, served by httptest.
type App struct {
	*app.App
	Server *httptest.Server
}

// Password is the password of every user the kit creates.
const Password = "Test-Passw0rd"

// NewApp builds an application on a fresh database for t, with cheap
// password hashing, and serves it.
func NewApp(t testing.TB) *App {
	t.Helper()
	db := OpenDB(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	a, err := app.Build(context.Background(), db, app.Options{Hash: access.FastArgon2, Log: log})
	if err != nil {
		t.Fatalf("build app: %v", err)
	}
	ws, err := a.Server()
	if err != nil {
		t.Fatalf("web server: %v", err)
	}
	srv := httptest.NewServer(ws.Handler())
	t.Cleanup(srv.Close)
	t.Cleanup(a.Batches.Close) // the batch jobs stop before the database closes
	return &App{App: a, Server: srv}
}

// System is the command line's principal, for setting up test data.
func System() access.Principal { return access.System("test", region.YunnanCode) }

// MustCreateUser creates a user with Password. A department handler works
// for the education department.
func (a *App) MustCreateUser(t testing.TB, username string, role access.Role, regionCode string) access.User {
	t.Helper()
	dept := ""
	if role == access.DepartmentHandler {
		dept = "education"
	}
	u, err := a.Access.CreateUser(context.Background(), System(), access.NewUser{Username: username,
		DisplayName: username, Password: Password, Role: string(role), Region: regionCode, Department: dept})
	if err != nil {
		t.Fatalf("create user %s: %v", username, err)
	}
	return u
}

// Login logs username in through the API and returns its bearer token.
func (a *App) Login(t testing.TB, username string) string {
	t.Helper()
	res := a.Do(t, "POST", "/api/v1/login", "", map[string]string{"username": username, "password": Password})
	if res.Code != http.StatusOK {
		t.Fatalf("login %s: %d %s", username, res.Code, res.Body)
	}
	var out struct{ Token string }
	res.JSON(t, &out)
	return out.Token
}

// Response is a recorded HTTP response.
type Response struct {
	Code   int
	Header http.Header
	Body   string
}

// JSON decodes the body into v.
func (r Response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(r.Body), v); err != nil {
		t.Fatalf("decode %q: %v", r.Body, err)
	}
}

// ErrorField returns the "field" of an API error body.
func (r Response) ErrorField() string {
	var e struct {
		Error struct{ Field, Code string }
	}
	json.Unmarshal([]byte(r.Body), &e)
	return e.Error.Field
}

// Do sends a request with an optional bearer token and JSON body (a
// string is sent as is).
func (a *App) Do(t testing.TB, method, path, token string, body any) Response {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(buf)
	}
	req, err := http.NewRequest(method, a.Server.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return a.Send(t, req)
}

// Send sends req without following redirects.
func (a *App) Send(t testing.TB, req *http.Request) Response {
	t.Helper()
	c := &http.Client{Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
	res, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return Response{Code: res.StatusCode, Header: res.Header, Body: string(b)}
}

// ID returns a valid resident ID for a person born on birth ("YYYY-MM-DD")
// in the county of area, with sequence seq (odd: male).
func ID(area, birth string, seq int) string {
	b, err := time.Parse("2006-01-02", birth)
	if err != nil {
		panic(err)
	}
	return idcard.Generate(area, b, seq).String()
}

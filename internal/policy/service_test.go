package policy_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"safetynet/internal/access"
	"safetynet/internal/apperr"
	"safetynet/internal/policy"
)

// versionJSON returns the newest embedded province version as JSON with
// edit applied to its decoded tree.
func versionJSON(t *testing.T, edit func(v map[string]any)) []byte {
	t.Helper()
	v := at(t, "2099-01-01")
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var tree map[string]any
	if err := json.Unmarshal(raw, &tree); err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(tree)
	}
	out, err := json.Marshal(tree)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func section(v map[string]any, path ...string) map[string]any {
	m := v
	for _, p := range path {
		m = m[p].(map[string]any)
	}
	return m
}

func TestDecodeVersionNamesTheField(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		edit  func(v map[string]any)
		field string
	}{
		{"valid", nil, ""},
		{"amount not yuan", func(v map[string]any) { section(v, "params", "dibao")["urban_standard"] = "abc" }, "params.dibao.urban_standard"},
		{"too many decimals", func(v map[string]any) { section(v, "params", "tekun", "care", "home")["partial"] = "1.234" }, "params.tekun.care.home.partial"},
		{"negative standard", func(v map[string]any) { section(v, "params", "dibao")["urban_standard"] = "-1" }, "params.dibao.urban_standard"},
		{"ratio above 1", func(v map[string]any) { section(v, "params", "medical", "dibao", "inpatient")["ratio"] = "1.5" }, "params.medical.dibao.inpatient.ratio"},
		{"bad ratio text", func(v map[string]any) { section(v, "params", "tekun")["basic_ratio"] = "x" }, "params.tekun.basic_ratio"},
		{"wrong type", func(v map[string]any) { section(v, "params", "procedure")["notice_days"] = "seven" }, "params.procedure.notice_days"},
		{"unknown field", func(v map[string]any) { section(v, "params", "dibao")["urban_standrd"] = "1" }, "params.dibao.urban_standrd"},
		{"unknown top field", func(v map[string]any) { v["colour"] = "red" }, "colour"},
		{"bad exempt kind", func(v map[string]any) { section(v, "params", "income")["exempt_kinds"] = []any{"wages"} }, "params.income.exempt_kinds[0]"},
		{"bad region", func(v map[string]any) { v["region"] = "53x" }, "region"},
		{"bad date", func(v map[string]any) { v["effective"] = "2027-02-30" }, "effective"},
		{"until before effective", func(v map[string]any) { v["until"] = "2020-01-01" }, "until"},
		{"unknown unverified path", func(v map[string]any) { v["unverified"] = []any{"dibao.nothing"} }, "unverified[0]"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := policy.DecodeVersion(versionJSON(t, c.edit))
			if c.field == "" {
				if err != nil {
					t.Fatalf("got %v; want no error", err)
				}
				return
			}
			wantErr(t, err, apperr.Invalid, c.field)
		})
	}
	if _, err := policy.DecodeVersion([]byte(`{"region":`)); apperr.FieldOf(err) != "body" {
		t.Errorf("malformed JSON = %v; want body", err)
	}
}

// memStore is an in-process policy.Store for tests of the merge rules.
type memStore struct{ vs []policy.Published }

func (m *memStore) ListVersions(context.Context) ([]policy.Published, error) { return m.vs, nil }
func (m *memStore) InsertVersion(_ context.Context, p policy.Published) error {
	m.vs = append(m.vs, p)
	return nil
}

func TestServiceMergesPublishedOverDefaults(t *testing.T) {
	t.Parallel()
	base := *at(t, "2025-07-01")
	replaced := base
	replaced.Params.Dibao.UrbanStandard = policy.Yuan(75000)
	county := base
	county.Region, county.Effective = "530102000000", "2026-01-01"
	county.Params.Dibao.UrbanStandard = policy.Yuan(80000)
	published := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	st := &memStore{vs: []policy.Published{
		{Version: county, By: "admin", At: published},
		{Version: replaced, By: "admin", At: published},
	}}
	svc := &policy.Service{Store: st}
	before := len(svc.Dataset().Versions())
	if err := svc.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := len(svc.Dataset().Versions()); n != before+1 {
		t.Fatalf("versions = %d; want %d (one replaced, one added)", n, before+1)
	}
	p, err := svc.Resolve("530102001001", "2026-03-01")
	if err != nil || p.Region != county.Region || p.By != "admin" {
		t.Fatalf("county resolve = %+v, %v", p.Version.Ref(), err)
	}
	p, err = svc.Resolve("530103", "2025-08-01")
	if err != nil || p.Params.Dibao.UrbanStandard.String() != "750.00" || p.IsDefault() {
		t.Fatalf("province resolve = %s default=%v, %v; want the published 750.00", p.Params.Dibao.UrbanStandard, p.IsDefault(), err)
	}
	if p, _ := svc.Resolve("53", "2024-08-01"); !p.IsDefault() {
		t.Fatal("2024 version should be the built-in one")
	}

	related, err := svc.Versions("530102")
	if err != nil {
		t.Fatal(err)
	}
	var regions []string
	for _, v := range related {
		if !strings.HasPrefix("530102000000", strings.TrimRight(v.Region, "0")) {
			regions = append(regions, v.Region)
		}
	}
	if len(regions) != 0 {
		t.Errorf("versions for 530102 include unrelated regions %v", regions)
	}
	if kunming, _ := svc.Versions("530100000000"); len(kunming) != len(related) {
		t.Errorf("versions for Kunming = %d; want %d (the county's are within it)", len(kunming), len(related))
	}
	if _, err := svc.Versions("5301x"); apperr.FieldOf(err) != "region" {
		t.Errorf("bad region filter = %v", err)
	}
}

func TestPublishChecksBeforeStoring(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 28, 2, 0, 0, 0, time.UTC)
	st := &memStore{}
	svc := &policy.Service{Store: st, Now: func() time.Time { return now }}
	v := *at(t, "2025-07-01")
	v.Effective = "2026-12-01"
	clerk := access.NewPrincipal(access.User{ID: 1, Username: "c", Role: access.TownshipClerk, Region: "530102001000"})
	if _, err := svc.Publish(context.Background(), clerk, v); !apperr.Is(err, apperr.Forbidden) {
		t.Errorf("clerk publish = %v; want Forbidden", err)
	}
	if _, err := svc.Publish(context.Background(), access.Principal{}, v); !apperr.Is(err, apperr.Unauthorized) {
		t.Errorf("anonymous publish = %v; want Unauthorized", err)
	}
	other := access.System("guizhou", "520000000000")
	if _, err := svc.Publish(context.Background(), other, v); !apperr.Is(err, apperr.Forbidden) {
		t.Errorf("publish outside jurisdiction = %v; want Forbidden", err)
	}
	admin := access.System("admin", "530000000000")
	past := v
	past.Effective = "2026-11-27"
	_, err := svc.Publish(context.Background(), admin, past)
	wantErr(t, err, apperr.Invalid, "effective")
	bad := v
	bad.Params.Dibao.UrbanStandard = 0
	_, err = svc.Publish(context.Background(), admin, bad)
	wantErr(t, err, apperr.Invalid, "params.dibao.urban_standard")
	svc.Divisions = divisions{"530000000000": true}
	unknown := v
	unknown.Region = "539999"
	_, err = svc.Publish(context.Background(), admin, unknown)
	wantErr(t, err, apperr.Invalid, "region")
	if len(st.vs) != 0 {
		t.Fatalf("stored %d versions after refusals; want none", len(st.vs))
	}
}

type divisions map[string]bool

func (d divisions) Exists(code string) bool { return d[code] }

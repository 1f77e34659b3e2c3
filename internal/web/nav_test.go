package web

import (
	"testing"

	"safetynet/internal/access"
)

// TestNavBatches checks who is led to the batch re-verification: a role
// that may run batches but has no verification centre gets its own entry;
// the centre's staff reach it from the centre's page.
func TestNavBatches(t *testing.T) {
	hrefs := func(role access.Role) map[string]bool {
		p := access.NewPrincipal(access.User{ID: 7, Username: "u", Role: role, Region: "530100000000"})
		out := map[string]bool{}
		for _, it := range nav(p, "/") {
			out[it.Href] = true
		}
		return out
	}
	if h := hrefs(access.PrefectureOfficer); !h["/verification/batches"] || h["/verification"] {
		t.Errorf("prefecture officer's menu: %v", h)
	}
	if h := hrefs(access.CountyVerifier); h["/verification/batches"] || !h["/verification"] {
		t.Errorf("county verifier's menu: %v", h)
	}
	if h := hrefs(access.CountyApprover); h["/verification/batches"] {
		t.Errorf("county approver's menu: %v", h)
	}
}

package access_test

import (
	"strings"
	"testing"

	"safetynet/internal/access"
)

func TestPasswordHashing(t *testing.T) {
	h := access.FastArgon2.HashPassword("Correct-Horse-9")
	if !strings.HasPrefix(h, "$argon2id$v=19$m=1024,t=1,p=1$") {
		t.Fatalf("hash format %q", h)
	}
	if !access.CheckPassword(h, "Correct-Horse-9") {
		t.Fatal("right password rejected")
	}
	if access.CheckPassword(h, "Correct-Horse-8") {
		t.Fatal("wrong password accepted")
	}
	if h2 := access.FastArgon2.HashPassword("Correct-Horse-9"); h2 == h {
		t.Fatal("two hashes of one password are equal: no salt")
	}
	for _, bad := range []string{"", "plain", "$argon2i$v=19$m=1024,t=1,p=1$c2FsdA$aGFzaA", "$argon2id$v=19$m=x$a$b", h[:len(h)-4] + "!!!!"} {
		if access.CheckPassword(bad, "Correct-Horse-9") {
			t.Errorf("malformed hash %q matched", bad)
		}
	}
}

func TestValidatePassword(t *testing.T) {
	for pw, ok := range map[string]bool{
		"Abcdefgh12":   true,
		"abcdefgh12!":  true,
		"短密码Aa1":       false,
		"abcdefghijk":  false,
		"ABCDEFGH1234": false,
		"安全网密码Aa1234":  true,
	} {
		if err := access.ValidatePassword(pw); (err == nil) != ok {
			t.Errorf("ValidatePassword(%q) = %v; want ok=%v", pw, err, ok)
		}
	}
}

func TestRolesAndJurisdiction(t *testing.T) {
	if len(access.Roles) != 10 {
		t.Fatalf("%d roles; want the 10 of DESIGN.md", len(access.Roles))
	}
	for _, r := range access.Roles {
		if got, err := access.ParseRole(string(r)); err != nil || got != r || r.Zh() == "" {
			t.Errorf("role %s: %v %q", r, err, r.Zh())
		}
	}
	if _, err := access.ParseRole("service"); err == nil {
		t.Error("unknown role accepted")
	}
	perms := []struct {
		role access.Role
		perm access.Permission
		want bool
	}{
		{access.TownshipClerk, access.RegistryWrite, true},
		{access.TownshipClerk, access.UserManage, false},
		{access.Auditor, access.AuditRead, true},
		{access.Auditor, access.RegistryWrite, false},
		{access.FinanceOfficer, access.SeeFullID, false},
		{access.ProvinceAdmin, access.UserManage, true},
		{access.PrefectureOfficer, access.AuditRead, false},
	}
	for _, c := range perms {
		if got := c.role.Can(c.perm); got != c.want {
			t.Errorf("%s can %s = %v; want %v", c.role, c.perm, got, c.want)
		}
	}
	clerk := access.NewPrincipal(access.User{ID: 1, Username: "c", Role: access.TownshipClerk, Region: "530102001000"})
	cover := map[string]bool{"530102001001": true, "530102001000": true, "530102002001": false, "530103001001": false, "530102000000": false, "53": false}
	for code, want := range cover {
		if got := clerk.Covers(code); got != want {
			t.Errorf("clerk of 530102001 covers %s = %v; want %v", code, got, want)
		}
	}
	if (access.Principal{}).Covers("530102001001") || (access.Principal{}).Can(access.RegistryRead) {
		t.Error("the anonymous principal covers or may something")
	}
	if !access.System("cli", "").Covers("520102000000") || access.System("job", "53").Covers("520102000000") {
		t.Error("system principals' scope is wrong")
	}
}

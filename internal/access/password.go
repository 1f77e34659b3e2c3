package access

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"safetynet/internal/apperr"
)

// Argon2Params are the cost parameters of password hashing. They are
// recorded in every hash, so raising them later keeps old hashes valid.
type Argon2Params struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
}

// DefaultArgon2 follows the RFC 9106 second recommendation (64 MiB, t=3)
// scaled to t=2 for a 2-core office server: about 60 ms a login.
var DefaultArgon2 = Argon2Params{Memory: 64 * 1024, Time: 2, Threads: 2}

// FastArgon2 is for tests only.
var FastArgon2 = Argon2Params{Memory: 1024, Time: 1, Threads: 1}

// HashPassword returns the PHC-format argon2id hash of pw.
func (p Argon2Params) HashPassword(pw string) string {
	salt := make([]byte, 16)
	rand.Read(salt)
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, 32)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

// CheckPassword reports whether pw matches the encoded hash, in constant
// time. A malformed hash never matches.
func CheckPassword(encoded, pw string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false
	}
	var p Argon2Params
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return false
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return false
	}
	want, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// ValidatePassword enforces the password rule: at least 10 characters with
// at least three of lower case, upper case, digits and other characters,
// as Chinese government systems commonly require (等保 level 2).
func ValidatePassword(pw string) error {
	if utf8.RuneCountInString(pw) < 10 {
		return apperr.Field("password", "密码至少 10 个字符", "the password needs at least 10 characters")
	}
	var lower, upper, digit, other int
	for _, r := range pw {
		switch {
		case r >= 'a' && r <= 'z':
			lower = 1
		case r >= 'A' && r <= 'Z':
			upper = 1
		case r >= '0' && r <= '9':
			digit = 1
		default:
			other = 1
		}
	}
	if lower+upper+digit+other < 3 {
		return apperr.Field("password", "密码须包含小写字母、大写字母、数字、符号中的至少三类",
			"the password needs three of: lower case, upper case, digits, symbols")
	}
	return nil
}

package region

import (
	"strings"

	"safetynet/internal/apperr"
)

// Level is the level of a division in the five-level hierarchy. The zero
// Level is not a level: LevelOf returns it for codes that are not valid.
type Level uint8

// The five levels, from the province down.
const (
	Province   Level = 1 // 省级: province, autonomous region, municipality
	Prefecture Level = 2 // 地级: prefecture-level city, autonomous prefecture
	County     Level = 3 // 县级: county, district, county-level city
	Township   Level = 4 // 乡级: township, town, subdistrict (街道)
	Village    Level = 5 // 村级: villagers' or residents' committee
)

// prefixLen is the number of significant digits of a code at each level.
var prefixLen = [...]int{Province: 2, Prefecture: 4, County: 6, Township: 9, Village: 12}

var levelNames = [...][2]string{
	Province:   {"province", "省级"},
	Prefecture: {"prefecture", "地级"},
	County:     {"county", "县级"},
	Township:   {"township", "乡级"},
	Village:    {"village", "村级"},
}

// String returns the English name of the level ("province", …, "village"),
// or "" for the zero Level.
func (l Level) String() string {
	if l.Valid() {
		return levelNames[l][0]
	}
	return ""
}

// Zh returns the Chinese name of the level (省级, 地级, 县级, 乡级, 村级), or "".
func (l Level) Zh() string {
	if l.Valid() {
		return levelNames[l][1]
	}
	return ""
}

// Valid reports whether l is one of the five levels.
func (l Level) Valid() bool { return l >= Province && l <= Village }

// CodeLen is the number of digits of a full division code.
const CodeLen = 12

const zeros = "000000000000"

// invalidPrefix is what Prefix returns for an invalid code: it starts no code.
const invalidPrefix = "-"

// Normalize returns the 12-digit form of a division code given with 2, 4, 6,
// 9 or 12 digits ("53" → "530000000000", "530102" → "530102000000").
// Surrounding spaces are ignored. Anything else, and the province segment
// "00", is an Invalid apperr naming the field "region".
func Normalize(code string) (string, error) {
	code = strings.TrimSpace(code)
	switch len(code) {
	case 2, 4, 6, 9, 12:
	default:
		return "", errCode()
	}
	if !digits(code) || code[:2] == "00" {
		return "", errCode()
	}
	if len(code) < CodeLen {
		code += zeros[len(code):]
	}
	return code, nil
}

func errCode() error {
	return apperr.Field("region",
		"行政区划代码应为2、4、6、9或12位数字",
		"a division code has 2, 4, 6, 9 or 12 digits")
}

// valid12 reports whether code is a 12-digit division code as stored.
func valid12(code string) bool {
	return len(code) == CodeLen && digits(code) && code[:2] != "00"
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// LevelOf returns the level of a division code given in any form Normalize
// accepts, derived from its trailing zeros: 10 for a province, 8 for a
// prefecture, 6 for a county, 3 for a township, none for a village. It
// returns the zero Level for an invalid code.
func LevelOf(code string) Level {
	c, err := Normalize(code)
	if err != nil {
		return 0
	}
	return level12(c)
}

// level12 is LevelOf for a valid 12-digit code.
func level12(c string) Level {
	switch {
	case c[2:] == zeros[2:]:
		return Province
	case c[4:] == zeros[4:]:
		return Prefecture
	case c[6:] == zeros[6:]:
		return County
	case c[9:] == zeros[9:]:
		return Township
	}
	return Village
}

// Prefix returns the significant digits of code, 2, 4, 6, 9 or 12 of them
// by its level ("530100000000" → "5301"): every division within code's
// jurisdiction, and no other, has a code starting with it, so a store can
// scope a query with "code LIKE prefix || '%'". The code may be given in
// any form Normalize accepts. For an invalid code Prefix returns "-", which
// starts no code, so a mistake narrows a scope to nothing instead of
// widening it to everything.
func Prefix(code string) string {
	c, err := Normalize(code)
	if err != nil {
		return invalidPrefix
	}
	return c[:prefixLen[level12(c)]]
}

// Contains reports whether code lies within ancestor's jurisdiction: its
// code starts with ancestor's prefix. A division contains itself. Both codes
// may be given in any form Normalize accepts; an invalid one contains, and
// lies within, nothing.
func Contains(ancestor, code string) bool {
	c, err := Normalize(code)
	if err != nil {
		return false
	}
	return strings.HasPrefix(c, Prefix(ancestor))
}

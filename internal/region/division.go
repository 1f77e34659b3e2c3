package region

import (
	"strings"

	"safetynet/internal/apperr"
)

// Division is one administrative division.
type Division struct {
	Code   string // 12-digit statistical code
	Name   string // e.g. 五华区
	Parent string // the parent's 12-digit code; "" for a province
	Level  Level  // derived from Code
	Class  Class  // urban/rural class; villages only, Unknown for the rest
}

// Class is the urban/rural class of a village (城乡分类). The statistical
// data we embed carries no class, so ParseCSV derives a default from the
// village's name (ClassFromName), and the class is an editable field after
// that.
type Class uint8

// The classes. The zero Class is Unknown.
const (
	Unknown Class = iota // not known; to be set by hand
	Urban                // 城镇: residents' committee (居民委员会)
	Rural                // 农村: villagers' committee (村民委员会)
)

// String returns "urban", "rural" or "unknown".
func (c Class) String() string {
	switch c {
	case Urban:
		return "urban"
	case Rural:
		return "rural"
	}
	return "unknown"
}

// Zh returns 城镇, 农村 or 未知.
func (c Class) Zh() string {
	switch c {
	case Urban:
		return "城镇"
	case Rural:
		return "农村"
	}
	return "未知"
}

// ParseClass reads a class as written in a CSV file or a form: "urban" or
// 城镇, "rural" or 农村, "unknown" or 未知 (English case-insensitive). It
// returns an Invalid apperr naming the field "class" for anything else,
// including "": an empty cell means "derive it", which is the caller's call.
func ParseClass(s string) (Class, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "urban", "城镇":
		return Urban, nil
	case "rural", "农村":
		return Rural, nil
	case "unknown", "未知":
		return Unknown, nil
	}
	return Unknown, apperr.Field("class",
		"城乡分类应为 urban（城镇）、rural（农村）或 unknown（未知）",
		"the urban/rural class is urban (城镇), rural (农村) or unknown (未知)")
}

// ClassFromName derives a village's default class from its name, by the kind
// of committee it names: a villagers' committee (…村民委员会, …村委会, …村) or a
// rural community (…农村社区, "（农村社区）") is Rural; a residents' committee
// (…居民委员会, …居委会) or a community (…社区) is Urban. Virtual communities
// (虚拟社区, set up for industrial parks and scenic areas), farm living areas
// (生活区) and anything else are Unknown.
//
// A "社区村民委员会" is Rural: the committee, not the word 社区, decides.
func ClassFromName(name string) Class {
	name = strings.TrimSpace(name)
	if base, note, ok := cutNote(name); ok {
		if strings.Contains(note, "农村") {
			return Rural
		}
		name = base
	}
	switch {
	case hasSuffix(name, "村民委员会", "村委会", "村", "农村社区"):
		return Rural
	case strings.HasSuffix(name, "虚拟社区"):
		return Unknown
	case hasSuffix(name, "居民委员会", "居民委员", "居委会", "社区"):
		return Urban
	}
	return Unknown
}

// cutNote splits "碧溪村民委员会（农村社区）" into its name and the note in
// trailing full-width or ASCII parentheses.
func cutNote(name string) (base, note string, ok bool) {
	for _, p := range [...][2]string{{"（", "）"}, {"(", ")"}} {
		if strings.HasSuffix(name, p[1]) {
			if i := strings.LastIndex(name, p[0]); i >= 0 {
				return name[:i], name[i+len(p[0]) : len(name)-len(p[1])], true
			}
		}
	}
	return name, "", false
}

func hasSuffix(s string, suffixes ...string) bool {
	for _, x := range suffixes {
		if strings.HasSuffix(s, x) {
			return true
		}
	}
	return false
}

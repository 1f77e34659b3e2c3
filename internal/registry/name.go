package registry

import (
	"strings"
	"sync"
	"unicode"

	"github.com/mozillazg/go-pinyin"
)

// pinyinArgs reads each character in its most common reading, without
// tones. Polyphonic surnames (单 shàn, 曾 zēng…) may get the everyday
// reading; search by characters finds them regardless.
var pinyinArgs = func() pinyin.Args {
	a := pinyin.NewArgs()
	a.Style = pinyin.Normal
	a.Fallback = func(r rune, a pinyin.Args) []string {
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			return []string{strings.ToLower(string(r))}
		}
		return nil
	}
	return a
}()

// NameKeys returns the search keys of a Chinese name: its full pinyin
// ("zhangsan") and its initials ("zs"), both lower case, so that search by
// `zhangsan`, `zs` or `张三` all find 张三.
func NameKeys(name string) (full, initials string) {
	var f, i strings.Builder
	for _, r := range name {
		syl := syllable(r)
		if syl == "" {
			continue
		}
		f.WriteString(syl)
		i.WriteByte(syl[0])
	}
	return f.String(), i.String()
}

// syllables caches each character's reading: names repeat a few thousand
// characters, and converting one through go-pinyin costs microseconds,
// which adds up over millions of names in a bulk load.
var syllables sync.Map // rune → string

func syllable(r rune) string {
	if v, ok := syllables.Load(r); ok {
		return v.(string)
	}
	s := strings.Join(pinyin.LazyPinyin(string(r), pinyinArgs), "")
	syllables.Store(r, s)
	return s
}

// SearchKind tells how a free-text search term is read.
type SearchKind uint8

const (
	SearchName     SearchKind = iota // Chinese characters
	SearchPinyin                     // latin letters: full pinyin or initials
	SearchIDNumber                   // 15 or 18 characters of an ID
	SearchPhone                      // 7–11 digits
	SearchAddress                    // anything else, matched in the address
)

// ClassifyTerm decides what a search term is.
func ClassifyTerm(q string) SearchKind {
	q = strings.TrimSpace(q)
	digits, letters, han := 0, 0, 0
	for _, r := range q {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == 'x' || r == 'X':
			letters++
		case r < unicode.MaxASCII && unicode.IsLetter(r):
			letters++
		case unicode.Is(unicode.Han, r):
			han++
		}
	}
	n := len([]rune(q))
	switch {
	case (n == 18 && digits >= 17) || (n == 15 && digits == 15):
		return SearchIDNumber
	case digits == n && n >= 7 && n <= 11:
		return SearchPhone
	case letters == n && n > 0:
		return SearchPinyin
	case han == n && n >= 2 && n <= 6:
		return SearchName
	}
	return SearchAddress
}

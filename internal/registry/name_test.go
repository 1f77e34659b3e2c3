package registry_test

import (
	"testing"

	"safetynet/internal/registry"
)

func TestNameKeys(t *testing.T) {
	cases := []struct{ name, full, initials string }{
		{"张三", "zhangsan", "zs"},
		{"李小龙", "lixiaolong", "lxl"},
		{"欧阳娜娜", "ouyangnana", "oynn"},
		{"王Ａ", "wang", "w"},
		{"", "", ""},
	}
	for _, c := range cases {
		full, ini := registry.NameKeys(c.name)
		if full != c.full || ini != c.initials {
			t.Errorf("NameKeys(%q) = %q, %q; want %q, %q", c.name, full, ini, c.full, c.initials)
		}
	}
}

func TestClassifyTerm(t *testing.T) {
	cases := map[string]registry.SearchKind{
		"530102197005010011": registry.SearchIDNumber,
		"53010219700501001x": registry.SearchIDNumber,
		"13888888888":        registry.SearchPhone,
		"zhangsan":           registry.SearchPinyin,
		"ZS":                 registry.SearchPinyin,
		"张三":                 registry.SearchName,
		"翠湖西路1号":             registry.SearchAddress,
	}
	for q, want := range cases {
		if got := registry.ClassifyTerm(q); got != want {
			t.Errorf("ClassifyTerm(%q) = %d; want %d", q, got, want)
		}
	}
}

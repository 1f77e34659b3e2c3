package region

import "testing"

func TestClassFromName(t *testing.T) {
	tests := []struct {
		name string
		want Class
	}{
		{"翠湖西路社区居民委员会", Urban},
		{"尚义社区居委会", Urban},
		{"学苑居委会", Urban},
		{"剥隘街道居民委员会", Urban},
		{"中庆社区", Urban},
		{"古城社区居民委员", Urban}, // so spelt in the source
		{"木树朗村村民委员会", Rural},
		{"白邑村委会", Rural},
		{"板桥社区村民委员会", Rural},
		{"小村农村社区", Rural},
		{"碧溪村民委员会（农村社区）", Rural},
		{"某某村", Rural},
		{"阳宗海风景名胜区虚拟社区", Unknown},
		{"东风农场生活区", Unknown},
		{"", Unknown},
	}
	for _, tt := range tests {
		if got := ClassFromName(tt.name); got != tt.want {
			t.Errorf("ClassFromName(%q) = %v; want %v", tt.name, got, tt.want)
		}
	}
}

func TestParseClass(t *testing.T) {
	tests := []struct {
		in   string
		want Class
		ok   bool
	}{
		{"urban", Urban, true},
		{"Urban", Urban, true},
		{"城镇", Urban, true},
		{"rural", Rural, true},
		{"农村", Rural, true},
		{"unknown", Unknown, true},
		{"未知", Unknown, true},
		{"", Unknown, false},
		{"city", Unknown, false},
	}
	for _, tt := range tests {
		got, err := ParseClass(tt.in)
		if got != tt.want || (err == nil) != tt.ok {
			t.Errorf("ParseClass(%q) = %v, %v; want %v, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

package calendar

import (
	_ "embed"
	"strings"
	"sync"
)

// cnCSV is the PRC arrangement for 2015–2026; see data/README.md.
//
//go:embed data/cn.csv
var cnCSV string

var defaultCalendar = sync.OnceValue(func() *Calendar {
	entries, err := ParseCSV(strings.NewReader(cnCSV))
	if err != nil {
		panic("calendar: embedded data/cn.csv: " + err.Error())
	}
	c, err := New(entries)
	if err != nil {
		panic("calendar: embedded data/cn.csv: " + err.Error())
	}
	return c
})

// Default returns the PRC calendar built from the embedded data/cn.csv,
// parsed once on first use. The data is checked by the package tests, so
// the panic for bad data cannot happen in a released binary.
func Default() *Calendar { return defaultCalendar() }

package region

import (
	"bytes"
	"embed"
	"slices"
	"sync"
)

// data holds the divisions of data/53.csv, with the README and licence note
// that travel with them. See data/README.md for how the file was made.
//
//go:embed data/*
var data embed.FS

// YunnanCode is the code of Yunnan province.
const YunnanCode = "530000000000"

var yunnan = sync.OnceValue(func() *Tree {
	b, err := data.ReadFile("data/53.csv")
	if err != nil {
		panic("region: embedded data: " + err.Error())
	}
	divs, err := ParseCSV(bytes.NewReader(b))
	if err != nil {
		panic("region: embedded data: " + err.Error())
	}
	return NewTree(divs)
})

// Yunnan returns Yunnan's divisions, from the province down to the
// villages, sorted by code: the embedded 2023 statistical division codes.
// The data is parsed once, on the first call; each call returns a fresh copy.
func Yunnan() []Division { return slices.Clone(yunnan().divs) }

// YunnanTree returns a Tree of Yunnan's divisions, built once and shared.
func YunnanTree() *Tree { return yunnan() }

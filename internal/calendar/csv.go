package calendar

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"safetynet/internal/apperr"
)

// ParseCSV reads entries in the format of data/cn.csv: one "date,kind,name"
// line per date, where date is YYYY-MM-DD, kind is holiday or workday, and
// name is the festival. Lines starting with # are comments, blank lines
// (and spreadsheet rows of empty cells) are skipped, an optional header line "date,kind,name" is allowed, and a
// leading UTF-8 byte order mark (as Excel writes) is ignored.
//
// It exists so that administrators can load next year's arrangement
// before a release ships it: every mistake is reported with its line, in
// Chinese and English. Each entry must pass Entry.Validate, and a date
// may appear only once in the file.
//
// Errors are apperr Invalid errors whose Field names the line and field,
// e.g. "line[12].date"; a read error from r is returned as an Internal
// error.
func ParseCSV(r io.Reader) ([]Entry, error) {
	br := bufio.NewReader(r)
	if b, err := br.Peek(3); err == nil && string(b) == "\uFEFF" {
		_, _ = br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.Comment = '#'
	cr.FieldsPerRecord = -1 // we report a wrong field count ourselves, in both languages
	cr.TrimLeadingSpace = true
	cr.ReuseRecord = true

	var entries []Entry
	lineOf := make(map[Date]int)
	first := true
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				// StartLine, not Line: an unclosed quote swallows the
				// lines after it, and the mistake is where it opened.
				return nil, lineErr(pe.StartLine, "", err,
					"不是有效的CSV行（请检查引号）", "is not a valid CSV line (check the quotes)")
			}
			return nil, apperr.Wrap(apperr.Internal, err, "读取节假日文件失败", "reading the holiday file failed").WithOp("calendar.ParseCSV")
		}
		line, _ := cr.FieldPos(0)
		blank := true
		for i := range rec {
			rec[i] = strings.TrimSpace(rec[i])
			blank = blank && rec[i] == ""
		}
		if blank {
			continue // a spreadsheet's empty row, ",,"
		}
		if first {
			first = false
			if len(rec) == 3 && strings.EqualFold(rec[0], "date") && strings.EqualFold(rec[1], "kind") && strings.EqualFold(rec[2], "name") {
				continue
			}
		}
		if len(rec) != 3 {
			return nil, lineErr(line, "", nil,
				fmt.Sprintf("应有3个字段（日期,类型,名称），实有%d个", len(rec)),
				fmt.Sprintf("has %d fields; want 3 (date,kind,name)", len(rec)))
		}
		d, err := ParseDate(rec[0])
		if err != nil {
			return nil, lineErr(line, "date", nil,
				fmt.Sprintf("日期“%s”无效，应为YYYY-MM-DD格式的实际日期", rec[0]),
				fmt.Sprintf("date %q is not a valid YYYY-MM-DD date", rec[0]))
		}
		var k Kind
		switch strings.ToLower(rec[1]) {
		case "holiday":
			k = Holiday
		case "workday":
			k = Workday
		default:
			return nil, lineErr(line, "kind", nil,
				fmt.Sprintf("类型“%s”无效，应为holiday（放假）或workday（调休上班）", rec[1]),
				fmt.Sprintf("kind %q is not holiday or workday", rec[1]))
		}
		e := Entry{Date: d, Kind: k, Name: rec[2]}
		if err := e.Validate(); err != nil {
			ae, _ := apperr.As(err)
			return nil, lineErr(line, ae.Field, nil, ae.Msg, ae.MsgEN)
		}
		if prev, dup := lineOf[d]; dup {
			return nil, lineErr(line, "date", nil,
				fmt.Sprintf("日期%s与第%d行重复", d, prev),
				fmt.Sprintf("date %s repeats line %d", d, prev))
		}
		lineOf[d] = line
		entries = append(entries, e)
	}
	return entries, nil
}

// lineErr returns an Invalid error for line (1-based) and field ("" for
// the whole line), with the line number put in front of both messages.
func lineErr(line int, field string, cause error, zh, en string) *apperr.Error {
	f := fmt.Sprintf("line[%d]", line)
	if field != "" {
		f += "." + field
	}
	return &apperr.Error{
		Kind:  apperr.Invalid,
		Op:    "calendar.ParseCSV",
		Field: f,
		Msg:   fmt.Sprintf("第%d行：%s", line, zh),
		MsgEN: fmt.Sprintf("line %d: %s", line, en),
		Err:   cause,
	}
}

package payroll

import (
	"bytes"
	"context"
	"fmt"
	"strconv"

	"github.com/xuri/excelize/v2"

	"safetynet/internal/access"
	"safetynet/internal/apperr"
	"safetynet/internal/audit"
	"safetynet/internal/document"
	"safetynet/internal/money"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// RosterFile is a roster document.
type RosterFile struct {
	Name        string
	ContentType string
	Data        []byte
}

var programmeZh = map[string]string{Dibao: "最低生活保障", Tekun: "特困人员供养"}

func tierZh(l *Line) string {
	switch {
	case l.Programme == Tekun && l.Tier == "institution":
		return "集中供养"
	case l.Programme == Tekun && l.Tier == "home":
		return "分散供养"
	case l.Programme == Dibao && l.Tier == "":
		return "补差"
	case l.Programme == Dibao:
		return l.Tier + "类"
	}
	return l.Tier
}

// Roster returns the rows of a village's roster for a month: every line
// of the village, accounts masked and no resident IDs.
func (s *Service) roster(ctx context.Context, by access.Principal, month, village string) (document.Roster, string, error) {
	var r document.Roster
	if err := by.Require(access.PayrollRead); err != nil {
		return r, "", err
	}
	t, err := ParseMonth(month)
	if err != nil {
		return r, "", err
	}
	code, err := region.Normalize(village)
	d, ok := s.Divisions.Tree().Get(code)
	if err != nil || !ok || d.Level != region.Village || !by.Covers(code) {
		return r, "", apperr.New(apperr.NotFound, "未找到该村（社区）", "village not found").WithField("village")
	}
	county := registry.CountyOf(code)
	cs, err := s.Store.Counties(ctx, month, county)
	if err != nil {
		return r, "", err
	}
	if len(cs) == 0 {
		return r, "", apperr.New(apperr.NotFound, month+" 该县尚未生成发放名册", "no payroll for "+month+" in this county")
	}
	var total money.Money
	err = s.Store.Lines(ctx, month, county, func(l *Line) error {
		if l.Village != code {
			return nil
		}
		total += l.Amount
		r.Rows = append(r.Rows, document.RosterRow{Name: l.Name, Persons: l.Persons, Programme: programmeZh[l.Programme],
			Tier: tierZh(l), Amount: l.Amount.String(), Account: registry.BankAccount{Account: l.Account}.MaskedAccount()})
		return nil
	})
	if err != nil {
		return r, "", err
	}
	zhMonth := fmt.Sprintf("%d年%d月", t.Year(), int(t.Month()))
	r.Title = zhMonth + " 社会救助资金发放名单"
	r.Area = s.Divisions.Tree().Path(code)
	r.Month = zhMonth
	r.Total = total.String()
	r.Draft = cs[0].Status.Before(Approved)
	r.Date = cs[0].UpdatedAt
	if tw, ok := s.Divisions.Tree().Get(code[:9] + "000"); ok {
		r.Issuer = tw.Name
	}
	err = s.Tx.WithTx(ctx, func(ctx context.Context) error {
		return s.Audit.Record(ctx, by.Actor(), audit.Event{Action: "payroll.roster", SubjectType: "village",
			SubjectID: month + "/" + code, SubjectRegion: code})
	})
	return r, code, err
}

// Rosters returns a village's roster for a month as PDF and as Excel.
// Returns NotFound for an unknown village, one outside by's jurisdiction,
// or a month without a payroll; Forbidden without PayrollRead.
func (s *Service) Rosters(ctx context.Context, by access.Principal, month, village string) ([]RosterFile, error) {
	r, code, err := s.roster(ctx, by, month, village)
	if err != nil {
		return nil, err
	}
	var pdf bytes.Buffer
	if err := document.RenderRoster(&pdf, r); err != nil {
		return nil, err
	}
	x, err := rosterXLSX(r)
	if err != nil {
		return nil, err
	}
	base := fmt.Sprintf("发放名单-%s-%s", code, MonthKey(month))
	return []RosterFile{
		{Name: base + ".pdf", ContentType: "application/pdf", Data: pdf.Bytes()},
		{Name: base + ".xlsx", ContentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", Data: x},
	}, nil
}

// rosterXLSX writes the roster as a workbook of one sheet.
func rosterXLSX(r document.Roster) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "发放名单"
	f.SetSheetName("Sheet1", sheet)
	title := r.Title
	if r.Draft {
		title += "（草稿）"
	}
	f.SetCellValue(sheet, "A1", title)
	f.SetCellValue(sheet, "A2", "村（社区）："+r.Area)
	heads := []string{"序号", "姓名", "人数", "救助项目", "档次", "月发放金额（元）", "账号"}
	for i, h := range heads {
		cell, _ := excelize.CoordinatesToCellName(i+1, 4)
		f.SetCellValue(sheet, cell, h)
	}
	for i, row := range r.Rows {
		n := i + 5
		amt, _ := money.Parse(row.Amount)
		vals := []any{i + 1, row.Name, row.Persons, row.Programme, row.Tier, float64(amt.Fen()) / 100, row.Account}
		for j, v := range vals {
			cell, _ := excelize.CoordinatesToCellName(j+1, n)
			f.SetCellValue(sheet, cell, v)
		}
	}
	last := len(r.Rows) + 5
	f.SetCellValue(sheet, "A"+strconv.Itoa(last), "合计")
	total, _ := money.Parse(r.Total)
	f.SetCellValue(sheet, "F"+strconv.Itoa(last), float64(total.Fen())/100)
	style, _ := f.NewStyle(&excelize.Style{NumFmt: 4})
	f.SetCellStyle(sheet, "F5", "F"+strconv.Itoa(last), style)
	f.SetColWidth(sheet, "B", "B", 12)
	f.SetColWidth(sheet, "D", "D", 16)
	f.SetColWidth(sheet, "F", "F", 18)
	f.SetColWidth(sheet, "G", "G", 24)
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

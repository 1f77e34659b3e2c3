package verify

import (
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// WriteChangesXLSX writes the changed households of a finished run as an
// Excel workbook, in Chinese or English (lang "en"): a title line, then one
// row per household with its verdicts before and after and the reasons,
// one a line. place names a village code (the division's path).
func WriteChangesXLSX(w io.Writer, d JobDetail, lang string, place func(code string) string) error {
	en := lang == "en"
	pick := func(zh, e string) string {
		if en {
			return e
		}
		return zh
	}
	verdict := func(v Verdict) string { return pick(v.Zh(), strings.ReplaceAll(string(v), "_", " ")) }
	f := excelize.NewFile()
	defer f.Close()
	sheet := pick("结论变化家庭", "Changed households")
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	title := fmt.Sprintf("批量核对批次 %d（%s，数据截至 %s）与上一批次 %d 相比结论变化的家庭，共 %d 户",
		d.Run.ID, place(d.Run.Region), d.Run.AsOf, d.Previous, len(d.Changes))
	if en {
		title = fmt.Sprintf("Batch run %d (%s, as of %s): %d households whose verdict changed since run %d",
			d.Run.ID, place(d.Run.Region), d.Run.AsOf, len(d.Changes), d.Previous)
	}
	f.SetCellValue(sheet, "A1", title)
	header := []any{pick("家庭编号", "Household"), pick("户主", "Head"), pick("户主身份证号", "Head's ID"),
		pick("村（社区）", "Village"), pick("原结论", "Before"), pick("新结论", "After"), pick("理由", "Reasons")}
	if err := f.SetSheetRow(sheet, "A3", &header); err != nil {
		return err
	}
	wrap, _ := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	for i, c := range d.Changes {
		var reasons []string
		for _, x := range c.Reasons {
			reasons = append(reasons, pick(x.Zh, x.En))
		}
		row := []any{fmt.Sprint(c.HouseholdID), c.HeadName, c.HeadID, place(c.Village), verdict(c.Before), verdict(c.After),
			strings.Join(reasons, "\n")}
		cell, _ := excelize.CoordinatesToCellName(1, 4+i)
		if err := f.SetSheetRow(sheet, cell, &row); err != nil {
			return err
		}
	}
	if len(d.Changes) > 0 {
		end, _ := excelize.CoordinatesToCellName(7, 3+len(d.Changes))
		f.SetCellStyle(sheet, "A4", end, wrap)
	}
	f.SetColWidth(sheet, "A", "A", 22)
	f.SetColWidth(sheet, "C", "C", 22)
	f.SetColWidth(sheet, "D", "D", 36)
	f.SetColWidth(sheet, "E", "F", 14)
	f.SetColWidth(sheet, "G", "G", 80)
	_, err := f.WriteTo(w)
	return err
}

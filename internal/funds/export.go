package funds

import (
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"
)

// WritePoolXLSX writes a pool as an Excel workbook: a summary of the
// parameters and totals, then one row per county with every input of the
// formula and the shares (amounts in yuan with two decimals, as numbers).
func WritePoolXLSX(w io.Writer, p Pool) error {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "以奖代补"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	yuan := func(fen int64) float64 { return float64(fen) / 100 } // display only; the fen are exact in the ledger
	set := func(cell string, v any) {
		f.SetCellValue(sheet, cell, v)
	}
	set("A1", fmt.Sprintf("%d 年度低保以奖代补资金分配表", p.Year))
	set("A2", "省级低保预算（元）")
	set("B2", yuan(int64(p.Base)))
	set("A3", "奖补资金比例")
	set("B3", p.Params.PoolShare.String())
	set("A4", "奖补资金总额（元）")
	set("B4", yuan(int64(p.Total)))
	set("A5", "其中工作经费比例")
	set("B5", p.Params.WorkShare.String())
	set("A6", "工作经费（元）")
	set("B6", yuan(int64(p.WorkFunds)))
	set("A7", "奖励资金（元）")
	set("B7", yuan(int64(p.Awards)))
	set("A8", "保障人数统计日期")
	set("B8", p.Params.AsOf)
	set("A9", "等次与系数")
	set("B9", fmt.Sprintf("优秀≥%s ×%d%%；良好≥%s ×%d%%；合格≥%s ×%d%%；不合格 0", FormatScore(p.Params.Excellent), p.Params.Factors[0],
		FormatScore(p.Params.Good), p.Params.Factors[1], FormatScore(p.Params.Pass), p.Params.Factors[2]))
	header := []any{"县级代码", "县（市、区）", "绩效评分", "等次", "系数(%)", "保障人数", "人数来源", "权重", "奖励资金（元）", "工作经费（元）", "合计（元）"}
	if err := f.SetSheetRow(sheet, "A11", &header); err != nil {
		return err
	}
	var award, work int64
	for i, r := range p.Rows {
		score := "—"
		if r.Score >= 0 {
			score = FormatScore(r.Score)
		}
		src := "户籍系统"
		if r.CaseloadSource == "entered" {
			src = "手工录入"
		}
		row := []any{r.County[:6], r.Name, score, r.Grade.Zh(), r.Factor, r.Caseload, src, r.Weight,
			yuan(int64(r.Award)), yuan(int64(r.WorkFunds)), yuan(int64(r.Total()))}
		cell, _ := excelize.CoordinatesToCellName(1, 12+i)
		if err := f.SetSheetRow(sheet, cell, &row); err != nil {
			return err
		}
		award += int64(r.Award)
		work += int64(r.WorkFunds)
	}
	cell, _ := excelize.CoordinatesToCellName(1, 12+len(p.Rows))
	total := []any{"合计", "", "", "", "", "", "", "", yuan(award), yuan(work), yuan(award + work)}
	if err := f.SetSheetRow(sheet, cell, &total); err != nil {
		return err
	}
	if style, err := f.NewStyle(&excelize.Style{NumFmt: 4}); err == nil { // #,##0.00
		end, _ := excelize.CoordinatesToCellName(11, 12+len(p.Rows))
		f.SetCellStyle(sheet, "I12", end, style)
	}
	f.SetColWidth(sheet, "B", "B", 28)
	f.SetColWidth(sheet, "I", "K", 16)
	_, err := f.WriteTo(w)
	return err
}

package sheet

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"tian"
)

// Formats tian writes.
const (
	FormatXLSX  = "xlsx"
	FormatCSV   = "csv"
	FormatJSONL = "jsonl"
)

// row returns a proposal's cells in the order of Fields.
func row(p *tian.Proposal) []string {
	year := ""
	if p.Year != 0 {
		year = strconv.Itoa(p.Year)
	}
	return []string{p.Number, year, p.Session, p.Title, p.Body, p.Proposer, string(p.ProposerType), p.Sector,
		p.Category, p.LeadUnit, strings.Join(p.CoUnits, "、"), string(p.Status), p.StatusReason, p.MergedInto,
		p.Reply, p.Submitted, p.ReplyDate}
}

func headerRow() []string {
	out := make([]string, len(Fields))
	for i, f := range Fields {
		out[i] = f.Header
	}
	return out
}

// WriteProposals writes proposals in format with Chinese headers. Reading
// the output back with ReadProposals gives the same proposals.
func WriteProposals(w io.Writer, format string, ps []*tian.Proposal) error {
	switch format {
	case FormatXLSX:
		return writeXLSX(w, ps)
	case FormatCSV:
		return writeCSV(w, ps)
	case FormatJSONL:
		return writeJSONL(w, ps)
	}
	return tian.Errorf(tian.EINVALID, "unknown export format %q (want xlsx, csv or jsonl)", format)
}

// writeCSV writes UTF-8 with a BOM, which Excel needs to show Chinese.
func writeCSV(w io.Writer, ps []*tian.Proposal) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("\ufeff")
	cw := csv.NewWriter(bw)
	cw.Write(headerRow())
	for _, p := range ps {
		cw.Write(row(p))
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

func writeJSONL(w io.Writer, ps []*tian.Proposal) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for _, p := range ps {
		q := *p
		if q.CoUnits == nil {
			q.CoUnits = []string{}
		}
		if err := enc.Encode(q); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// writeXLSX streams one sheet, 提案, with every cell as text (so that
// numbers such as 20240123 stay as written), a bold frozen header and
// readable column widths.
func writeXLSX(w io.Writer, ps []*tian.Proposal) error {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "提案"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	widths := map[string]float64{"标题": 40, "内容": 80, "办理答复": 50, "主办单位": 24, "协办单位": 30, "不予立案理由": 24}
	for i, f := range Fields {
		width := 12.0
		if v, ok := widths[f.Header]; ok {
			width = v
		}
		if err := sw.SetColWidth(i+1, i+1, width); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := sw.SetRow("A1", cells(headerRow(), bold)); err != nil {
		return err
	}
	for i, p := range ps {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, cells(row(p), 0)); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.Write(w)
}

func cells(values []string, style int) []any {
	out := make([]any, len(values))
	for i, v := range values {
		out[i] = excelize.Cell{Value: v, StyleID: style}
	}
	return out
}

// WriteGroupsXLSX writes groups for joint consultation as a workbook for
// the staff meeting: one row per member, the group's label, cohesion and
// usual lead unit on its first row.
func WriteGroupsXLSX(w io.Writer, groups []tian.Group) error {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "并案分组"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	for i, width := range []float64{8, 24, 10, 24, 12, 50, 30, 10} {
		if err := sw.SetColWidth(i+1, i+1, width); err != nil {
			return err
		}
	}
	header := []string{"组号", "议题", "凝聚度", "常见主办单位", "提案号", "标题", "入组理由（共有关键词）", "与组内平均相似度"}
	if err := sw.SetRow("A1", cells(header, bold)); err != nil {
		return err
	}
	row := 2
	for gi, g := range groups {
		for mi, m := range g.Members {
			label, cohesion, lead := "", "", ""
			if mi == 0 {
				label, cohesion, lead = strings.Join(g.Label, "、"), strconv.FormatFloat(g.Cohesion, 'f', 3, 64), g.LeadUnit
			}
			vals := []string{strconv.Itoa(gi + 1), label, cohesion, lead, m.Number, m.Title,
				strings.Join(m.Reason, "、"), strconv.FormatFloat(m.Score, 'f', 3, 64)}
			cell, _ := excelize.CoordinatesToCellName(1, row)
			if err := sw.SetRow(cell, cells(vals, 0)); err != nil {
				return err
			}
			row++
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.Write(w)
}

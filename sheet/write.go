package sheet

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"io"
	"math"
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
// the output back with ReadProposals gives the same proposals. In CSV and
// xlsx, text is made safe to open in a spreadsheet (see safeCell): control
// characters other than newline and tab are dropped, and text starting
// with =, +, -, @, tab or CR gets a leading ', which ReadProposals takes
// off again.
func WriteProposals(w io.Writer, format string, ps []*tian.Proposal) error {
	switch format {
	case FormatXLSX:
		return writeXLSX(w, ps)
	case FormatCSV:
		return writeCSV(w, ps)
	case FormatJSONL:
		return writeJSONL(w, ps)
	}
	return tian.Errorf(tian.EINVALID, "未知的导出格式 %q（可选 xlsx、csv 或 jsonl）", format)
}

// writeCSV writes UTF-8 with a BOM, which Excel needs to show Chinese.
func writeCSV(w io.Writer, ps []*tian.Proposal) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("\ufeff")
	cw := csv.NewWriter(bw)
	cw.Write(headerRow())
	for _, p := range ps {
		cw.Write(safeCells(row(p)))
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
	header := headerRow()
	widths := map[string]float64{"标题": 40, "内容": 80, "办理答复": 50, "主办单位": 24, "协办单位": 30, "不予立案理由": 24}
	cols := make([]float64, len(header))
	for i, h := range header {
		cols[i] = 12
		if v, ok := widths[h]; ok {
			cols[i] = v
		}
	}
	return writeWorkbook(w, "提案", header, cols, func(add func([]string) error) error {
		for _, p := range ps {
			if err := add(row(p)); err != nil {
				return err
			}
		}
		return nil
	})
}

// writeWorkbook streams one sheet: a bold, frozen header, column widths,
// then the rows fill gives, every cell as text.
func writeWorkbook(w io.Writer, sheet string, header []string, widths []float64, fill func(add func([]string) error) error) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	err := streamSheet(f, sheet, header, widths, func(add func([]any) error) error {
		return fill(func(values []string) error {
			row := make([]any, len(values))
			for i, v := range values {
				row[i] = v
			}
			return add(row)
		})
	})
	if err != nil {
		return err
	}
	return f.Write(w)
}

// streamSheet writes the sheet named sheet of f, which must exist: a
// bold, frozen header, column widths, then the rows fill gives (cells as
// cell makes them).
func streamSheet(f *excelize.File, sheet string, header []string, widths []float64, fill func(add func([]any) error) error) error {
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	for i, width := range widths {
		if err := sw.SetColWidth(i+1, i+1, width); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := sw.SetRow("A1", cells(header, bold)); err != nil {
		return err
	}
	next := 2
	err = fill(func(values []any) error {
		row := make([]any, len(values))
		for i, v := range values {
			row[i] = cell(v)
		}
		at, _ := excelize.CoordinatesToCellName(1, next)
		next++
		return sw.SetRow(at, row)
	})
	if err != nil {
		return err
	}
	return sw.Flush()
}

// cell makes a value a cell: text (also an excelize.Cell's) made safe by
// safeCell; numbers as they are.
func cell(v any) any {
	switch v := v.(type) {
	case string:
		return excelize.Cell{Value: safeCell(v)}
	case excelize.Cell:
		if s, ok := v.Value.(string); ok {
			v.Value = safeCell(s)
		}
		return v
	}
	return v
}

// cells makes a row of text cells, each made safe by safeCell.
func cells(values []string, style int) []any {
	out := make([]any, len(values))
	for i, v := range values {
		out[i] = excelize.Cell{Value: safeCell(v), StyleID: style}
	}
	return out
}

// safeCells applies safeCell to a row in place.
func safeCells(values []string) []string {
	for i, v := range values {
		values[i] = safeCell(v)
	}
	return values
}

// percent writes a share in [0,1] as a whole percentage: 0.962 → 96%.
func percent(x float64) string { return strconv.Itoa(int(math.Round(x*100))) + "%" }

// WriteGroupsXLSX writes groups for joint consultation as a workbook for
// the staff meeting: one row per member, the group's label, cohesion and
// usual lead unit on its first row. Cohesion and scores are the pair
// model's probability that staff would put two proposals together,
// written as percentages (同组可能性), as the pages show them.
func WriteGroupsXLSX(w io.Writer, groups []tian.Group) error {
	header := []string{"组号", "议题", "组内平均同组可能性", "常见主办单位", "提案号", "标题", "入组依据（共有关键词）", "与组内其他提案的平均同组可能性"}
	return writeWorkbook(w, "并案分组", header, []float64{8, 24, 10, 24, 12, 50, 30, 10}, func(add func([]string) error) error {
		for gi, g := range groups {
			for mi, m := range g.Members {
				label, cohesion, lead := "", "", ""
				if mi == 0 {
					label, cohesion, lead = strings.Join(g.Label, "、"), percent(g.Cohesion), g.LeadUnit
				}
				if err := add([]string{strconv.Itoa(gi + 1), label, cohesion, lead, m.Number, m.Title,
					strings.Join(m.Reason, "、"), percent(m.Score)}); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

package sheet

import (
	"cmp"
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"

	"tian"
)

// statsSheet is one sheet of the statistics workbook.
type statsSheet struct {
	name   string
	header []string
	widths []float64
	rows   [][]any
}

// WriteStatsXLSX writes the statistics as a workbook for the office's
// annual report: 报告 (the report paragraph), 概况 (the headline figures,
// beside the year before's when compared), then one sheet a table:
// 类别, 主办单位, 界别, 提案者类型, 不予立案理由, 热点议题. Counts and
// percentages are numbers (percentages in percent, to 0.1 or 0.01 as
// the report prints them); text is made safe by safeCell.
func WriteStatsXLSX(w io.Writer, s *tian.Stats) error {
	f := excelize.NewFile()
	defer f.Close()
	st, err := newStatsStyles(f)
	if err != nil {
		return err
	}
	sheets := []statsSheet{reportSheet(s, st), overviewSheet(s, st), categorySheet(s, st), unitSheet(s, st),
		tallySheet("界别", s.Sectors, st), tallySheet("提案者类型", s.ProposerTypes, st),
		countSheet("不予立案理由", []string{"理由", "件数", "占不予立案（%）"}, 30, s.Reasons, st),
		countSheet("热点议题", []string{"议题", "立案提案数", "占立案（%）"}, 20, s.Topics, st)}
	for i, sh := range sheets {
		if i == 0 {
			err = f.SetSheetName("Sheet1", sh.name)
		} else {
			_, err = f.NewSheet(sh.name)
		}
		if err != nil {
			return err
		}
		err = streamSheet(f, sh.name, sh.header, sh.widths, func(add func([]any) error) error {
			for _, r := range sh.rows {
				if err := add(r); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	f.SetActiveSheet(0)
	return f.Write(w)
}

// statsStyles are the cell styles of the statistics workbook.
type statsStyles struct{ wrap, share, rate int }

func newStatsStyles(f *excelize.File) (statsStyles, error) {
	var st statsStyles
	var err error
	one, two := "0.0", "0.00"
	if st.wrap, err = f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}}); err != nil {
		return st, err
	}
	if st.share, err = f.NewStyle(&excelize.Style{CustomNumFmt: &one}); err != nil {
		return st, err
	}
	st.rate, err = f.NewStyle(&excelize.Style{CustomNumFmt: &two})
	return st, err
}

func (st statsStyles) pct(v float64) excelize.Cell  { return excelize.Cell{Value: v, StyleID: st.share} }
func (st statsStyles) pct2(v float64) excelize.Cell { return excelize.Cell{Value: v, StyleID: st.rate} }

func reportSheet(s *tian.Stats, st statsStyles) statsSheet {
	return statsSheet{name: "报告", header: []string{s.Title()}, widths: []float64{120},
		rows: [][]any{{excelize.Cell{Value: s.Report(), StyleID: st.wrap}}}}
}

// overviewSheet lists the headline figures; compared with the year
// before, its columns are 项目, this year, the year before and 增减.
func overviewSheet(s *tian.Stats, st statsStyles) statsSheet {
	sh := statsSheet{name: "概况", header: []string{"项目", cmp.Or(s.Period(), "全部年度")}, widths: []float64{30, 14}}
	p := s.Previous
	if p != nil {
		sh.header = append(sh.header, strconv.Itoa(p.Year)+"年", "增减")
		sh.widths = append(sh.widths, 14, 12)
	}
	row := func(name string, now int, before func(*tian.Previous) int) {
		r := []any{name, now}
		if p != nil && before != nil {
			r = append(r, before(p), now-before(p))
		}
		sh.rows = append(sh.rows, r)
	}
	row("收到提案（件）", s.Received, func(p *tian.Previous) int { return p.Received })
	row("已记录审查结果（件）", s.Reviewed, func(p *tian.Previous) int { return p.Reviewed })
	row("未记录审查结果（件）", s.Unrecorded, func(p *tian.Previous) int { return p.Received - p.Reviewed })
	row("立案（件，含并案）", s.Filed, func(p *tian.Previous) int { return p.Filed })
	row("其中并案（件）", s.Merged, nil)
	row("不予立案（件）", s.Rejected, nil)
	if s.Reviewed > 0 {
		r := []any{"立案率（%，按已记录审查结果计）", st.pct2(s.FilingRate)}
		if p != nil && p.Reviewed > 0 {
			r = append(r, st.pct2(p.FilingRate), st.pct2(tian.PointChange(s.FilingRate, p.FilingRate)))
		}
		sh.rows = append(sh.rows, r)
	}
	row("立案的委员提案（件）", s.Members, nil)
	row("立案的集体提案（件）", s.Collective, nil)
	row("已登记办理答复（件）", s.Replied, nil)
	return sh
}

// categorySheet lists the filed proposals by category, with the year
// before's counts when compared.
func categorySheet(s *tian.Stats, st statsStyles) statsSheet {
	sh := statsSheet{name: "类别", header: []string{"类别", "立案件数", "占立案（%）"}, widths: []float64{20, 12, 14}}
	if s.Previous == nil {
		for _, c := range s.Categories {
			sh.rows = append(sh.rows, []any{c.Name, c.Count, st.pct(c.Share)})
		}
		return sh
	}
	sh.header = append(sh.header, strconv.Itoa(s.Previous.Year)+"年", "增减")
	sh.widths = append(sh.widths, 12, 10)
	for _, c := range s.CategoryChanges {
		sh.rows = append(sh.rows, []any{c.Name, c.Count, st.pct(tian.Percent(c.Count, s.Filed)), c.Previous, c.Change})
	}
	return sh
}

func unitSheet(s *tian.Stats, st statsStyles) statsSheet {
	return countSheet("主办单位", []string{"主办单位", "立案件数", "占立案（%）"}, 30, s.LeadUnits, st)
}

func countSheet(name string, header []string, width float64, cs []tian.Count, st statsStyles) statsSheet {
	sh := statsSheet{name: name, header: header, widths: []float64{width, 12, 16}}
	for _, c := range cs {
		sh.rows = append(sh.rows, []any{c.Name, c.Count, st.pct(c.Share)})
	}
	return sh
}

func tallySheet(name string, ts []tian.Tally, st statsStyles) statsSheet {
	sh := statsSheet{name: name, header: []string{name, "收到", "已记录审查结果", "立案", "立案率（%）", "占收到（%）"},
		widths: []float64{24, 10, 16, 10, 12, 12}}
	for _, t := range ts {
		rate := any("")
		if t.Reviewed > 0 {
			rate = st.pct2(t.FilingRate)
		}
		sh.rows = append(sh.rows, []any{t.Name, t.Received, t.Reviewed, t.Filed, rate, st.pct(t.Share)})
	}
	return sh
}

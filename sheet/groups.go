package sheet

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"tian"
)

// CurationHeader is the header of the 并案分组 sheet: one row per member,
// its group on every row so that the sheet sorts and filters.
var CurationHeader = []string{"组号", "组名", "牵头单位", "提案号", "标题", "提案人", "提案人类型", "类别", "状态",
	"主办单位", "协办单位", "疑似雷同"}

// CurationState says in words where a year's groups stand.
func CurationState(v *tian.CurationView) string {
	switch {
	case v.Source == tian.CurationSuggested:
		return "系统建议（尚未保存）"
	case v.Confirmed:
		return "已确认"
	}
	return "草稿（尚未确认）"
}

// WriteCuration writes a year's groups for the staff meeting: the sheet
// 并案分组 (CurationHeader), and 说明 with the year, the state (confirmed
// by whom and when, a draft, or a suggestion), the counts and the
// grouping threshold. Every cell is text made safe by safeCell, as in the
// proposal export.
func WriteCuration(w io.Writer, v *tian.CurationView) error {
	f := excelize.NewFile()
	defer f.Close()
	const main, about = "并案分组", "说明"
	if err := f.SetSheetName("Sheet1", main); err != nil {
		return err
	}
	if err := writeCurationRows(f, main, v); err != nil {
		return err
	}
	if _, err := f.NewSheet(about); err != nil {
		return err
	}
	if err := writeCurationAbout(f, about, v); err != nil {
		return err
	}
	return f.Write(w)
}

func writeCurationRows(f *excelize.File, name string, v *tian.CurationView) error {
	return streamSheet(f, name, CurationHeader, []float64{6, 24, 22, 12, 46, 18, 10, 12, 10, 22, 30, 16}, func(add func([]any) error) error {
		for gi, g := range v.Groups {
			for _, m := range g.Members {
				if err := add(anys(memberRow(gi, g, m))); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

func anys(xs []string) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

func memberRow(gi int, g tian.GroupView, m tian.GroupMemberView) []string {
	title, status := m.Title, m.Status
	if m.Missing {
		title, status = "（提案已删除）", ""
	}
	return []string{strconv.Itoa(gi + 1), g.Name, g.LeadUnit, m.Number, title, m.Proposer, m.ProposerType, m.Category,
		status, m.LeadUnit, strings.Join(m.CoUnits, "、"), strings.Join(m.NearDuplicates, "、")}
}

func writeCurationAbout(f *excelize.File, name string, v *tian.CurationView) error {
	members := 0
	for _, g := range v.Groups {
		members += len(g.Members)
	}
	rows := [][2]string{
		{"年度", strconv.Itoa(v.Year)},
		{"状态", CurationState(v)},
		{"分组数", strconv.Itoa(len(v.Groups))},
		{"提案数", strconv.Itoa(members)},
	}
	if v.Confirmed {
		rows = append(rows, [2]string{"确认人", v.ConfirmedBy}, [2]string{"确认时间", v.ConfirmedAt})
	}
	if v.Source == tian.CurationStored {
		rows = append(rows, [2]string{"版本", strconv.Itoa(v.Version)}, [2]string{"保存人", v.SavedBy}, [2]string{"保存时间", v.SavedAt})
	} else {
		scope := "仅立案提案"
		if !v.FiledOnly {
			scope = "全部提案（含不予立案）"
		}
		// as the page says it: the pair model's probability, not a similarity of the texts
		rows = append(rows, [2]string{"分组范围", scope}, [2]string{"分组阈值", fmt.Sprintf("同组可能性 %.0f%%", v.Threshold*100)})
	}
	return writeAbout(f, name, rows, 40)
}

// writeAbout writes a 说明 sheet: a name and a value a row, the values'
// column width wide, every cell made safe by safeCell.
func writeAbout(f *excelize.File, name string, rows [][2]string, width float64) error {
	if err := f.SetColWidth(name, "A", "A", 12); err != nil {
		return err
	}
	if err := f.SetColWidth(name, "B", "B", width); err != nil {
		return err
	}
	for i, r := range rows {
		for j, text := range r {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			if err := f.SetCellStr(name, cell, safeCell(text)); err != nil {
				return err
			}
		}
	}
	return nil
}

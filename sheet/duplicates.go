package sheet

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"tian"
)

// DuplicatesHeader is the header of the 查重 sheet: one row per pair,
// the proposal of the year first, then the one it repeats.
var DuplicatesHeader = []string{"类型", "提案号", "标题", "提案人", "雷同提案号", "雷同提案年度", "雷同提案标题", "雷同提案人",
	"雷同提案状态", "说明", "雷同程度", "雷同段落"}

// WriteDuplicates writes a year's 查重 for the review meeting: the sheet
// 查重 (DuplicatesHeader, the passages as 本件/该件 lines in one cell) and
// 说明 with the year, the years compared and the counts. Every cell is
// text made safe by safeCell.
func WriteDuplicates(w io.Writer, rep *tian.DuplicateReport) error {
	f := excelize.NewFile()
	defer f.Close()
	const main, about = "查重", "说明"
	if err := f.SetSheetName("Sheet1", main); err != nil {
		return err
	}
	resubmissions := 0
	err := streamSheet(f, main, DuplicatesHeader, []float64{10, 12, 40, 14, 12, 10, 40, 14, 10, 36, 10, 80}, func(add func([]any) error) error {
		for _, d := range rep.Pairs {
			if d.Kind == tian.MatchResubmission {
				resubmissions++
			}
			var passages []string
			for _, p := range d.Passages {
				passages = append(passages, "本件："+p.A+"\n该件："+p.B)
			}
			err := add([]any{d.KindLabel(), d.Proposal.Number, d.Proposal.Title, d.Proposal.Proposer, d.Repeats.Number,
				strconv.Itoa(d.Repeats.Year), d.Repeats.Title, d.Repeats.Proposer, d.Repeats.Status, d.Note(),
				fmt.Sprintf("%d%%", d.CoverPercent()), strings.Join(passages, "\n")})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if _, err := f.NewSheet(about); err != nil {
		return err
	}
	rows := [][2]string{
		{"年度", strconv.Itoa(rep.Year)},
		{"比较范围", fmt.Sprintf("%d–%d 年的提案，共 %d 件", rep.FromYear, rep.Year, rep.Compared)},
		{"重复提交", fmt.Sprintf("%d 对（与以前年度的提案基本相同）", resubmissions)},
		{"疑似雷同", fmt.Sprintf("%d 对（与同年的提案文字基本相同）", len(rep.Pairs)-resubmissions)},
		{"雷同程度", "两件提案中与对方对得上的文字所占比例的较小者"},
	}
	if err := writeAbout(f, about, rows, 50); err != nil {
		return err
	}
	return f.Write(w)
}

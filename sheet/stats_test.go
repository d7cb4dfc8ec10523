package sheet_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"tian"
	"tian/sheet"
)

// demo2024 are 2024's figures of the demo corpus, compared with 2023's,
// with one hostile reason an importer let through.
func demo2024() *tian.Stats {
	s := &tian.Stats{Year: 2024, FromYear: 2024, ToYear: 2024, Received: 344, Reviewed: 344, Filed: 299, Merged: 20, Rejected: 45,
		FilingRate: tian.Percent(299, 344), Members: 214, Collective: 85, Replied: 106,
		Categories: []tian.Count{{Name: "经济建设", Count: 78, Share: tian.Percent(78, 299)}, {Name: "社会建设", Count: 119, Share: tian.Percent(119, 299)}},
		LeadUnits:  []tian.Count{{Name: "市卫生健康委员会", Count: 22, Share: tian.Percent(22, 299)}},
		Sectors:    []tian.Tally{{Name: "经济界", Received: 30, Reviewed: 30, Filed: 19, FilingRate: tian.Percent(19, 30), Share: tian.Percent(30, 344)}},
		ProposerTypes: []tian.Tally{{Name: "委员", Received: 259, Reviewed: 259, Filed: 214, FilingRate: tian.Percent(214, 259), Share: tian.Percent(259, 344)},
			{Name: "集体", Received: 85, Reviewed: 85, Filed: 85, FilingRate: 100, Share: tian.Percent(85, 344)}},
		Reasons: []tian.Count{{Name: "内容空泛", Count: 8, Share: tian.Percent(8, 45)},
			{Name: `=HYPERLINK("http://x","点击")`, Count: 1, Share: tian.Percent(1, 45)}},
		Topics: []tian.Count{{Name: "企业", Count: 8, Share: tian.Percent(8, 299)}, {Name: "-非遗", Count: 6, Share: tian.Percent(6, 299)}},
	}
	s.Compare(&tian.Stats{Year: 2023, Received: 341, Reviewed: 341, Filed: 297, FilingRate: tian.Percent(297, 341),
		Categories: []tian.Count{{Name: "经济建设", Count: 79}, {Name: "社会建设", Count: 118}, {Name: "文化建设", Count: 36}}})
	return s
}

func readWorkbook(t *testing.T, s *tian.Stats) *excelize.File {
	t.Helper()
	var buf bytes.Buffer
	if err := sheet.WriteStatsXLSX(&buf, s); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// The workbook holds the report paragraph and one sheet a table, counts
// and percentages as numbers, the year before beside this year's.
func TestStatsWorkbook(t *testing.T) {
	s := demo2024()
	f := readWorkbook(t, s)
	if want := []string{"报告", "概况", "类别", "主办单位", "界别", "提案者类型", "不予立案理由", "热点议题"}; !slices.Equal(f.GetSheetList(), want) {
		t.Fatalf("sheets %v, want %v", f.GetSheetList(), want)
	}
	if title, _ := f.GetCellValue("报告", "A1"); title != "2024年提案统计" {
		t.Errorf("报告 A1 = %q, want the title", title)
	}
	if report, _ := f.GetCellValue("报告", "A2"); report != s.Report() {
		t.Errorf("报告 A2 = %q, want the report %q", report, s.Report())
	}
	for _, c := range []struct {
		sheet string
		want  [][]string
	}{
		{"概况", [][]string{{"项目", "2024年", "2023年", "增减"}, {"收到提案（件）", "344", "341", "3"},
			{"已记录审查结果（件）", "344", "341", "3"}, {"未记录审查结果（件）", "0", "0", "0"},
			{"立案（件，含并案）", "299", "297", "2"}, {"其中并案（件）", "20"}, {"不予立案（件）", "45"},
			{"立案率（%，按已记录审查结果计）", "86.92", "87.10", "-0.18"}, {"立案的委员提案（件）", "214"},
			{"立案的集体提案（件）", "85"}, {"已登记办理答复（件）", "106"}}},
		{"类别", [][]string{{"类别", "立案件数", "占立案（%）", "2023年", "增减"}, {"经济建设", "78", "26.1", "79", "-1"},
			{"社会建设", "119", "39.8", "118", "1"}, {"文化建设", "0", "0.0", "36", "-36"}}},
		{"界别", [][]string{{"界别", "收到", "已记录审查结果", "立案", "立案率（%）", "占收到（%）"}, {"经济界", "30", "30", "19", "63.33", "8.7"}}},
		{"提案者类型", [][]string{{"提案者类型", "收到", "已记录审查结果", "立案", "立案率（%）", "占收到（%）"},
			{"委员", "259", "259", "214", "82.63", "75.3"}, {"集体", "85", "85", "85", "100.00", "24.7"}}},
		{"不予立案理由", [][]string{{"理由", "件数", "占不予立案（%）"}, {"内容空泛", "8", "17.8"}, {`'=HYPERLINK("http://x","点击")`, "1", "2.2"}}},
		{"热点议题", [][]string{{"议题", "立案提案数", "占立案（%）"}, {"企业", "8", "2.7"}, {"'-非遗", "6", "2.0"}}},
	} {
		got, err := f.GetRows(c.sheet)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.EqualFunc(got, c.want, slices.Equal) {
			t.Errorf("sheet %s:\n got  %q\n want %q", c.sheet, got, c.want)
		}
	}
	// counts are numbers a spreadsheet sums; nothing is a formula
	if typ, _ := f.GetCellType("概况", "B2"); typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
		t.Errorf("概况 B2 has type %v, want a number", typ)
	}
	for _, sh := range f.GetSheetList() {
		rows, _ := f.GetRows(sh)
		for r, row := range rows {
			for col := range row {
				cell, _ := excelize.CoordinatesToCellName(col+1, r+1)
				if formula, _ := f.GetCellFormula(sh, cell); formula != "" {
					t.Errorf("%s %s holds the formula %q", sh, cell, formula)
				}
			}
		}
	}
}

// A year without review results has no rate row; one without proposals
// gives a workbook whose report says so and whose tables are headers only.
func TestStatsWorkbookOfUnreviewedAndEmptyYears(t *testing.T) {
	f := readWorkbook(t, &tian.Stats{Year: 2012, FromYear: 2012, ToYear: 2012, Received: 494, Unrecorded: 494,
		Sectors: []tian.Tally{{Name: tian.NoSector, Received: 494, Share: 100}}})
	rows, _ := f.GetRows("概况")
	for _, r := range rows {
		if strings.HasPrefix(r[0], "立案率") {
			t.Errorf("2012 has no review results, yet 概况 has %q", r)
		}
	}
	if rows, _ := f.GetRows("界别"); len(rows) != 2 || len(rows[1]) < 5 || rows[1][4] != "" {
		t.Errorf("界别 of 2012: %q, want 未标注界别 without a rate", rows)
	}
	if report, _ := f.GetCellValue("报告", "A2"); !strings.Contains(report, "均未记录审查结果") {
		t.Errorf("2012 report %q", report)
	}

	f = readWorkbook(t, &tian.Stats{Year: 2013})
	if report, _ := f.GetCellValue("报告", "A2"); report != "2013年尚无提案记录。" {
		t.Errorf("2013 report %q", report)
	}
	for _, sh := range []string{"类别", "界别", "不予立案理由"} {
		if rows, _ := f.GetRows(sh); len(rows) != 1 {
			t.Errorf("%s of an empty year: %q, want the header only", sh, rows)
		}
	}
}

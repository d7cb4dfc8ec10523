package sheet_test

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"tian"
	"tian/sheet"
)

// The 查重 workbook has one row per pair, the proposal of the year first,
// the kind and the note as staff say them, the passages as 本件/该件 lines,
// formula-like text neutralised, and a 说明 sheet with the counts.
func TestWriteDuplicates(t *testing.T) {
	rep := &tian.DuplicateReport{Year: 2025, FromYear: 2023, Compared: 2118, Pairs: []tian.DuplicatePair{
		{Kind: tian.MatchResubmission, Cover: 0.874,
			Proposal: tian.DuplicateSide{Number: "20250311", Year: 2025, Title: "关于治理城南区排水渠黑臭问题的提案", Proposer: "陈静"},
			Repeats:  tian.DuplicateSide{Number: "20230123", Year: 2023, Title: "关于城南区排水渠黑臭治理的建议", Proposer: "陈静", Status: "立案", HasReply: true},
			Passages: []tian.SentencePair{{A: "每到夏季，城南区的几条排水渠就发黑发臭", B: "城南区几条排水渠夏季发黑发臭", Similarity: 0.62},
				{A: "建议市水务局牵头开展截污纳管", B: "建议由市水务局牵头实施截污纳管", Similarity: 0.71}}},
		{Kind: tian.MatchCopy, Cover: 0.52,
			Proposal: tian.DuplicateSide{Number: "20250420", Year: 2025, Title: "=cmd|' /C calc'!A0", Proposer: "李明"},
			Repeats:  tian.DuplicateSide{Number: "20250107", Year: 2025, Title: "关于规范校外培训机构收费的提案", Proposer: "民进市委会", Status: "立案"},
			Passages: []tian.SentencePair{{A: "预收费资金缺乏监管", B: "预收费资金监管缺位", Similarity: 0.5}}},
	}}
	var buf bytes.Buffer
	if err := sheet.WriteDuplicates(&buf, rep); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); !reflect.DeepEqual(got, []string{"查重", "说明"}) {
		t.Fatalf("sheets %v", got)
	}
	rows, err := f.GetRows("查重")
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		sheet.DuplicatesHeader,
		{"重复提交", "20250311", "关于治理城南区排水渠黑臭问题的提案", "陈静", "20230123", "2023", "关于城南区排水渠黑臭治理的建议", "陈静", "立案",
			"与2023年第20230123号提案基本相同，已答复", "87%",
			"本件：每到夏季，城南区的几条排水渠就发黑发臭\n该件：城南区几条排水渠夏季发黑发臭\n本件：建议市水务局牵头开展截污纳管\n该件：建议由市水务局牵头实施截污纳管"},
		{"疑似雷同", "20250420", "'=cmd|' /C calc'!A0", "李明", "20250107", "2025", "关于规范校外培训机构收费的提案", "民进市委会", "立案",
			"与同年第20250107号提案文字基本相同，已立案", "52%", "本件：预收费资金缺乏监管\n该件：预收费资金监管缺位"},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("rows\n got %q\nwant %q", rows, want)
	}
	about, _ := f.GetRows("说明")
	got := map[string]string{}
	for _, r := range about {
		got[r[0]] = r[1]
	}
	if got["年度"] != "2025" || !strings.Contains(got["比较范围"], "2023–2025") || !strings.Contains(got["比较范围"], "2118") ||
		!strings.HasPrefix(got["重复提交"], "1 对") || !strings.HasPrefix(got["疑似雷同"], "1 对") {
		t.Errorf("说明 %v", got)
	}
}

package sheet_test

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/xuri/excelize/v2"

	"tian"
	"tian/sheet"
)

func metroView() *tian.CurationView {
	return &tian.CurationView{Year: 2024, Source: tian.CurationStored, Version: 3, Confirmed: true, ConfirmedBy: "staff:李强",
		ConfirmedAt: "2026-03-02T09:00:00Z", SavedBy: "staff:王芳", SavedAt: "2026-03-01T16:20:00Z", Groups: []tian.GroupView{
			{ID: "2024-1", Name: "地铁站点接驳", LeadUnit: "市交通运输局", Members: []tian.GroupMemberView{
				{Number: "20240203", Title: "关于做好地铁站点“最后一公里”公交接驳的提案", Status: "立案", Proposer: "致公党市委会",
					ProposerType: "集体", Category: "社会建设", LeadUnit: "市交通运输局", CoUnits: []string{"市城市管理局", "市公安局"},
					NearDuplicates: []string{"20240219"}},
				{Number: "20240219", Title: "=HYPERLINK(\"http://x\",\"点我\")", Status: "立案", Proposer: "石磊", ProposerType: "委员",
					Category: "社会建设", LeadUnit: "市交通运输局", NearDuplicates: []string{"20240203"}},
			}},
			{ID: "2024-2", Name: "@夜间施工噪声", Members: []tian.GroupMemberView{
				{Number: "20240705", Title: "关于加强地铁2号线沿线夜间施工噪声管控的提案", Status: "立案"},
				{Number: "20240706", Missing: true},
			}},
		}}
}

// The workbook has one row per member with its group, particulars and
// near-duplicates, formula-like text neutralised, and a 说明 sheet with
// who confirmed it when.
func TestWriteCuration(t *testing.T) {
	var buf bytes.Buffer
	if err := sheet.WriteCuration(&buf, metroView()); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); !reflect.DeepEqual(got, []string{"并案分组", "说明"}) {
		t.Fatalf("sheets %v", got)
	}
	rows, err := f.GetRows("并案分组")
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		sheet.CurationHeader,
		{"1", "地铁站点接驳", "市交通运输局", "20240203", "关于做好地铁站点“最后一公里”公交接驳的提案", "致公党市委会", "集体", "社会建设", "立案", "市交通运输局", "市城市管理局、市公安局", "20240219"},
		{"1", "地铁站点接驳", "市交通运输局", "20240219", "'=HYPERLINK(\"http://x\",\"点我\")", "石磊", "委员", "社会建设", "立案", "市交通运输局", "", "20240203"},
		{"2", "'@夜间施工噪声", "", "20240705", "关于加强地铁2号线沿线夜间施工噪声管控的提案", "", "", "", "立案"},
		{"2", "'@夜间施工噪声", "", "20240706", "（提案已删除）"},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("rows\n got %q\nwant %q", rows, want)
	}
	if f, _ := f.GetCellFormula("并案分组", "E3"); f != "" {
		t.Errorf("a title became the formula %q", f)
	}
	about, _ := f.GetRows("说明")
	got := map[string]string{}
	for _, r := range about {
		got[r[0]] = r[1]
	}
	if got["年度"] != "2024" || got["状态"] != "已确认" || got["确认人"] != "staff:李强" || got["分组数"] != "2" || got["提案数"] != "4" {
		t.Errorf("说明 %v", got)
	}
}

// A suggestion's 说明 gives its scope and the threshold as the groups page
// says it: the pair model's probability as a percentage.
func TestWriteCurationSuggestion(t *testing.T) {
	v := metroView()
	v.Source, v.Confirmed, v.FiledOnly, v.Threshold = tian.CurationSuggested, false, true, 0.6
	var buf bytes.Buffer
	if err := sheet.WriteCuration(&buf, v); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	about, _ := f.GetRows("说明")
	got := map[string]string{}
	for _, r := range about {
		got[r[0]] = r[1]
	}
	if got["状态"] != "系统建议（尚未保存）" || got["分组范围"] != "仅立案提案" || got["分组阈值"] != "同组可能性 60%" {
		t.Errorf("说明 %v", got)
	}
}

func TestCurationState(t *testing.T) {
	for _, c := range []struct {
		v    tian.CurationView
		want string
	}{
		{tian.CurationView{Source: tian.CurationSuggested}, "系统建议（尚未保存）"},
		{tian.CurationView{Source: tian.CurationStored}, "草稿（尚未确认）"},
		{tian.CurationView{Source: tian.CurationStored, Confirmed: true}, "已确认"},
	} {
		if got := sheet.CurationState(&c.v); got != c.want {
			t.Errorf("%+v: %q, want %q", c.v, got, c.want)
		}
	}
}

package sheet_test

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"tian"
	"tian/sheet"
)

// sample are proposals with the awkward parts real ones have: newlines,
// quotes, commas, several co-handling units, empty optional fields.
func sample() []*tian.Proposal {
	return []*tian.Proposal{{
		Number: "20240157", Year: 2024, Session: "十四届二次", Title: "关于加快发展社区嵌入式养老服务的提案",
		Body:     "截至2023年底，全市60岁及以上老年人口约78万人。\n为此建议：\n1. 按照“一刻钟养老服务圈”布局站点，\"助餐\"优先；\n2. 推动医养结合。",
		Proposer: "民盟市委会", ProposerType: tian.ProposerCollective, Category: "社会建设",
		LeadUnit: "市民政局", CoUnits: []string{"市卫生健康委员会", "市财政局"}, Status: tian.StatusFiled,
		Reply: "已将社区嵌入式养老纳入2024年民生实事，新建站点45个。", Submitted: "2024-01-15", ReplyDate: "2024-06-30",
	}, {
		Number: "20230048", Year: 2023, Session: "十四届一次", Title: "关于支持中小制造企业数字化转型的提案",
		Body:     "一套MES系统动辄数十万元, 投入回报周期长,企业“不敢转、不会转、转不起”。",
		Proposer: "王建国", ProposerType: tian.ProposerMember, Sector: "经济界", Category: "经济建设",
		LeadUnit: "市工业和信息化局", Status: tian.StatusFiled,
	}, {
		Number: "20230049", Year: 2023, Session: "十四届一次", Title: "关于请求解决个人安置问题的提案",
		Body: "本人房屋拆迁补偿问题长期未解决。", Proposer: "李某", ProposerType: tian.ProposerMember,
		Category: "社会建设", Status: tian.StatusRejected, StatusReason: "属于个人诉求，建议通过信访渠道反映",
	}}
}

func records(res *sheet.Result) []*tian.Proposal {
	out := make([]*tian.Proposal, len(res.Records))
	for i := range res.Records {
		p := res.Records[i].Proposal
		if len(p.CoUnits) == 0 {
			p.CoUnits = nil
		}
		out[i] = &p
	}
	return out
}

func TestWriteReadRoundTrip(t *testing.T) {
	for _, format := range []string{sheet.FormatXLSX, sheet.FormatCSV, sheet.FormatJSONL} {
		t.Run(format, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "proposals."+format)
			var buf bytes.Buffer
			if err := sheet.WriteProposals(&buf, format, sample()); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			res, err := sheet.ReadProposals(path, sheet.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Errors) > 0 {
				t.Fatalf("errors reading back: %v", res.Errors)
			}
			if got, want := records(res), sample(); !reflect.DeepEqual(got, want) {
				for i := range want {
					if i < len(got) && !reflect.DeepEqual(got[i], want[i]) {
						t.Errorf("proposal %d:\n got %+v\nwant %+v", i, got[i], want[i])
					}
				}
				if len(got) != len(want) {
					t.Errorf("read %d proposals, wrote %d", len(got), len(want))
				}
			}
		})
	}
}

func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// Offices name their columns in many ways; the usual ones are found
// without a mapping, and errors point at the file, row and column.
func TestReadCSVUsualHeadersAndCellErrors(t *testing.T) {
	csv := "\ufeff提案编号,案由,提案内容,分类,承办单位,协办单位,年份,提交时间\n" +
		"20220011,关于城北区停车难的提案,\"城北区老旧小区停车位缺口大，\n建议挖潜共享车位。\",社会建设,城北区人民政府,市公安局、市交通运输局,2022,2022/1/8\n" +
		"\n" +
		"20220012,关于古城保护的提案,府学街风貌破坏。,文化建设,市文物局,,二〇二二,2022-01-09\n"
	path := writeFile(t, "2022.csv", []byte(csv))
	res, err := sheet.ReadProposals(path, sheet.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Records) != 1 {
		t.Fatalf("read %d records, want 1 (the other has a bad year)", len(res.Records))
	}
	p := res.Records[0].Proposal
	if p.Number != "20220011" || p.Title != "关于城北区停车难的提案" || p.Category != "社会建设" ||
		!reflect.DeepEqual(p.CoUnits, []string{"市公安局", "市交通运输局"}) || p.Submitted != "2022-01-08" ||
		!strings.Contains(p.Body, "\n建议挖潜") {
		t.Errorf("record = %+v", p)
	}
	if len(res.Errors) != 1 {
		t.Fatalf("errors = %v, want one for the year", res.Errors)
	}
	e := res.Errors[0]
	if e.Row != 5 || !strings.Contains(e.Column, "年份") || !strings.Contains(e.Error(), "2022.csv") {
		t.Errorf("error %q: want file 2022.csv, row 5 (a line number), column 年份", e.Error())
	}
}

func TestReadMapOverride(t *testing.T) {
	path := writeFile(t, "m.csv", []byte("编号,主题,详情,时间\nA-17,关于路灯不亮的提案,城南区大学城东路路灯半年不亮。,43473.4\n"))
	mapping, err := sheet.ParseMapping([]string{"title=主题", "body=详情", "submitted=时间", "number=编号"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := sheet.ReadProposals(path, sheet.Options{Map: mapping})
	if err != nil {
		t.Fatal(err)
	}
	p := res.Records[0].Proposal
	if p.Title != "关于路灯不亮的提案" || p.Body != "城南区大学城东路路灯半年不亮。" || p.Submitted != "2019-01-08" || p.Year != 2019 {
		t.Errorf("record = %+v (want the Excel serial 43473.4 read as 2019-01-08)", p)
	}
	if _, err := sheet.ParseMapping([]string{"titel=主题"}); tian.ErrorCode(err) != tian.EINVALID {
		t.Errorf("ParseMapping(titel=…) err = %v, want EINVALID", err)
	}
}

func TestReadGB18030(t *testing.T) {
	text := "提案号,标题,内容\n20210301,关于扶持专精特新企业的提案,培育一批专精特新“小巨人”企业。\n"
	gb, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	res, err := sheet.ReadProposals(writeFile(t, "gbk.csv", gb), sheet.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if p := res.Records[0].Proposal; p.Title != "关于扶持专精特新企业的提案" || p.Body != "培育一批专精特新“小巨人”企业。" {
		t.Errorf("GB18030 decoded to %+v", p)
	}
}

func TestReadBadFiles(t *testing.T) {
	xlsx := validXLSX(t)
	tests := []struct {
		name, file string
		data       []byte
		want       string
	}{
		{"wrong encoding", "latin.csv", []byte("提案号,标题\n\xff\xfe\x00\x01,\x80\x81\x82\n"), "既不是 UTF-8 也不是 GB18030"},
		{"binary", "bin.csv", []byte("提案号,标题\n\x00\x01\x02,abc\n"), "不是文本文件"},
		{"missing required column", "nocol.csv", []byte("提案号,内容\n1,正文\n"), "缺少必需的列：标题"},
		{"truncated xlsx", "cut.xlsx", xlsx[:len(xlsx)/2], "不是有效的 Excel 工作簿"},
		{"not json", "bad.jsonl", []byte("{\"number\":\"1\",\"title\":\"关于的提案\"}\n{oops\n"), "第2行不是有效的 JSON 对象"},
		{"not an xls", "old.xls", []byte("x"), "不是 Excel 97–2003 工作簿"},
		{"old word", "form.doc", []byte("x"), "旧版 Word 文档（.doc）"},
		{"unclosed quote", "q.csv", []byte("提案号,标题\n1,\"关于\n"), "第2行"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := sheet.ReadProposals(writeFile(t, tt.file, tt.data), sheet.Options{})
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), tt.file) {
				t.Errorf("err = %v, want one naming %s and saying %q", err, tt.file, tt.want)
			}
			if tian.ErrorCode(err) != tian.EINVALID {
				t.Errorf("code = %s, want %s", tian.ErrorCode(err), tian.EINVALID)
			}
		})
	}
}

func validXLSX(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := sheet.WriteProposals(&buf, sheet.FormatXLSX, sample()); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// A workbook with date cells stored as Excel serials, tabs and newlines
// around the text, and 100,000 empty rows after the data.
func TestReadXLSXDatesPaddingAndEmptyRows(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	sw.SetRow("A1", []any{"留言编号", "留言主题", "留言详情", "留言时间"})
	sw.SetRow("A2", []any{"360839", "A市经济学院寒假过年期间组织学生去工厂工作", "\t\t\t\n\t\t\t\t\n\t\t\t\t\t学校要求学生寒假去工厂实习。\n\t\t\t", 43473.44})
	sw.SetRow("A3", []any{"360840", "关于西湖区路灯的问题", "路灯不亮", "2019/1/11 15:31:12"})
	for r := 4; r < 100_004; r++ {
		cell, _ := excelize.CoordinatesToCellName(1, r)
		sw.SetRow(cell, []any{""})
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "messages.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	res, err := sheet.ReadProposals(path, sheet.Options{Map: map[string]string{"number": "留言编号", "title": "留言主题"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Records) != 2 || len(res.Errors) != 0 {
		t.Fatalf("records %d, errors %v; want 2 and none (empty rows skipped)", len(res.Records), res.Errors)
	}
	p := res.Records[0].Proposal
	if p.Body != "学校要求学生寒假去工厂实习。" || p.Submitted != "2019-01-08" || p.Year != 2019 {
		t.Errorf("record = %+v", p)
	}
	if q := res.Records[1].Proposal; q.Submitted != "2019-01-11" || res.Records[1].Row != 3 {
		t.Errorf("second record = %+v at row %d", q, res.Records[1].Row)
	}
	t.Logf("read a sheet with 100,000 empty rows in %s", time.Since(start).Round(time.Millisecond))
}

func TestReadUnits(t *testing.T) {
	path := writeFile(t, "units.tsv", []byte("unit\tkind\tduties\taliases\n市数据局\t政府部门\t数据资源、数字政府\t市大数据中心、市政务信息管理局\n"))
	units, err := sheet.ReadUnits(path)
	if err != nil {
		t.Fatal(err)
	}
	want := []tian.Unit{{Name: "市数据局", Kind: "政府部门", Duties: "数据资源、数字政府", Aliases: []string{"市大数据中心", "市政务信息管理局"}}}
	if !reflect.DeepEqual(units, want) {
		t.Errorf("units = %+v, want %+v", units, want)
	}
}

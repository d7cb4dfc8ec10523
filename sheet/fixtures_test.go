package sheet_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"tian"
	"tian/sheet"
)

// fixture is one entry of testdata/manifest.json, which the generator
// (go run ./sheet/testdata/gen) writes beside the files.
type fixture struct {
	File  string   `json:"file"`
	Sheet string   `json:"sheet"`
	Kind  string   `json:"kind"`
	Year  int      `json:"year"`
	Notes int      `json:"notes"`
	Have  []string `json:"have"`
	Items []struct {
		Number, Written, Submitted, Demo string
	} `json:"items"`
}

func manifest(t *testing.T) []fixture {
	t.Helper()
	b, err := os.ReadFile("testdata/manifest.json")
	if err != nil {
		t.Fatal(err)
	}
	var fx []fixture
	if err := json.Unmarshal(b, &fx); err != nil {
		t.Fatal(err)
	}
	return fx
}

func demoByNumber(t *testing.T) map[string]*tian.Proposal {
	t.Helper()
	ps, err := tian.ReadDemo()
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]*tian.Proposal{}
	for _, p := range ps {
		m[p.Number] = p
	}
	return m
}

// readFixture reads a fixture's file, or each file of its folder in
// name order, into one list of records.
func readFixture(t *testing.T, fx fixture) ([]tian.Record, []sheet.Source, []tian.RowError, []*sheet.Result) {
	t.Helper()
	paths := []string{filepath.Join("testdata", fx.File)}
	if st, err := os.Stat(paths[0]); err == nil && st.IsDir() {
		entries, _ := os.ReadDir(paths[0])
		paths = nil
		for _, e := range entries {
			paths = append(paths, filepath.Join("testdata", fx.File, e.Name()))
		}
		sort.Strings(paths)
	}
	var recs []tian.Record
	var srcs []sheet.Source
	var warns []tian.RowError
	var results []*sheet.Result
	for _, p := range paths {
		res, err := sheet.ReadProposals(p, sheet.Options{Sheet: fx.Sheet})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Errors) > 0 {
			t.Fatalf("%s: %v", p, res.Errors[0].Error())
		}
		if len(res.Sources) != len(res.Records) {
			t.Fatalf("%d sources for %d records", len(res.Sources), len(res.Records))
		}
		if res.Kind != fx.Kind {
			t.Errorf("%s read as %s, want %s", p, res.Kind, fx.Kind)
		}
		recs, srcs, warns = append(recs, res.Records...), append(srcs, res.Sources...), append(warns, res.Warnings...)
		results = append(results, res)
	}
	return recs, srcs, warns, results
}

// fieldsOf is a proposal as a map of its JSON fields.
func fieldsOf(t *testing.T, p *tian.Proposal) map[string]any {
	t.Helper()
	b, _ := json.Marshal(p)
	var m map[string]any
	json.Unmarshal(b, &m)
	return m
}

// empty: no value in JSON (null, "", []).
func empty(v any) bool {
	l, isList := v.([]any)
	return v == nil || v == "" || isList && len(l) == 0
}

// Every file an office keeps, as the generator wrote it from the demo
// corpus, reads back with every proposal, every field the file holds,
// the year the file's title, sheet or number gives, and the number as
// written kept beside the canonical one.
func TestReadOfficeFiles(t *testing.T) {
	demo := demoByNumber(t)
	for _, fx := range manifest(t) {
		t.Run(fx.File+"/"+fx.Sheet, func(t *testing.T) {
			recs, srcs, warns, _ := readFixture(t, fx)
			if len(recs) != len(fx.Items) {
				t.Fatalf("read %d proposals, the file has %d", len(recs), len(fx.Items))
			}
			notes, provisional := 0, 0
			for _, w := range warns {
				if strings.Contains(w.Message, "不是提案") {
					notes++
				}
			}
			for i, it := range fx.Items {
				rec, src, d := recs[i], srcs[i], demo[it.Demo]
				p := rec.Proposal
				switch {
				case it.Number != "" && p.Number != it.Number:
					t.Errorf("proposal %d: number %q, want %q (written %q)", i+1, p.Number, it.Number, it.Written)
				case it.Number == "" && (!src.Provisional || !strings.HasPrefix(p.Number, "2024L") || len(p.Number) != 13):
					t.Errorf("proposal %d: number %q, want a provisional 2024L… number", i+1, p.Number)
				case it.Number == "":
					provisional++
				}
				if src.Written != it.Written {
					t.Errorf("proposal %d: written %q, want %q", i+1, src.Written, it.Written)
				}
				// the office's writing is kept for display when it is not the canonical number
				if wantShown := strings.TrimSpace(it.Written); it.Number != "" && wantShown != p.Number && p.WrittenNumber != wantShown {
					t.Errorf("proposal %d: written_number %q, want %q", i+1, p.WrittenNumber, wantShown)
				} else if wantShown == p.Number && p.WrittenNumber != "" {
					t.Errorf("proposal %d: written_number %q for a number written canonically", i+1, p.WrittenNumber)
				}
				if p.Year != d.Year || src.YearSource == "" {
					t.Errorf("proposal %d: year %d from %q, want %d", i+1, p.Year, src.YearSource, d.Year)
				}
				got, want := fieldsOf(t, &p), fieldsOf(t, d)
				want["submitted"] = it.Submitted
				for _, f := range fx.Have {
					if f == "number" {
						continue
					}
					if !reflect.DeepEqual(got[f], want[f]) && !(empty(got[f]) && empty(want[f])) {
						t.Errorf("proposal %s: %s = %v, want %v", it.Demo, f, got[f], want[f])
					}
					if !empty(want[f]) && !slices.Contains(rec.Fields, f) {
						t.Errorf("proposal %s: Fields %v lacks %s", it.Demo, rec.Fields, f)
					}
				}
			}
			if fx.Kind == "提案表" {
				notes = 0
				for _, w := range warns {
					if strings.Contains(w.Message, "没有提案号，暂编为") {
						notes++
					}
				}
				if provisional != 5 {
					t.Errorf("%d provisional numbers, want 5", provisional)
				}
			}
			if notes != fx.Notes {
				t.Errorf("%d rows skipped as notes, want %d: %v", notes, fx.Notes, warns)
			}
		})
	}
}

// What the import preview shows of a list: the header rows found under
// the title, where the year came from, the two-row header's columns.
func TestReadListReportsHeaderAndYear(t *testing.T) {
	for _, file := range []string{"提案立案情况一览表.xlsx", "提案立案情况一览表.xls"} {
		res, err := sheet.ReadProposals(filepath.Join("testdata", file), sheet.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if res.HeaderRow != 3 || res.HeaderRows != 2 || res.Title != "政协某市第十四届委员会第三次会议提案立案情况一览表" {
			t.Errorf("%s: header at row %d (%d rows) under %q", file, res.HeaderRow, res.HeaderRows, res.Title)
		}
		if !strings.Contains(res.YearSource, "十四届三次") || !strings.Contains(res.YearSource, "2025") {
			t.Errorf("%s: year source %q", file, res.YearSource)
		}
		want := []tian.ColumnMapping{{Column: "B（案号）", Field: "number"}, {Column: "C（案由）", Field: "title"},
			{Column: "D（提案者）", Field: "proposer"}, {Column: "E（类别）", Field: "category"}, {Column: "F（主办）", Field: "lead_unit"},
			{Column: "G（会办）", Field: "co_units"}, {Column: "H（提交日期）", Field: "submitted"}}
		if !reflect.DeepEqual(res.Mapping, want) || !reflect.DeepEqual(res.Unmapped, []string{"A（序号）"}) {
			t.Errorf("%s: mapping %v, unmapped %v", file, res.Mapping, res.Unmapped)
		}
		if p := res.Records[0].Proposal; p.Session != "十四届三次" {
			t.Errorf("%s: session %q", file, p.Session)
		}
	}
}

// --year and --session beat the title; a file that says no year gets
// none, and the warnings list its rows.
func TestReadYearOptionsAndMissingYear(t *testing.T) {
	path := filepath.Join("testdata", "提案立案情况一览表.xlsx")
	res, err := sheet.ReadProposals(path, sheet.Options{Session: "第十三届委员会第五次会议"})
	if err != nil {
		t.Fatal(err)
	}
	if p := res.Records[1].Proposal; p.Year != 2022 || p.Session != "十三届五次" || p.Number != "20220002" {
		t.Errorf("with --session: %+v", p)
	}
	// 〔2025〕23号 states its own year, and so is not of the session given
	if p, w := res.Records[19].Proposal, res.Sources[19].Written; w != "〔2025〕23号" || p.Year != 2025 || p.Number != "20250023" || p.Session != "" {
		t.Errorf("with --session, %s: year %d session %q number %s", w, p.Year, p.Session, p.Number)
	}
	res, err = sheet.ReadProposals(path, sheet.Options{Year: 2023})
	if err != nil {
		t.Fatal(err)
	}
	if p := res.Records[0].Proposal; p.Year != 2023 || p.Number != "20230001" || !strings.Contains(res.YearSource, "--year") {
		t.Errorf("with --year: %+v from %q", p, res.YearSource)
	}
	csv := writeFile(t, "list.csv", []byte("案号,案由\n1,关于加快发展社区嵌入式养老服务的提案\n〔2024〕2号,关于城北区停车难的提案\n3,关于支持中小制造企业数字化转型的提案\n"))
	res, err = sheet.ReadProposals(csv, sheet.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if y := []int{res.Records[0].Proposal.Year, res.Records[1].Proposal.Year, res.Records[2].Proposal.Year}; !reflect.DeepEqual(y, []int{0, 2024, 0}) {
		t.Errorf("years %v", y)
	}
	if res.Records[0].Proposal.Number != "1" || res.Records[1].Proposal.Number != "20240002" {
		t.Errorf("numbers %q %q: without a year a number stays as written", res.Records[0].Proposal.Number, res.Records[1].Proposal.Number)
	}
	if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0].Error(), "2行没有年度（第2、4行）") {
		t.Errorf("warnings %v", res.Warnings)
	}
}

func TestCanonicalNumber(t *testing.T) {
	for _, tt := range []struct {
		written string
		year    int
		want    string
	}{
		{"第0001号", 2024, "20240001"}, {"0001", 2024, "20240001"}, {"1", 2024, "20240001"}, {"〔2024〕1号", 0, "20240001"},
		{"〔2024〕1号", 2023, "20240001"}, {"［2024］第12号", 0, "20240012"}, {"第１２号", 2024, "20240012"},
		{"20240001", 2024, "20240001"}, {"188006", 2019, "188006"}, {"1", 0, "1"}, {"A-12", 2024, "A-12"},
		{"第0101号", 2023, "20230101"}, {"0", 2024, "0"},
	} {
		if got := sheet.CanonicalNumber(tt.written, tt.year); got != tt.want {
			t.Errorf("CanonicalNumber(%q, %d) = %q, want %q", tt.written, tt.year, got, tt.want)
		}
	}
}

func TestCommitteeYears(t *testing.T) {
	c := sheet.DefaultCommittee()
	// the demo's sessions: 2021 十三届四次 … 2025 十四届三次
	for _, tt := range []struct{ term, session, year int }{{13, 4, 2021}, {13, 5, 2022}, {14, 1, 2023}, {14, 2, 2024}, {14, 3, 2025}} {
		if y := c.Year(tt.term, tt.session); y != tt.year {
			t.Errorf("%d届%d次 = %d, want %d", tt.term, tt.session, y, tt.year)
		}
	}
	c, err := sheet.ParseCommittee("十三届=2017")
	if err != nil || c.Year(14, 1) != 2022 {
		t.Errorf("十三届=2017: %v, 十四届一次 = %d", err, c.Year(14, 1))
	}
	for _, bad := range []string{"", "十四届", "届=2023", "十四届=23"} {
		if _, err := sheet.ParseCommittee(bad); tian.ErrorCode(err) != tian.EINVALID {
			t.Errorf("ParseCommittee(%q) = %v, want EINVALID", bad, err)
		}
	}
	// an office's own schedule moves the year a title's session gives
	res, err := sheet.ReadProposals(filepath.Join("testdata", "提案选编.docx"), sheet.Options{Committee: &c})
	if err != nil || res.Records[0].Proposal.Year != 2022 {
		t.Errorf("十四届一次 with 十三届=2017: %v, %+v", err, res.Records)
	}
}

// Bad files are refused whole with a Chinese message naming the file.
func TestReadBadOfficeFiles(t *testing.T) {
	for _, tt := range []struct{ file, code, want string }{
		{"加密的一览表.xlsx", tian.EINVALID, "设有打开密码"},
		{"旧版提案表.doc", tian.EINVALID, "旧版 Word 文档（.doc）"},
		{"损坏的提案表.docx", tian.EINVALID, "不是有效的 Word 文档（.docx）"},
		{"压缩炸弹.docx", tian.ETOOLARGE, "压缩炸弹"},
	} {
		path := filepath.Join("testdata", "bad", tt.file)
		res, err := sheet.ReadProposals(path, sheet.Options{})
		if res != nil || tian.ErrorCode(err) != tt.code || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), tt.file) {
			t.Errorf("%s: %v (code %s), want %s naming the file and saying %q", tt.file, err, tian.ErrorCode(err), tt.code, tt.want)
		}
	}
	// an .xls cut short, or with its cells scrambled, is an error, never a panic
	b, err := os.ReadFile(filepath.Join("testdata", "提案立案情况一览表.xls"))
	if err != nil {
		t.Fatal(err)
	}
	for _, cut := range []int{600, len(b) / 2, len(b) - 513} {
		_, err := sheet.ReadProposals(writeFile(t, "cut.xls", b[:cut]), sheet.Options{})
		if tian.ErrorCode(err) != tian.EINVALID || !strings.Contains(err.Error(), "cut.xls") {
			t.Errorf("cut at %d: %v", cut, err)
		}
	}
}

// A CSV list as an office types it: a title, a blank line, 承办单位 over
// 主办 | 协办, rows grouped under category lines, the header repeated on a
// new page, a note at the end.
func TestReadCSVGroupedTwoRowHeader(t *testing.T) {
	csv := "政协某市第十四届委员会第二次会议提案办理情况一览表,,,,\n" +
		",,,,\n" +
		"序号,案由,提案者,承办单位,\n" +
		",,,主办,协办\n" +
		"一、经济建设类（2件）,,,,\n" +
		"1,关于支持中小制造企业数字化转型的提案,民建市委会,市工业和信息化局,市财政局、市科学技术局\n" +
		"2,关于优化营商环境的提案,王建国,市发展和改革委员会,\n" +
		"序号,案由,提案者,承办单位,\n" +
		"二、社会建设类（1件）,,,,\n" +
		"3,关于加快发展社区嵌入式养老服务的提案,李秀兰,市民政局,市卫生健康委员会\n" +
		"说明：以上提案已全部办结。,,,,\n"
	res, err := sheet.ReadProposals(writeFile(t, "一览表.csv", []byte(csv)), sheet.Options{})
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		number, title, proposer, category, lead string
		co                                      []string
		year                                    int
		session                                 string
	}
	var got []row
	for _, r := range res.Records {
		p := r.Proposal
		got = append(got, row{p.Number, p.Title, p.Proposer, p.Category, p.LeadUnit, p.CoUnits, p.Year, p.Session})
	}
	want := []row{
		{"20240001", "关于支持中小制造企业数字化转型的提案", "民建市委会", "经济建设", "市工业和信息化局", []string{"市财政局", "市科学技术局"}, 2024, "十四届二次"},
		{"20240002", "关于优化营商环境的提案", "王建国", "经济建设", "市发展和改革委员会", nil, 2024, "十四届二次"},
		{"20240003", "关于加快发展社区嵌入式养老服务的提案", "李秀兰", "社会建设", "市民政局", []string{"市卫生健康委员会"}, 2024, "十四届二次"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %v\nwant %v", got, want)
	}
	if res.HeaderRow != 3 || res.HeaderRows != 2 {
		t.Errorf("header at line %d, %d rows", res.HeaderRow, res.HeaderRows)
	}
	var warned []string
	for _, w := range res.Warnings {
		warned = append(warned, w.Error())
	}
	for _, want := range []string{"第5行：分组行“一、经济建设类（2件）”：其下各行的类别取为“经济建设”", "第8行：不是提案（重复的表头）",
		"第11行：不是提案（说明行），已跳过：说明：以上提案已全部办结。"} {
		if !strings.Contains(strings.Join(warned, "\n"), want) {
			t.Errorf("warnings lack %q:\n%s", want, strings.Join(warned, "\n"))
		}
	}
}

// The import preview shows which label of a Word form gave which field.
func TestReadFormReportsLabels(t *testing.T) {
	res, err := sheet.ReadProposals(filepath.Join("testdata", "forms", "提案表02-刘淑芬.docx"), sheet.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// this form has its text in paragraphs after the table; 联系电话 is read as a label and not kept
	want := []tian.ColumnMapping{{Column: "编  号", Field: "number"}, {Column: "案  由", Field: "title"},
		{Column: "提案内容（其后的段落）", Field: "body"}, {Column: "提 案 人", Field: "proposer"}, {Column: "界  别", Field: "sector"},
		{Column: "类  别", Field: "category"}}
	if !reflect.DeepEqual(res.Mapping, want) {
		t.Errorf("mapping %v, want %v", res.Mapping, want)
	}
	res, err = sheet.ReadProposals(filepath.Join("testdata", "提案选编.docx"), sheet.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Mapping) < 4 || res.Mapping[0] != (tian.ColumnMapping{Column: "第…号行", Field: "number"}) {
		t.Errorf("compilation mapping %v", res.Mapping)
	}
}

// A total row is skipped whichever column says 合计; a proposal whose
// title starts like a note (注重……) is not.
func TestReadNoteRowsAreNotProposals(t *testing.T) {
	csv := "2024年提案一览表\n案由,提案号,提案者\n注重发挥老年人作用的提案,1,王建国\n说明书式管理的提案,2,李秀兰\n合计,2件,\n注：提案号以立案通知书为准。\n"
	res, err := sheet.ReadProposals(writeFile(t, "list.csv", []byte(csv)), sheet.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Records) != 2 || res.Records[0].Proposal.Title != "注重发挥老年人作用的提案" || res.Records[1].Proposal.Number != "20240002" {
		t.Errorf("records %+v", res.Records)
	}
	if len(res.Warnings) != 2 || !strings.Contains(res.Warnings[0].Error(), "第5行：不是提案（合计行）") ||
		!strings.Contains(res.Warnings[1].Error(), "第6行：不是提案（说明行）") {
		t.Errorf("warnings %v", res.Warnings)
	}
}

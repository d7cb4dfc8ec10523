package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"mime/multipart"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tian"
)

// fixture is one entry of the sheet package's fixture manifest: a file as
// offices keep it, what it is read as and every proposal in it.
type fixture struct {
	File  string   `json:"file"`
	Sheet string   `json:"sheet"`
	Kind  string   `json:"kind"`
	Year  int      `json:"year"`
	Notes int      `json:"notes"`
	Have  []string `json:"have"`
	Items []struct {
		Number  string `json:"number"`
		Written string `json:"written"`
	} `json:"items"`
}

const fixtures = "../sheet/testdata"

func readFixtures(t *testing.T) []fixture {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtures, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var fs []fixture
	if err := json.Unmarshal(b, &fs); err != nil {
		t.Fatal(err)
	}
	return fs
}

// uploadForm uploads a fixture with the reader's options as form fields.
func (e *importEnv) uploadForm(t *testing.T, path, file string, fields map[string]string, out any) (int, string) {
	t.Helper()
	content, err := os.ReadFile(filepath.Join(fixtures, file))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("file", filepath.Base(file))
	fw.Write(content)
	mw.Close()
	return e.call(t, tian.RoleStaff, "POST", path, mw.FormDataContentType(), &buf, out)
}

// The preview of each file an office keeps says what the reader found:
// the kind of file, the header row under the title, where the year came
// from, the numbers as the file wrote them beside the stored ones, and
// the skipped note and total rows as warnings, not rejections.
func TestImportPreviewOfficeFiles(t *testing.T) {
	e := newImportEnv(t)
	seen := 0
	for _, f := range readFixtures(t) {
		if f.File == "forms" {
			continue
		}
		seen++
		name := f.File + "/" + f.Sheet
		fields := map[string]string{}
		if f.Sheet != "" {
			fields["sheet"] = f.Sheet
		}
		var pv tian.ImportPreview
		if code, body := e.uploadForm(t, "/api/v1/import/preview", f.File, fields, &pv); code != 200 {
			t.Errorf("%s: %d %s", name, code, body)
			continue
		}
		if pv.Kind != f.Kind || pv.File != f.File {
			t.Errorf("%s: kind %q file %q, want %q", name, pv.Kind, pv.File, f.Kind)
		}
		rep := pv.Report
		// the note and total rows under a table, and with every sheet the
		// one without a proposal header (row 0)
		notes := 0
		for _, w := range rep.Warnings {
			if w.Row > 0 {
				notes++
			}
			if w.File != f.File || !strings.Contains(w.Message, "已跳过") || (w.Row == 0 && !strings.Contains(w.Message, "没有提案表头")) {
				t.Errorf("%s: warning %+v", name, w)
			}
		}
		if rep.Inserted != len(f.Items) || rep.Rejected != 0 || len(rep.Errors) != 0 || notes != f.Notes {
			t.Errorf("%s: %d inserted, %d rejected, warnings %+v; want %d, %d notes", name, rep.Inserted, rep.Rejected, rep.Warnings, len(f.Items), f.Notes)
		}
		if pv.Title != "" && !strings.Contains(pv.YearSource, pv.Title) || pv.Title == "" && !strings.Contains(pv.YearSource, "工作表名“"+f.Sheet+"”") {
			t.Errorf("%s: title %q, year source %q", name, pv.Title, pv.YearSource)
		}
		switch strings.ToLower(filepath.Ext(f.File)) {
		case ".xlsx", ".xls":
			// the lists have a title row, a blank row and a two-row header
			// (主办 | 会办 under 承办单位); the sheet 2024年 has a plain one
			list := f.Sheet != "2024年"
			if list && (pv.HeaderRow != 3 || pv.HeaderRows != 2 || !strings.Contains(pv.Title, "一览表")) ||
				!list && (pv.HeaderRow != 1 || pv.HeaderRows != 1 || pv.Title != "") {
				t.Errorf("%s: header row %d (%d rows), title %q", name, pv.HeaderRow, pv.HeaderRows, pv.Title)
			}
			if want := map[string]int{"all": 2, "2024年": 1, "": 1}[f.Sheet]; len(pv.Sheets) != want {
				t.Errorf("%s: sheets %v, want %d", name, pv.Sheets, want)
			}
		case ".docx":
			if f.Kind == "提案选编" && (len(pv.Columns) != 0 || len(pv.Mapping) == 0 || !strings.Contains(pv.Title, "提案选编")) {
				t.Errorf("%s: columns %v, mapping %v, title %q", name, pv.Columns, pv.Mapping, pv.Title)
			}
		}
		for _, s := range pv.Sheets {
			if s == "" {
				t.Errorf("%s: an unnamed sheet in %q", name, pv.Sheets)
			}
		}
		if len(pv.Rows) != min(len(f.Items), tian.PreviewRows) {
			t.Errorf("%s: %d rows, want %d", name, len(pv.Rows), min(len(f.Items), tian.PreviewRows))
			continue
		}
		for i, r := range pv.Rows {
			want := f.Items[i]
			p := r.Proposal
			if p.Number != want.Number || r.Written != want.Written || r.Provisional || r.YearSource == "" || r.Outcome != "inserted" ||
				p.Year != yearOf(want.Number) || p.Title == "" || p.Proposer == "" {
				t.Errorf("%s row %d: number %s written %q provisional %v year %d (%s) title %q proposer %q; want %s %q",
					name, r.Row, p.Number, r.Written, r.Provisional, p.Year, r.YearSource, p.Title, p.Proposer, want.Number, want.Written)
			}
		}
	}
	if seen < 8 {
		t.Errorf("only %d fixtures previewed", seen)
	}
	if n, _ := e.db.CountProposals(context.Background()); n != 0 {
		t.Fatalf("the previews wrote %d proposals", n)
	}
}

// A Word proposal form is read by its labels: the preview lists which
// label went to which field and every field of the proposal; a form
// without a number gets a provisional one, marked as such and warned of.
func TestImportPreviewWordForms(t *testing.T) {
	e := newImportEnv(t)
	var pv tian.ImportPreview
	if code, body := e.uploadForm(t, "/api/v1/import/preview", "forms/提案表01-民进市委会.docx", nil, &pv); code != 200 {
		t.Fatalf("form 01: %d %s", code, body)
	}
	labels := map[string]string{}
	for _, m := range pv.Mapping {
		labels[m.Field] = m.Column
	}
	if pv.Kind != "提案表" || pv.HeaderRow != 0 || len(pv.Columns) != 0 || labels["body"] != "提案内容" || labels["proposer"] == "" ||
		!strings.Contains(pv.Title, "提 案 表") || !strings.Contains(pv.YearSource, "十四届二次") {
		t.Errorf("form 01: kind %q header %d columns %v labels %v title %q year source %q", pv.Kind, pv.HeaderRow, pv.Columns, labels, pv.Title, pv.YearSource)
	}
	if len(pv.Rows) != 1 {
		t.Fatalf("form 01: %d rows", len(pv.Rows))
	}
	var raw struct {
		Rows []struct {
			Proposal map[string]any `json:"proposal"`
		} `json:"rows"`
	}
	e.uploadForm(t, "/api/v1/import/preview", "forms/提案表01-民进市委会.docx", nil, &raw)
	if units, ok := raw.Rows[0].Proposal["co_units"].([]any); !ok || len(units) != 0 {
		t.Errorf("form 01's co_units: %#v, want []", raw.Rows[0].Proposal["co_units"])
	}
	r := pv.Rows[0]
	p := r.Proposal
	if p.Number != "20240001" || r.Written != "第0001号" || r.Provisional || p.Year != 2024 || p.Session != "十四届二次" ||
		p.Proposer != "民进市委会" || p.ProposerType != tian.ProposerCollective || p.Category == "" || !strings.HasPrefix(p.Title, "关于") ||
		!strings.HasSuffix(p.Body, "……") {
		t.Errorf("form 01 as read: %+v, written %q", p, r.Written)
	}

	if code, body := e.uploadForm(t, "/api/v1/import/preview", "forms/提案表10-市政协社会和法制委员会.docx", nil, &pv); code != 200 {
		t.Fatalf("form 10: %d %s", code, body)
	}
	r = pv.Rows[0]
	if len(pv.Rows) != 1 || !r.Provisional || r.Written != "" || r.Proposal.Number == "" || r.Proposal.Year != 2024 {
		t.Fatalf("form 10 without a number: %+v", pv.Rows)
	}
	if w := pv.Report.Warnings; len(w) != 1 || !strings.Contains(w[0].Message, "暂编为 "+r.Proposal.Number) {
		t.Errorf("form 10's warnings: %+v", w)
	}
}

// The reader's options come as form fields: a commit with year and
// session imports every row with that year; options that cannot be right
// are refused in Chinese before anything is read; files that cannot be
// read are refused naming the file, and nothing is imported.
func TestImportOptionsAndBadFiles(t *testing.T) {
	e := newImportEnv(t)
	ctx := context.Background()
	var rep tian.ImportReport
	if code, body := e.uploadForm(t, "/api/v1/import", "提案选编.docx", map[string]string{"year": "2026", "session": "十四届四次"}, &rep); code != 200 ||
		rep.Inserted != 12 || rep.Rejected != 0 {
		t.Fatalf("compilation with year and session: %d %s", code, body)
	}
	ps, err := e.db.Proposals(ctx, tian.ProposalFilter{})
	if err != nil || len(ps) != 12 {
		t.Fatalf("%d proposals stored, %v", len(ps), err)
	}
	for _, p := range ps {
		if p.Year != 2026 || !strings.HasPrefix(p.Number, "2026") || p.Session != "十四届四次" {
			t.Errorf("%s: year %d session %q", p.Number, p.Year, p.Session)
		}
	}

	// the committee maps 届次 to years: with 十四届 starting in 2022 the
	// list's 十四届三次 is 2024
	var pv tian.ImportPreview
	if code, body := e.uploadForm(t, "/api/v1/import/preview", "提案立案情况一览表.xlsx", map[string]string{"committee": "十四届=2022"}, &pv); code != 200 ||
		len(pv.Rows) == 0 || pv.Rows[0].Proposal.Number != "20240001" || pv.Rows[0].Proposal.Year != 2024 || !strings.Contains(pv.YearSource, "2022") {
		t.Errorf("committee 十四届=2022: %d %s", code, body[:min(len(body), 400)])
	}
	// a list whose title and name say no year: the rows have none, and
	// the report says which
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", "新收提案清单.csv")
	fw.Write([]byte("案号,案由,提案者\n0101,关于加强老旧小区加装电梯后续管理的提案,周文澜\n0102,关于推进中小学课后服务提质增效的提案,民进市委会\n"))
	mw.Close()
	if code, body := e.call(t, tian.RoleStaff, "POST", "/api/v1/import/preview", mw.FormDataContentType(), &buf, &pv); code != 200 || pv.YearSource != "" ||
		len(pv.Rows) != 2 || pv.Rows[0].Proposal.Year != 0 || pv.Rows[0].YearSource != "" || pv.Rows[0].Written != "0101" ||
		len(pv.Report.Warnings) != 1 || !strings.Contains(pv.Report.Warnings[0].Message, "2行没有年度（第2、3行）") {
		t.Errorf("a list without a year: %d %s", code, body)
	}

	var all fixture
	for _, f := range readFixtures(t) {
		if f.File == "提案立案情况一览表.xls" && f.Sheet == "all" {
			all = f
		}
	}
	if code, body := e.uploadForm(t, "/api/v1/import", all.File, map[string]string{"sheet": "all"}, &rep); code != 200 || rep.Inserted != len(all.Items) ||
		len(rep.Warnings) != all.Notes+1 {
		t.Fatalf("the .xls, every sheet: %d %s", code, body)
	}
	for _, it := range all.Items {
		p, err := e.db.Proposal(ctx, it.Number)
		if err != nil || p.Year != yearOf(it.Number) || p.Title == "" {
			t.Errorf("%s (%s): %+v %v", it.Number, it.Written, p, err)
		}
	}
	before, _ := e.db.CountProposals(ctx)

	for _, c := range []struct {
		file   string
		fields map[string]string
		code   int
		want   string
	}{
		{"提案立案情况一览表.xlsx", map[string]string{"year": "明年"}, 400, "年度须为四位数字的年份"},
		{"提案立案情况一览表.xlsx", map[string]string{"year": "1800"}, 400, "1949"},
		{"提案立案情况一览表.xlsx", map[string]string{"session": "第三次"}, 400, "届次"},
		{"提案立案情况一览表.xlsx", map[string]string{"committee": "十四届"}, 400, ""},
		{"提案立案情况一览表.xlsx", map[string]string{"sheet": "2030年"}, 400, "没有名为“2030年”的工作表"},
		{"bad/加密的一览表.xlsx", nil, 400, "加密的一览表.xlsx：文件设有打开密码"},
		{"bad/旧版提案表.doc", nil, 400, "旧版提案表.doc：这是旧版 Word 文档"},
		{"bad/损坏的提案表.docx", nil, 400, "损坏的提案表.docx：不是有效的 Word 文档"},
		{"bad/压缩炸弹.docx", nil, 413, "压缩炸弹.docx"},
	} {
		for _, path := range []string{"/api/v1/import/preview", "/api/v1/import"} {
			code, body := e.uploadForm(t, path, c.file, c.fields, nil)
			var msg struct{ Code, Message, RequestID string }
			json.Unmarshal([]byte(body), &msg)
			if code != c.code || !strings.Contains(msg.Message, c.want) || !hasHan(msg.Message) {
				t.Errorf("%s %s %v: %d %s, want %d %q", path, c.file, c.fields, code, body, c.code, c.want)
			}
		}
	}
	if n, _ := e.db.CountProposals(ctx); n != before {
		t.Errorf("refused uploads changed the store: %d proposals, %d before", n, before)
	}
	var page tian.BatchPage
	if code, _ := e.call(t, tian.RoleStaff, "GET", "/api/v1/imports", "", nil, &page); code != 200 || page.Total != 2 {
		t.Errorf("%d batches after two imports and refused ones", page.Total)
	}
}

// yearOf is the year of a canonical number (20250001: 2025).
func yearOf(number string) int {
	y := 0
	for _, c := range number[:min(4, len(number))] {
		y = y*10 + int(c-'0')
	}
	return y
}

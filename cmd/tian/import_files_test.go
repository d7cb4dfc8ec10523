package main

import (
	"bufio"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"tian"
)

// fixtures is the folder of files offices keep (go run ./sheet/testdata/gen).
var fixtures = filepath.Join("..", "..", "sheet", "testdata")

func exported(t *testing.T, dir string) map[string]tian.Proposal {
	t.Helper()
	out, _, err := runIn(t, dir, "export", "--format", "jsonl")
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]tian.Proposal{}
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var p tian.Proposal
		if err := json.Unmarshal(sc.Bytes(), &p); err != nil {
			t.Fatal(err)
		}
		m[p.Number] = p
	}
	return m
}

// A list workbook (both sheets) and then a folder of 50 Word forms import
// in two commands, with a report for each file; the list's units and the
// form's session meet in one proposal by number, and no empty cell of one
// file empties what the other filled.
func TestImportListThenFolderOfForms(t *testing.T) {
	dir := t.TempDir()
	out, _, err := runIn(t, dir, "import", "--sheet", "all", filepath.Join(fixtures, "提案立案情况一览表.xls"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "读取30行，新增30件") {
		t.Errorf("list import: %s", out)
	}
	out, _, err = runIn(t, dir, "import", filepath.Join(fixtures, "forms"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out, "已导入"); n != 50 || !strings.Contains(out, "共50个文件：导入50个，未导入0个") {
		t.Errorf("%d file reports:\n%s", n, out)
	}
	demo, err := tian.ReadDemo()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]*tian.Proposal{}
	for _, p := range demo {
		want[p.Number] = p
	}
	got := exported(t, dir)
	// the list's 30 and the forms' 50, of which 9 are in the list: the
	// first ten 2024 proposals are, but the tenth form has no number and
	// stays apart under a provisional one
	if len(got) != 30+50-9 {
		t.Errorf("%d proposals stored, want 71", len(got))
	}
	merged := 0
	for n, p := range got {
		d, ok := want[n]
		if !ok {
			if !strings.HasPrefix(n, "2024L") || p.Year != 2024 || p.Body == "" {
				t.Errorf("unexpected proposal %s: %+v", n, p)
			}
			continue
		}
		if p.Title != d.Title || p.Year != d.Year || p.Proposer != d.Proposer || p.Category != d.Category {
			t.Errorf("%s: %+v, want %+v", n, p, d)
		}
		if p.Year == 2024 && p.Body != d.Body {
			t.Errorf("%s: the form's text was not kept", n)
		}
		// the list's 2024 sheet has no 届次 and the forms no units
		if p.Year == 2024 && p.LeadUnit != "" && p.Session == "十四届二次" {
			merged++
			if p.LeadUnit != d.LeadUnit || strings.Join(p.CoUnits, "、") != strings.Join(d.CoUnits, "、") || p.Sector != d.Sector {
				t.Errorf("%s: units %s %v sector %q, want %s %v %q", n, p.LeadUnit, p.CoUnits, p.Sector, d.LeadUnit, d.CoUnits, d.Sector)
			}
		}
	}
	if merged != 9 {
		t.Errorf("%d proposals hold both the list's units and the form's text, want 9", merged)
	}
	// importing the folder again changes nothing: provisional numbers are stable
	out, _, err = runIn(t, dir, "import", "--json", filepath.Join(fixtures, "forms"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(out, `"unchanged":1`) != 50 {
		t.Errorf("re-import changed something:\n%s", out)
	}
}

// A folder of files that cannot be read: each is named with a Chinese
// reason, none is half imported, and the command fails.
func TestImportFolderOfBadFiles(t *testing.T) {
	dir := t.TempDir()
	_, stderr, err := runIn(t, dir, "import", filepath.Join(fixtures, "bad"))
	if err == nil || !strings.Contains(err.Error(), "4个文件未导入") {
		t.Fatalf("err = %v", err)
	}
	for _, want := range []string{"加密的一览表.xlsx：文件设有打开密码", "旧版提案表.doc：这是旧版 Word 文档（.doc）",
		"损坏的提案表.docx：不是有效的 Word 文档（.docx）", "压缩炸弹.docx：其中 word/document.xml 解压后有 64 MB"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if got := exported(t, dir); len(got) != 0 {
		t.Errorf("%d proposals stored from bad files", len(got))
	}
	if _, _, err := runIn(t, dir, "import", "--session", "明年", filepath.Join(fixtures, "提案选编.docx")); err == nil ||
		!strings.Contains(err.Error(), "届次 \"明年\" 无法识别") {
		t.Errorf("--session 明年: %v", err)
	}
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"tian"
	"tian/internal/shareddata"
	"tian/internal/slowtest"
)

// runIn runs the CLI on a data directory.
func runIn(t *testing.T, dir string, args ...string) (string, string, error) {
	t.Helper()
	return runMain(t, "", append([]string{"--data", dir, "--actor", "test"}, args...)...)
}

// freshDemoDir is a new data directory holding the demo corpus, for tests
// that change it: a copy of the shared one (copying is far quicker than
// importing and indexing the corpus again, more so under -race).
func freshDemoDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := copyTree(demoDir(t), dir); err != nil {
		t.Fatalf("copying the demo data directory: %v", err)
	}
	return dir
}

func loadDemo(t *testing.T, dir string) {
	t.Helper()
	out, _, err := runIn(t, dir, "demo")
	if err != nil || !strings.Contains(out, "提案") {
		t.Fatalf("tian demo: %q, %v", out, err)
	}
}

var (
	sharedDemoOnce sync.Once
	sharedDemo     string
)

// demoDir is one demo data directory shared by the tests that only read
// it (loading the corpus and building the index takes seconds under -race).
func demoDir(t *testing.T) string {
	t.Helper()
	sharedDemoOnce.Do(func() {
		dir, err := os.MkdirTemp("", "tian-cmd-test-")
		if err != nil {
			t.Fatal(err)
		}
		loadDemo(t, dir)
		sharedDemo = dir
	})
	if sharedDemo == "" {
		t.Fatal("the shared demo directory failed to load")
	}
	return sharedDemo
}

// sharedDirs are data directories that outlive one test (the shared
// service's), removed when the tests end.
var sharedDirs []string

func TestMain(m *testing.M) {
	if os.Getenv(runAsTian) == "1" {
		// a child the test started through os.Executable (tian bench
		// starting tian serve): the test binary acts as tian
		main()
		os.Exit(0)
	}
	code := m.Run()
	if shared.s != nil {
		shared.s.stop()
	}
	if sharedDemo != "" {
		os.RemoveAll(sharedDemo)
	}
	for _, d := range sharedDirs {
		os.RemoveAll(d)
	}
	os.Exit(code)
}

func TestDemoLoadsOnceAndStatsReports(t *testing.T) {
	dir := demoDir(t)
	if out, _, err := runIn(t, dir, "demo"); err != nil || !strings.Contains(out, "中已有提案，未载入演示数据") {
		t.Errorf("second tian demo: %q, %v", out, err)
	}
	out, _, err := runIn(t, dir, "stats", "--year", "2024")
	if err != nil {
		t.Fatal(err)
	}
	para := strings.SplitN(out, "\n", 2)[0]
	for _, want := range []string{"2024年全年共收到提案", "经审查立案", "立案率", "立案提案中，委员提案", "集体提案",
		"经济建设类提案", "社会建设类提案", "生态文明建设类提案", "主办件数较多的承办单位是", "委员关注的热点集中在"} {
		if !strings.Contains(para, want) {
			t.Errorf("report paragraph lacks %q:\n%s", want, para)
		}
	}
	out, _, err = runIn(t, dir, "stats", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var s tian.Stats
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatal(err)
	}
	corpus := countCorpus(t)
	if s.Received != corpus.received || s.Filed != corpus.filed || s.Members+s.Collective != s.Filed {
		t.Errorf("stats received %d filed %d (members %d, collective %d); the corpus has %d and %d",
			s.Received, s.Filed, s.Members, s.Collective, corpus.received, corpus.filed)
	}
	shares := 0.0
	for _, c := range s.Categories {
		shares += c.Share
	}
	if len(s.Categories) != 5 || shares < 99.9 || shares > 100.1 {
		t.Errorf("categories %+v: want five whose shares add up to 100%%", s.Categories)
	}
}

type corpusCount struct{ received, filed int }

func countCorpus(t *testing.T) corpusCount {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "proposals.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	var c corpusCount
	for _, line := range bytes.Split(bytes.TrimSpace(b), []byte("\n")) {
		var p tian.Proposal
		if err := json.Unmarshal(line, &p); err != nil {
			t.Fatal(err)
		}
		c.received++
		if p.Filed() {
			c.filed++
		}
	}
	return c
}

// Export then import is lossless in every format: into the same store it
// changes nothing, into an empty store it rebuilds the same proposals.
// A year's export re-imports unchanged, and imported into an empty
// directory exports back equal (one year keeps the test quick; every row
// goes through the same code). The slow gates (.ci/run) run every format
// and re-import the whole archive.
func TestExportImportRoundTrip(t *testing.T) {
	dir := demoDir(t)
	want, _, err := runIn(t, dir, "export", "--format", "jsonl", "--year", "2023")
	if err != nil {
		t.Fatal(err)
	}
	yearRows := strings.Count(want, "\n")
	formats := []string{"xlsx", "csv", "jsonl"}
	whole := slowtest.Enabled()
	if !whole {
		// the richest format only, and one year of it
		formats = formats[:1]
	}
	for _, format := range formats {
		t.Run(format, func(t *testing.T) {
			year := filepath.Join(t.TempDir(), "2023."+format)
			if _, _, err := runIn(t, dir, "export", "--format", format, "--year", "2023", "--out", year); err != nil {
				t.Fatal(err)
			}
			file, minRows := year, yearRows
			if whole {
				file, minRows = filepath.Join(t.TempDir(), "all."+format), 1500
				if _, _, err := runIn(t, dir, "export", "--format", format, "--out", file); err != nil {
					t.Fatal(err)
				}
			}
			out, _, err := runIn(t, dir, "import", "--json", file)
			if err != nil {
				t.Fatal(err)
			}
			var rep tian.ImportReport
			json.Unmarshal([]byte(out), &rep)
			if rep.Unchanged != rep.Rows || rep.Rows < minRows || yearRows < 300 {
				t.Errorf("re-importing the %s export: %+v, want every row (at least %d) unchanged", format, rep, minRows)
			}
			fresh := t.TempDir()
			if _, _, err := runIn(t, fresh, "import", year); err != nil {
				t.Fatal(err)
			}
			got, _, err := runIn(t, fresh, "export", "--format", "jsonl")
			if err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("export → import → export through %s changed the proposals", format)
			}
		})
	}
	out, _, err := runIn(t, dir, "export", "--format", "jsonl", "--year", "2023", "--category", "文化建设")
	if err != nil {
		t.Fatal(err)
	}
	n := strings.Count(out, "\n")
	if n == 0 || strings.Count(out, `"year":2023`) != n || strings.Count(out, `"category":"文化建设"`) != n {
		t.Errorf("filtered export has %d lines not all of 2023 and 文化建设", n)
	}
}

func TestImportStrictAndErrorsNameFileRowColumn(t *testing.T) {
	dir := freshDemoDir(t)
	csv := "提案号,年度,标题,内容,类别,主办单位\n" +
		"20260001,2026,关于城南区增设公交线路的提案,城南区大学城公交线路少。,社会建设,市交通运输局\n" +
		"20260002,2026,关于推进古城夜游的提案,府学街夜游项目单一。,文化建设,市文旅厅\n" +
		"20260003,二〇二六,关于加强湿地保护的提案,东湖湿地公园鸟类减少。,生态文明建设,市园林和林业局\n"
	file := filepath.Join(t.TempDir(), "2026.csv")
	os.WriteFile(file, []byte(csv), 0o644)
	_, stderr, err := runIn(t, dir, "import", "--strict", file)
	if err == nil {
		t.Fatal("a strict import with bad rows succeeded")
	}
	for _, want := range []string{"2026.csv：第3行，主办单位（第6列）：未知单位“市文旅厅”", "市文化和旅游局",
		"2026.csv：第4行，年度（第2列）"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("errors lack %q:\n%s", want, stderr)
		}
	}
	if out, _, _ := runIn(t, dir, "export", "--format", "jsonl", "--year", "2026"); out != "" {
		t.Errorf("--strict imported rows from a bad file: %q", out)
	}
	stdout, _, err := runIn(t, dir, "import", file)
	if err == nil || !strings.Contains(stdout, "新增1件") || !strings.Contains(stdout, "拒收2行") {
		t.Errorf("non-strict import: %q, %v; want the good row in and two rejected", stdout, err)
	}
}

// The real files of ../shared/data import whole with the usual headers or
// a mapping; importing twice changes nothing.
func TestImportRealFiles(t *testing.T) {
	slowtest.Gate(t)
	data := shareddata.Root()
	shareddata.Path(t, ".")
	dir := t.TempDir()
	sheet4 := filepath.Join(data, "teddycup2020c", "full", "full_dataset_sheet_4.xlsx")
	for round := 1; round <= 2; round++ {
		out, _, err := runIn(t, dir, "import", "--json", sheet4)
		if err != nil {
			t.Fatal(err)
		}
		var rep tian.ImportReport
		json.Unmarshal([]byte(out), &rep)
		if rep.Rows != 2816 || rep.Rejected != 0 || (round == 2 && rep.Unchanged != 2816) {
			t.Errorf("round %d: %+v", round, rep)
		}
	}
	db, err := NewMainWithData(dir).Store(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := db.CountProposals(context.Background()); n != 2816 {
		t.Errorf("%d proposals after importing full_dataset_sheet_4.xlsx twice, want 2816", n)
	}
	db.Close()

	gas := filepath.Join(data, "liuyan-gas", "all_pages_location.csv")
	out, _, err := runIn(t, t.TempDir(), "import", "--json", "--map", "body=replyContentMain", "--map", "submitted=replyDate",
		"--map", "reply=handleContent", "--map", "reply_date=handleTime", "--map", "category=typeNameD", gas)
	if err != nil {
		t.Fatal(err)
	}
	var rep tian.ImportReport
	json.Unmarshal([]byte(out), &rep)
	if rep.Rows != 1050 || rep.Inserted != 1050 {
		t.Errorf("liuyan-gas: %+v, want all 1050 rows", rep)
	}
}

// NewMainWithData returns a Main on a data directory, for tests that look
// into the store directly.
func NewMainWithData(dir string) *Main {
	m := NewMain()
	m.DataDir = dir
	return m
}

// A 10 MB cell is refused with the row and column named, and under
// --strict the file is refused whole; memory stays bounded by the file.
func TestImportHugeCellAndWrongEncoding(t *testing.T) {
	dir := t.TempDir()
	huge := strings.Repeat("长", 10<<20/3)
	csv := "提案号,标题,内容\n20260101,关于正常提案的提案,内容正常。\n20260102,关于超长提案的提案," + huge + "\n"
	file := filepath.Join(t.TempDir(), "huge.csv")
	os.WriteFile(file, []byte(csv), 0o644)
	_, stderr, err := runIn(t, dir, "import", "--strict", file)
	if err == nil || !strings.Contains(stderr, "huge.csv：第3行，内容（第3列）：内容有") {
		t.Errorf("huge cell: err %v, stderr %q", err, stderr)
	}
	if out, _, _ := runIn(t, dir, "export", "--format", "jsonl"); out != "" {
		t.Error("--strict imported part of a file with a huge cell")
	}
	latin := filepath.Join(t.TempDir(), "latin1.csv")
	os.WriteFile(latin, []byte("\xcc\xe1\xb0\xb8\xba\xc5,title\n1,\xff\xfe\xfd\n"), 0o644)
	if _, _, err := runIn(t, dir, "import", latin); err == nil || !strings.Contains(err.Error(), "latin1.csv") ||
		!strings.Contains(err.Error(), "既不是 UTF-8 也不是 GB18030") {
		t.Errorf("wrong encoding: err = %v", err)
	}
}

func TestSearchSimilarGroupCommands(t *testing.T) {
	dir := demoDir(t)
	out, _, err := runIn(t, dir, "search", "加装电梯", "--year", "2021", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var res tian.SearchResult
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	if res.Total == 0 || res.Hits[0].Year != 2021 || !strings.Contains(res.Hits[0].TitleHTML+res.Hits[0].Snippet, "<mark>加装电梯</mark>") {
		t.Errorf("search: %+v", res)
	}
	for _, f := range res.Facets["lead_unit"] {
		if f.Name == "" {
			t.Error("the lead-unit facet counts proposals without a lead unit as a unit")
		}
	}
	out, _, err = runIn(t, dir, "similar", "20210205", "--k", "3")
	if err != nil || !strings.Contains(out, "重复提交  20220205") || !strings.Contains(out, "与2022年第20220205号提案基本相同") || !strings.Contains(out, "本件：") {
		t.Errorf("similar 20210205: %q, %v; want its resubmission 20220205 flagged", out, err)
	}
	// the year's 查重 finds the same resubmission from the other side
	out, _, err = runIn(t, dir, "duplicates", "--year", "2022", "--lookback", "1")
	if err != nil || !strings.Contains(out, "重复提交  20220205") || !strings.Contains(out, "与2021年第20210205号提案基本相同") ||
		!strings.Contains(out, "比较 2021–2022 年的提案") || !strings.Contains(out, "本件：") {
		t.Errorf("duplicates --year 2022: %q, %v; want 20220205 flagged as resubmitting 20210205", out, err)
	}
	out, _, err = runIn(t, dir, "duplicates", "--year", "2022", "--format", "json")
	var rep tian.DuplicateReport
	if err != nil || json.Unmarshal([]byte(out), &rep) != nil || rep.FromYear != 2020 || len(rep.Pairs) == 0 {
		t.Errorf("duplicates --format json: %+v, %v", rep, err)
	}
	for _, bad := range [][]string{{"duplicates"}, {"duplicates", "--year", "2022", "--lookback", "0"}, {"duplicates", "--year", "2022", "--format", "pdf"}} {
		if _, _, err := runIn(t, dir, bad...); tian.ErrorCode(err) != tian.EINVALID {
			t.Errorf("%v: err = %v", bad, err)
		}
	}
	file := filepath.Join(t.TempDir(), "groups.xlsx")
	if _, _, err := runIn(t, dir, "group", "--year", "2024", "--format", "xlsx", "--out", file); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(file); err != nil || st.Size() < 2000 {
		t.Errorf("groups workbook: %v", err)
	}
	out, _, err = runIn(t, dir, "group", "--year", "2024", "--format", "json")
	var groups []tian.Group
	if err != nil || json.Unmarshal([]byte(out), &groups) != nil || len(groups) < 10 {
		t.Errorf("group --format json: %d groups, %v", len(groups), err)
	}
	if _, _, err := runIn(t, dir, "search", "养老", "--size", "1000"); tian.ErrorCode(err) != tian.EINVALID {
		t.Errorf("oversized page: err = %v", err)
	}
	out, _, err = runIn(t, dir, "reindex")
	if err != nil || !strings.Contains(out, "已索引提案 1570 件") {
		t.Errorf("reindex: %q, %v", out, err)
	}
}

// The embedded default models are what `tian train --corpus` makes now.
func TestEmbeddedModelsAreFresh(t *testing.T) {
	slowtest.Gate(t)
	dir := t.TempDir()
	if _, _, err := runIn(t, t.TempDir(), "train", "--corpus", "--out", dir); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(filepath.Join("..", "..", "models", "trained"))
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, e := range entries {
		if e.Name() == "README.md" {
			continue
		}
		want, _ := os.ReadFile(filepath.Join("..", "..", "models", "trained", e.Name()))
		got, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("models/trained/%s is stale: run go run ./cmd/tian train --corpus --out models/trained", e.Name())
		}
		checked++
	}
	if checked == 0 {
		t.Error("no embedded model to check")
	}
}

func TestClassifyCommand(t *testing.T) {
	out, _, err := runMain(t, "", "--data", t.TempDir(), "classify", "--json",
		"关于加快发展社区嵌入式养老服务的提案\n城东区近四成社区没有养老服务站点，建议建设嵌入式养老服务设施。")
	if err != nil {
		t.Fatal(err)
	}
	var s tian.Suggestion
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatal(err)
	}
	if s.Labels[0].Label != "社会建设" || s.Uncertain || len(s.Evidence) == 0 || !strings.HasPrefix(s.Model, "category-") {
		t.Errorf("classify: %+v", s)
	}
}

func TestRouteCommand(t *testing.T) {
	dir := demoDir(t)
	out, _, err := runIn(t, dir, "route", "--json", "关于整治城北区城中村消防通道堵塞问题的提案\n城北区几个城中村巷道狭窄，电动车和杂物堵塞消防通道，建议城北区组织清理并加强执法。")
	if err != nil {
		t.Fatal(err)
	}
	var r tian.Routing
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Lead) != 3 || r.Lead[0].Unit != "城北区人民政府" || len(r.Lead[0].Cases) == 0 || !strings.HasPrefix(r.Model, "router-") {
		t.Errorf("route: %+v", r)
	}
	if _, _, err := runIn(t, dir, "route", "  "); tian.ErrorCode(err) != tian.EINVALID {
		t.Errorf("empty text: err = %v", err)
	}
}

// tian train retrains from the store with reviewers' feedback into the
// data directory, and the commands serve the new models from then on.
func TestTrainFromStoreWithFeedback(t *testing.T) {
	slowtest.Gate(t)
	dir := freshDemoDir(t)
	ctx := context.Background()
	m := NewMainWithData(dir)
	db, err := m.Store(ctx)
	if err != nil {
		t.Fatal(err)
	}
	db.AddFeedback(ctx, tian.Feedback{Kind: "category", Text: "关于规范网约车聚合平台抽成比例的提案", Chosen: "经济建设", Actor: "test"})
	m.Close()
	out, _, err := runIn(t, dir, "train", "--models", "category")
	if err != nil || !strings.Contains(out, "类别模型 category-") || strings.Contains(out, "承办单位模型") {
		t.Fatalf("train: %q, %v", out, err)
	}
	for _, name := range []string{"category.model"} {
		if _, err := os.Stat(filepath.Join(dir, "models", name)); err != nil {
			t.Errorf("train wrote no %s: %v", name, err)
		}
	}
	embedded, _, _ := runMain(t, "", "--data", t.TempDir(), "classify", "--json", "关于加快发展社区嵌入式养老服务的提案")
	trained, _, _ := runIn(t, dir, "classify", "--json", "关于加快发展社区嵌入式养老服务的提案")
	var a, b tian.Suggestion
	json.Unmarshal([]byte(embedded), &a)
	json.Unmarshal([]byte(trained), &b)
	if a.Model == "" || a.Model == b.Model {
		t.Errorf("the data directory's model (%s) should replace the embedded one (%s) after training with feedback", b.Model, a.Model)
	}
}

// A backup taken while the store is open restores into a fresh data
// directory with everything: proposals, units, feedback, tokens, audit,
// models, and a rebuilt index that finds the same.
func TestBackupRestore(t *testing.T) {
	dir := freshDemoDir(t)
	ctx := context.Background()
	m := NewMainWithData(dir)
	db, err := m.Store(ctx)
	if err != nil {
		t.Fatal(err)
	}
	db.AddFeedback(ctx, tian.Feedback{Number: "20210205", Kind: "lead_unit", Suggested: "市住房和城乡建设局", Chosen: "城东区人民政府", Actor: "test"})
	db.CreateToken(ctx, "王科长", tian.RoleStaff, "test")
	os.MkdirAll(filepath.Join(dir, "models"), 0o750)
	os.WriteFile(filepath.Join(dir, "models", "notes.txt"), []byte("trained 2026-11-25"), 0o640)
	want, _ := db.Counts(ctx)
	m.Close()

	backup := filepath.Join(t.TempDir(), "b1")
	if out, _, err := runIn(t, dir, "backup", backup); err != nil || !strings.Contains(out, "提案 1570 件") {
		t.Fatalf("backup: %q, %v", out, err)
	}
	if _, _, err := runIn(t, dir, "backup", backup); tian.ErrorCode(err) != tian.ECONFLICT {
		t.Errorf("backup over a backup: err = %v", err)
	}
	fresh := filepath.Join(t.TempDir(), "restored")
	if out, _, err := runIn(t, fresh, "restore", backup); err != nil || !strings.Contains(out, "索引提案 1570 件") {
		t.Fatalf("restore: %q, %v", out, err)
	}
	if _, _, err := runIn(t, fresh, "restore", backup); tian.ErrorCode(err) != tian.ECONFLICT {
		t.Errorf("restore over a database: err = %v", err)
	}
	r := NewMainWithData(fresh)
	defer r.Close()
	rdb, _ := r.Store(ctx)
	got, _ := rdb.Counts(ctx)
	for table, n := range want {
		if got[table] < n || (table != "audit" && got[table] != n) {
			t.Errorf("%s: %d rows restored, %d backed up", table, got[table], n)
		}
	}
	a, _, _ := runIn(t, dir, "export", "--format", "jsonl")
	b, _, _ := runIn(t, fresh, "export", "--format", "jsonl")
	if a != b {
		t.Error("the restored proposals differ from the original's")
	}
	if model, err := os.ReadFile(filepath.Join(fresh, "models", "notes.txt")); err != nil || string(model) != "trained 2026-11-25" {
		t.Errorf("models not restored: %q %v", model, err)
	}
	sa, _, _ := runIn(t, dir, "search", "加装电梯", "--json")
	sb, _, _ := runIn(t, fresh, "search", "加装电梯", "--json")
	var ra, rb tian.SearchResult
	json.Unmarshal([]byte(sa), &ra)
	json.Unmarshal([]byte(sb), &rb)
	if ra.Total == 0 || ra.Total != rb.Total {
		t.Errorf("search finds %d in the original, %d in the restored", ra.Total, rb.Total)
	}
}

package office_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"tian"
	"tian/index"
	"tian/office"
	"tian/segment"
	"tian/sqlite"
)

// shared is one Office over a real store and index holding the demo
// corpus, made once for the package's tests (building the index of 1,570
// proposals is the slow part); tests change disjoint things in it.
var shared struct {
	once sync.Once
	o    *office.Office
	db   *sqlite.DB
	ix   *index.Index
	seg  *segment.Segmenter
	dir  string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.dir != "" {
		os.RemoveAll(shared.dir)
	}
	os.Exit(code)
}

func newOffice(t *testing.T) (*office.Office, *sqlite.DB, string) {
	t.Helper()
	shared.once.Do(func() { shared.o, shared.db, shared.dir, shared.err = open() })
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return shared.o, shared.db, shared.dir
}

func open() (*office.Office, *sqlite.DB, string, error) {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "tian-office-")
	if err != nil {
		return nil, nil, "", err
	}
	seg, err := filingSeg()
	if err != nil {
		return nil, nil, dir, err
	}
	db, err := sqlite.Open(ctx, dir)
	if err != nil {
		return nil, nil, dir, err
	}
	if _, err := office.LoadDemo(ctx, db); err != nil {
		return nil, nil, dir, err
	}
	ix, err := index.Open(ctx, dir, db, seg)
	if err != nil {
		return nil, nil, dir, err
	}
	shared.ix, shared.seg = ix, seg
	return office.New(office.Config{DataDir: dir, Store: db, Index: ix, Segmenter: seg}), db, dir, nil
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// One import path for the CLI and the service: a file with only four
// columns updates a proposal's title and keeps everything else, the report
// says which header went to which field, and search finds the new title.
func TestImportKeepsAbsentFieldsAndReportsMapping(t *testing.T) {
	o, db, _ := newOffice(t)
	ctx := context.Background()
	before, err := db.Proposal(ctx, "20210103")
	if err != nil {
		t.Fatal(err)
	}
	path := writeFile(t, "更正.csv", "提案号,标题,内容,年度\n20210103,关于优化城东区公交微循环线路的提案,"+before.Body+",2021\n")
	rep, err := o.Import(ctx, tian.FileImport{Path: path, Name: "更正.csv", Actor: "test"})
	if err != nil || rep.Updated != 1 || !rep.Committed {
		t.Fatalf("import: %+v, %v", rep, err)
	}
	var fields []string
	for _, m := range rep.Mapping {
		fields = append(fields, m.Field)
	}
	if !slices.Equal(fields, []string{"number", "title", "body", "year"}) {
		t.Errorf("mapping %+v", rep.Mapping)
	}
	after, _ := db.Proposal(ctx, "20210103")
	if after.Title != "关于优化城东区公交微循环线路的提案" || after.Category != before.Category || after.LeadUnit != before.LeadUnit ||
		after.Reply != before.Reply || after.Status != before.Status || after.Proposer != before.Proposer {
		t.Errorf("fields the file lacked changed:\nbefore %+v\nafter  %+v", before, after)
	}
	res, err := o.IndexStatus(ctx), error(nil)
	if res.Behind != 0 || err != nil {
		t.Errorf("the index is behind after an import: %+v", res)
	}
}

// Statistics carry the hot topics the CLI prints, for the 统计 page too.
func TestStatsHaveHotTopics(t *testing.T) {
	o, _, _ := newOffice(t)
	s, err := o.Stats(context.Background(), 2023)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Topics) == 0 || !strings.Contains(s.Report(), "热点") && len(s.Topics[0].Name) == 0 {
		t.Errorf("2023 has no hot topics: %+v", s.Topics)
	}
	for _, tp := range s.Topics {
		if slices.Contains([]string{"建议", "加强", "推进", "建设", "完善", "加快"}, tp.Name) {
			t.Errorf("a word every proposal uses is a hot topic: %q", tp.Name)
		}
	}
}

// A backup's MANIFEST counts the copy, and the copy restores.
func TestBackupAndRestoreFiles(t *testing.T) {
	o, db, _ := newOffice(t)
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "备份")
	count := func(ctx context.Context, path string) (map[string]int, error) {
		b, err := sqlite.OpenReadOnly(ctx, path)
		if err != nil {
			return nil, err
		}
		defer b.Close()
		return b.Counts(ctx)
	}
	// the committee's dictionary is in the database, so in the backup
	if _, err := db.DecideWords(ctx, []tian.Word{{Word: "推进城", Status: tian.WordRejected}}, "test"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.ForgetWord(ctx, "推进城", "test") })
	res, err := o.Backup(ctx, dir, count, func() {
		// written to the live store after the copy: not in the backup
		db.AddFeedback(ctx, tian.Feedback{Number: "20210103", Kind: "category", Chosen: "社会建设", Actor: "test"})
	})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "MANIFEST.json"))
	var manifest struct{ Counts map[string]int }
	json.Unmarshal(b, &manifest)
	n, _ := db.CountProposals(ctx)
	if manifest.Counts["proposals"] != n || manifest.Counts["feedback"] != 0 || res.Counts["proposals"] != n || manifest.Counts["words"] != 1 {
		t.Errorf("MANIFEST counts %v, want %d proposals, no feedback and 1 word", manifest.Counts, n)
	}
	to := filepath.Join(t.TempDir(), "恢复")
	if err := office.RestoreFiles(dir, to); err != nil {
		t.Fatal(err)
	}
	if err := office.RestoreFiles(dir, to); tian.ErrorCode(err) != tian.ECONFLICT {
		t.Errorf("restoring over a database: %v", err)
	}
	if err := office.RestoreFiles(t.TempDir(), filepath.Join(t.TempDir(), "x")); tian.ErrorCode(err) != tian.EINVALID {
		t.Errorf("restoring from a folder that is no backup: %v", err)
	}
}

// Suggestions come from the embedded models until the data directory has
// its own; routing without a category routes by the suggested one.
func TestSuggestionsAndVersions(t *testing.T) {
	o, _, _ := newOffice(t)
	ctx := context.Background()
	sg, err := o.Classify(ctx, "关于加快发展社区嵌入式养老服务的提案", "城东区近四成社区没有养老服务站点，助餐、助浴需求大。", 3)
	if err != nil || sg.Labels[0].Label != "社会建设" {
		t.Fatalf("classify: %+v %v", sg, err)
	}
	rt, err := o.Route(ctx, tian.RouteRequest{Title: "关于加快发展社区嵌入式养老服务的提案", Body: "城东区近四成社区没有养老服务站点。", K: 3})
	// a unit appears once: as a lead candidate or as a co-handler
	var units []string
	for _, u := range append(rt.Lead, rt.Co...) {
		units = append(units, u.Unit)
	}
	if err != nil || !slices.Contains(units, "市民政局") || len(slices.Compact(slices.Sorted(slices.Values(units)))) != len(units) {
		t.Errorf("route: %+v %v", rt, err)
	}
	if v := o.Versions(); v["category"] == "" || v["router"] == "" {
		t.Errorf("versions after use: %v", v)
	}
}

package sqlite_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"tian"
	"tian/sqlite"
)

// demoDB is a store holding the whole demo corpus, with two categories
// that have codes of their own: a copy of one made once for the package
// (importing 1,570 proposals takes seconds under -race; copying a file
// does not), so that each test may change its own.
func demoDB(t *testing.T) *sqlite.DB {
	t.Helper()
	template, err := demoTemplate()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	b, err := os.ReadFile(filepath.Join(template, sqlite.FileName))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, sqlite.FileName), b, 0o600); err != nil {
		t.Fatal(err)
	}
	db := openAt(t, dir)
	t.Cleanup(func() { db.Close() })
	return db
}

// demoTemplate builds the demo store once, closed (so its file holds
// everything), in a folder removed when the package's tests end.
var demoTemplate = sync.OnceValues(func() (string, error) {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "tian-sqlite-demo-")
	if err != nil {
		return "", err
	}
	templateDirs = append(templateDirs, dir)
	db, err := sqlite.Open(ctx, dir)
	if err != nil {
		return "", err
	}
	defer db.Close()
	cats := []tian.Category{{Code: "social", Name: "社会建设"}, {Code: "economic", Name: "经济建设"}}
	if err := db.ImportCategories(ctx, cats, "test"); err != nil {
		return "", err
	}
	all, err := readDemo()
	if err != nil {
		return "", err
	}
	recs := make([]tian.Record, len(all))
	for i, p := range all {
		recs[i] = rec(i+2, *p)
	}
	rep, err := db.ImportProposals(ctx, recs, tian.ImportOptions{NewUnits: true, Actor: "test"})
	if err != nil {
		return "", err
	}
	if rep.Rejected != 0 {
		return "", fmt.Errorf("demo import rejected %d rows: %v", rep.Rejected, rep.Errors)
	}
	return dir, db.Close()
})

// templateDirs are removed by TestMain.
var templateDirs []string

func TestMain(m *testing.M) {
	code := m.Run()
	for _, d := range templateDirs {
		os.RemoveAll(d)
	}
	os.Exit(code)
}

func numbers(ps []*tian.Proposal) string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Number)
	}
	return "[" + strings.Join(out, " ") + "]"
}

// A page is JSON with lists, never null: the proposals of an empty page,
// the co-handling units of a proposal that has none.
func TestListProposalsJSONHasNoNull(t *testing.T) {
	ctx := context.Background()
	db := demoDB(t)
	empty, err := db.ListProposals(ctx, tian.ProposalFilter{Year: 2023}, 10_000, 50)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(empty)
	if want := `{"total":341,"offset":10000,"proposals":[]}`; string(b) != want {
		t.Errorf("page past the end = %s, want %s", b, want)
	}
	all, err := db.ListProposals(ctx, tian.ProposalFilter{}, 0, 500)
	if err != nil {
		t.Fatal(err)
	}
	var without *tian.Proposal
	for _, p := range all.Proposals {
		if len(p.CoUnits) == 0 {
			without = p
			break
		}
	}
	if without == nil {
		t.Fatal("no proposal without co-handling units on the first page")
	}
	b, _ = json.Marshal(without)
	if !strings.Contains(string(b), `"co_units":[]`) {
		t.Errorf("proposal %s without co-handling units: %s, want \"co_units\":[]", without.Number, b)
	}
}

func TestListProposalsRefusesBadPages(t *testing.T) {
	db := openDB(t)
	for _, ol := range [][2]int{{-1, 10}, {0, 0}, {0, -5}, {0, 501}} {
		_, err := db.ListProposals(context.Background(), tian.ProposalFilter{}, ol[0], ol[1])
		wantCode(t, fmt.Sprintf("offset %d, limit %d", ol[0], ol[1]), err, tian.EINVALID)
	}
}

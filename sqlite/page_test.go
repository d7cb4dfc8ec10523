package sqlite_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
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

// ListProposals gives what Proposals gives, sliced, for every filter,
// offset and limit, and the size of the whole selection.
func TestListProposalsIsProposalsSliced(t *testing.T) {
	ctx := context.Background()
	db := demoDB(t)
	filters := []tian.ProposalFilter{
		{},
		{Year: 2023},
		{Category: "社会建设"},
		{Category: "social"}, // by code
		{Category: "生态文明建设"}, // code = name, learnt from the data
		{Year: 2024, Category: "economic"},
		{Numbers: []string{"20250101", "20210205", "20230333", "99999999"}},
		{Year: 2022, Numbers: []string{"20220101", "20210205", "20220150"}},
		{Year: 1999},
		{Category: "没有这个类别"},
	}
	for _, f := range filters {
		want, err := db.Proposals(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		n := len(want)
		for _, ol := range [][2]int{{0, 1}, {0, 50}, {0, 500}, {7, 13}, {n / 2, 50}, {max(n-3, 0), 10}, {n, 10}, {n + 100, 500}} {
			offset, limit := ol[0], ol[1]
			t.Run(fmt.Sprintf("%+v/offset=%d,limit=%d", f, offset, limit), func(t *testing.T) {
				got, err := db.ListProposals(ctx, f, offset, limit)
				if err != nil {
					t.Fatal(err)
				}
				if got.Total != n || got.Offset != offset {
					t.Errorf("total, offset = %d, %d; want %d, %d", got.Total, got.Offset, n, offset)
				}
				page := want[min(offset, n):min(offset+limit, n)]
				if got.Proposals == nil {
					t.Fatal("Proposals is nil: JSON would say null, not []")
				}
				if len(page) == 0 && len(got.Proposals) == 0 {
					return
				}
				if !reflect.DeepEqual(got.Proposals, page) {
					t.Errorf("page differs from Proposals sliced: got %s, want %s", numbers(got.Proposals), numbers(page))
				}
			})
		}
	}
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

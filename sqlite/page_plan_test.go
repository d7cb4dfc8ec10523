package sqlite

import (
	"context"
	"strings"
	"testing"

	"tian"
)

// plan returns SQLite's EXPLAIN QUERY PLAN of query, one step a line.
func plan(t *testing.T, db *DB, query string, args ...any) string {
	t.Helper()
	rows, err := db.db.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(lines, "\n")
}

// Neither the count nor the page of a selection reads proposal rows to
// skip them: both walk one covering index, in number order (no sort),
// and only the page's rows are read, by id.
func TestListProposalsPlans(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.ImportCategories(ctx, []tian.Category{{Code: "social", Name: "社会建设"}}, "test"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		f     tian.ProposalFilter
		index string // the page's ids come from it
	}{
		{tian.ProposalFilter{}, "sqlite_autoindex_proposals_1"}, // UNIQUE(number)
		{tian.ProposalFilter{Year: 2024}, "proposals_year_number"},
		{tian.ProposalFilter{Category: "社会建设"}, "proposals_category_number"},
		{tian.ProposalFilter{Year: 2024, Category: "social"}, "proposals_year_category_number"},
		{tian.ProposalFilter{Numbers: []string{"20240001", "20230002"}}, "sqlite_autoindex_proposals_1"},
	} {
		s, err := selectionOf(ctx, db.db, tc.f)
		if err != nil {
			t.Fatal(err)
		}
		count := plan(t, db, s.countQuery(), s.args...)
		if !strings.Contains(count, "USING COVERING INDEX") || strings.Contains(count, "TEMP B-TREE") {
			t.Errorf("%+v: the count reads rows or sorts:\n%s", tc.f, count)
		}
		for _, desc := range []bool{false, true} {
			page := plan(t, db, s.pageQuery(desc), append(s.args, 50, 74_950)...)
			checkPagePlan(t, tc.f, tc.index, page)
			t.Logf("%+v, desc %v\ncount:\n%s\npage:\n%s", tc.f, desc, count, page)
		}
	}
}

// checkPagePlan fails unless the page takes its ids from index in order
// and then reads the rows by id.
func checkPagePlan(t *testing.T, f tian.ProposalFilter, index, page string) {
	t.Helper()
	inner := "USING COVERING INDEX " + index
	if !strings.Contains(page, inner) || strings.Contains(page, "TEMP B-TREE") ||
		!strings.Contains(page, "SEARCH p USING INTEGER PRIMARY KEY") {
		t.Errorf("%+v: the page should take its ids from %s in order and then read rows by id:\n%s", f, inner, page)
	}
	for _, line := range strings.Split(page, "\n") {
		if (line == "SCAN p" || strings.HasPrefix(line, "SCAN p ")) && !strings.Contains(line, "COVERING INDEX") {
			t.Errorf("%+v: the page scans the table:\n%s", f, page)
		}
	}
}

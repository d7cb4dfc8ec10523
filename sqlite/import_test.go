package sqlite_test

import (
	"context"
	"reflect"
	"sync"
	"testing"

	"tian"
	"tian/sqlite"
)

var readDemo = sync.OnceValues(tian.ReadDemo)

// demo returns copies of the demo corpus's proposals with these numbers.
func demo(t testing.TB, numbers ...string) []tian.Proposal {
	t.Helper()
	all, err := readDemo()
	if err != nil {
		t.Fatal(err)
	}
	byNumber := map[string]*tian.Proposal{}
	for _, p := range all {
		byNumber[p.Number] = p
	}
	var out []tian.Proposal
	for _, n := range numbers {
		p, ok := byNumber[n]
		if !ok {
			t.Fatalf("no demo proposal %s", n)
		}
		q := *p
		q.CoUnits = append([]string(nil), p.CoUnits...)
		out = append(out, q)
	}
	return out
}

// count returns the rows of a table.
func count(t testing.TB, db *sqlite.DB, table string) int {
	t.Helper()
	counts, err := db.Counts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	n, ok := counts[table]
	if !ok {
		t.Fatalf("Counts has no table %s", table)
	}
	return n
}

func mustImport(t testing.TB, db *sqlite.DB, recs []tian.Record, opt tian.ImportOptions) *tian.ImportReport {
	t.Helper()
	rep, err := db.ImportProposals(context.Background(), recs, opt)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func stored(t testing.TB, db *sqlite.DB, number string) tian.Proposal {
	t.Helper()
	p, err := db.Proposal(context.Background(), number)
	if err != nil {
		t.Fatal(err)
	}
	return *p
}

// A file of only 提案号, 标题, 内容 and 年度 updates those and keeps every
// other field: session, proposer, category, units, status, reply, dates.
func TestImportKeepsFieldsTheFileLacks(t *testing.T) {
	ps := demo(t, "20210103", "20210127")
	full, merged := ps[0], ps[1] // 20210127 was merged into 20210103
	full.StatusReason, full.Submitted, full.ReplyDate = "符合立案条件", "2021-01-18", "2021-06-30"
	if full.Reply == "" || full.Sector == "" || len(full.CoUnits) == 0 || merged.MergedInto != full.Number {
		t.Fatalf("demo proposals changed: %+v %+v", full, merged)
	}
	db := openDB(t)
	mustImport(t, db, []tian.Record{rec(2, full), rec(3, merged)}, tian.ImportOptions{File: "2021提案.xlsx"})

	fields := []string{"number", "title", "body", "year"}
	partial := func(p tian.Proposal, title string) tian.Record {
		return tian.Record{Row: 2, Fields: fields, Proposal: tian.Proposal{Number: p.Number, Title: title, Body: p.Body, Year: p.Year}}
	}
	rep := mustImport(t, db, []tian.Record{partial(full, full.Title), partial(merged, merged.Title)}, tian.ImportOptions{File: "标题内容.csv"})
	if rep.Unchanged != 2 || rep.Updated != 0 || rep.Rejected != 0 {
		t.Errorf("re-import of number, title, body, year as stored: %s %v, want 2 unchanged", rep.Summary(), rep.Errors)
	}
	retitled := full.Title + "（修改稿）"
	rep = mustImport(t, db, []tian.Record{partial(full, retitled), partial(merged, merged.Title)}, tian.ImportOptions{File: "标题内容.csv"})
	if rep.Updated != 1 || rep.Unchanged != 1 || rep.Rejected != 0 {
		t.Errorf("re-import with a new title: %+v, want 1 updated, 1 unchanged", rep)
	}
	want := full
	want.Title = retitled
	if got := stored(t, db, full.Number); !reflect.DeepEqual(got, want) {
		t.Errorf("after a partial import:\n got %+v\nwant %+v", got, want)
	}
	if got := stored(t, db, merged.Number); !reflect.DeepEqual(got, merged) {
		t.Errorf("merged proposal after a partial import:\n got %+v\nwant %+v", got, merged)
	}

	// A whole record (the API's PUT) writes every field.
	put := full
	put.Reply, put.CoUnits = "", nil
	rep = mustImport(t, db, []tian.Record{rec(2, put)}, tian.ImportOptions{File: "PUT"})
	if got := stored(t, db, full.Number); rep.Updated != 1 || got.Reply != "" || len(got.CoUnits) != 0 {
		t.Errorf("a whole record did not clear the reply and co-units: %+v, %+v", rep, got)
	}

	// ClearAbsent empties what the file lacks (the old behaviour).
	rep = mustImport(t, db, []tian.Record{partial(full, full.Title)}, tian.ImportOptions{File: "清空.csv", ClearAbsent: true})
	got := stored(t, db, full.Number)
	if rep.Updated != 1 || got.Proposer != "" || got.Category != "" || got.LeadUnit != "" || got.Status != "" || got.Session != "" {
		t.Errorf("ClearAbsent kept fields: %+v, %+v", rep, got)
	}
}

// A record rejected for its units or its merge leaves no category and no
// unit behind; a later accepted record creates them once.
func TestRejectedRowCreatesNothing(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	seedUnits(t, db)
	unknownUnit := eldercare()
	unknownUnit.Number, unknownUnit.Category, unknownUnit.LeadUnit = "20240301", "营商环境", "市营商局"
	badMerge := dataSharing()
	badMerge.Number, badMerge.Category, badMerge.LeadUnit = "20240302", "法治建设", "市司法局"
	badMerge.CoUnits = []string{"市律师协会"}
	badMerge.Status, badMerge.MergedInto = tian.StatusMerged, "20249999"
	rep := mustImport(t, db, []tian.Record{rec(2, unknownUnit)}, tian.ImportOptions{File: "a.xlsx"})
	if rep.Rejected != 1 || len(rep.NewCategories) != 0 {
		t.Errorf("report %+v: want the record rejected and no new category", rep)
	}
	rep = mustImport(t, db, []tian.Record{rec(3, badMerge)}, tian.ImportOptions{File: "b.xlsx", NewUnits: true})
	if rep.Rejected != 1 || len(rep.NewCategories)+len(rep.NewUnits) != 0 {
		t.Errorf("report %+v: want the record rejected, no new category or unit", rep)
	}
	cats, _ := db.Categories(ctx)
	units, _ := db.Units(ctx)
	if len(cats) != 0 || len(units) != 5 {
		t.Errorf("rejected records left categories %v and %d units (want none and the 5 seeded)", cats, len(units))
	}

	// Into an empty catalogue: a rejected record teaches nothing.
	empty := openDB(t)
	rep = mustImport(t, empty, []tian.Record{rec(2, badMerge)}, tian.ImportOptions{File: "c.jsonl"})
	if units, _ := empty.Units(ctx); rep.Rejected != 1 || len(units) != 0 || len(rep.NewUnits) != 0 {
		t.Errorf("a rejected record taught the empty catalogue %v (report %+v)", units, rep)
	}

	good := badMerge
	good.Status, good.MergedInto = tian.StatusFiled, ""
	good.Number = "20240303"
	second := good
	second.Number = "20240304"
	rep = mustImport(t, db, []tian.Record{rec(2, badMerge), rec(3, good), rec(4, second)}, tian.ImportOptions{File: "d.xlsx", NewUnits: true})
	if rep.Inserted != 2 || rep.Rejected != 1 || !reflect.DeepEqual(rep.NewCategories, []string{"法治建设"}) ||
		!reflect.DeepEqual(rep.NewUnits, []string{"市司法局", "市律师协会"}) {
		t.Errorf("report %+v: want 2 inserted, the category and both units new once", rep)
	}
}

// A strict import that is refused changes nothing at all.
func TestRefusedStrictImportChangesNothing(t *testing.T) {
	db := openDB(t)
	seedUnits(t, db)
	mustImport(t, db, []tian.Record{rec(2, eldercare())}, tian.ImportOptions{File: "first.xlsx"})
	before, _ := db.Counts(context.Background())
	ok := dataSharing()
	ok.Number, ok.Category, ok.LeadUnit, ok.CoUnits = "20240310", "法治建设", "市司法局", []string{"市大数据中心"}
	bad := eldercare()
	bad.Number, bad.Title = "20240311", ""
	rep := mustImport(t, db, []tian.Record{rec(2, ok), rec(3, bad)}, tian.ImportOptions{File: "strict.xlsx", Strict: true, NewUnits: true})
	if rep.Committed || len(rep.NewCategories)+len(rep.NewUnits) != 0 || rep.Inserted != 0 {
		t.Errorf("refused strict import reported %+v", rep)
	}
	after, _ := db.Counts(context.Background())
	if !reflect.DeepEqual(before, after) {
		t.Errorf("a refused strict import changed the store:\nbefore %v\nafter  %v", before, after)
	}
}

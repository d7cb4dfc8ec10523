package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"tian"
	"tian/sqlite"
)

// messages are a citizens' message board's records as a sheet gives them:
// number, title, body, date, the writer's name and the board's own
// first-level category; nothing of a proposal's workflow.
func messages() []tian.Record {
	rows := []struct{ n, title, body, date, user, cat string }{
		{"188006", "丽湾新城小区旁搅拌站夜间施工噪音扰民", "搅拌站每天夜里十一点后还在作业，罐车进出，居民无法休息，请有关部门查处。", "2019-02-28", "A000102948", "城乡建设"},
		{"188007", "建议增开高铁站至大学城的公交线路", "大学城学生往返高铁站只能打车，建议增开公交专线或延长末班车时间。", "2019-03-05", "A000058811", "交通运输"},
		{"188009", "幼儿园收费标准不透明", "小区配套幼儿园今年每月保教费上涨近一倍，未见公示，家长多次询问没有答复。", "2019-03-11", "A0007763", "教育文体"},
	}
	var out []tian.Record
	for i, r := range rows {
		out = append(out, tian.Record{Row: i + 2, Fields: []string{"number", "title", "body", "submitted", "proposer", "category"},
			Proposal: tian.Proposal{Number: r.n, Title: r.title, Body: r.body, Submitted: r.date, Year: 2019, Proposer: r.user, Category: r.cat}})
	}
	return out
}

func demoRecords(t *testing.T, numbers ...string) []tian.Record {
	var out []tian.Record
	for i, p := range demo(t, numbers...) {
		out = append(out, rec(i+2, p))
	}
	return out
}

// A message board's records are kept, marked as not proposals, counted
// in the report and the batch, and left out of the statistics unless
// asked for; undoing the batch removes them and the categories the board
// brought.
func TestMessagesAreNotProposals(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	props := mustImport(t, db, demoRecords(t, "20210001", "20210103", "20210127"), tian.ImportOptions{File: "demo"})
	if props.NotProposals != 0 {
		t.Errorf("demo proposals counted as not proposals: %+v", props)
	}
	catsBefore, _ := db.Categories(ctx)
	rep := mustImport(t, db, messages(), tian.ImportOptions{File: "附件2.xlsx", Actor: "staff"})
	if rep.Inserted != 3 || rep.NotProposals != 3 {
		t.Fatalf("report %+v, want 3 not proposals", rep)
	}
	if p := stored(t, db, "188006"); !p.NotProposal {
		t.Errorf("message stored as a proposal: %+v", p)
	}
	if p := stored(t, db, "20210001"); p.NotProposal {
		t.Errorf("proposal marked not a proposal")
	}
	s, err := db.Stats(ctx, 2019)
	if err != nil {
		t.Fatal(err)
	}
	if s.Received != 0 || s.FromYear != 0 {
		t.Errorf("2019 stats count messages: %+v", s)
	}
	if all, _ := db.Stats(ctx, 0); all.Received != 3 || all.FromYear != 2021 {
		t.Errorf("all-years stats %+v, want the 3 proposals of 2021", all)
	}
	with, err := db.StatsIncluding(ctx, 2019, true)
	if err != nil {
		t.Fatal(err)
	}
	if with.Received != 3 || with.Filed != 0 || with.Statuses[tian.StatusUnknown] != 3 {
		t.Errorf("stats with others %+v", with)
	}
	page, _ := db.Batches(ctx, 0, 1)
	if b := page.Batches[0]; b.NotProposals != 3 || len(b.NewCategories) != 3 {
		t.Errorf("batch %+v", b)
	}
	undo, err := db.UndoBatch(ctx, rep.Batch, "staff")
	if err != nil {
		t.Fatal(err)
	}
	if len(undo.Removed) != 3 || !reflect.DeepEqual(undo.RemovedCategories, []string{"城乡建设", "交通运输", "教育文体"}) {
		t.Errorf("undo %+v", undo)
	}
	if cats, _ := db.Categories(ctx); !reflect.DeepEqual(cats, catsBefore) {
		t.Errorf("categories after undo %v, want %v", cats, catsBefore)
	}
}

// A message updated with a proposal's workflow (a status) becomes a
// proposal; the rule is judged on the merged record.
func TestNotProposalFollowsTheMergedRecord(t *testing.T) {
	db := openDB(t)
	mustImport(t, db, messages()[:1], tian.ImportOptions{File: "m.xlsx"})
	rec := tian.Record{Row: 2, Fields: []string{"number", "status", "status_reason"},
		Proposal: tian.Proposal{Number: "188006", Status: tian.StatusRejected, StatusReason: "属于个人诉求，转信访部门办理"}}
	mustImport(t, db, []tian.Record{rec}, tian.ImportOptions{File: "审查.xlsx"})
	if p := stored(t, db, "188006"); p.NotProposal || p.Title == "" {
		t.Errorf("after review %+v, want a proposal with its title kept", p)
	}
}

// A dry run counts what a commit would do and writes nothing, no batch.
func TestDryRunCountsAndWritesNothing(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	mustImport(t, db, demoRecords(t, "20210001"), tian.ImportOptions{File: "a"})
	recs := append(demoRecords(t, "20210001", "20210103"), messages()...)
	bad := demo(t, "20210205")[0]
	bad.Title = ""
	recs = append(recs, rec(9, bad))
	var outcomes []string
	rep := mustImport(t, db, recs, tian.ImportOptions{File: "b.xlsx", DryRun: true, NewUnits: true, Columns: map[string]string{"title": "D（标题）"},
		Outcome: func(row int, outcome string) { outcomes = append(outcomes, fmt.Sprint(row, outcome)) }})
	if got, want := strings.Join(outcomes, " "), "2unchanged 3inserted 2inserted 3inserted 4inserted 9rejected"; got != want {
		t.Errorf("outcomes %s, want %s", got, want)
	}
	if rep.Committed || rep.Batch != 0 || rep.Inserted != 4 || rep.Unchanged != 1 || rep.Rejected != 1 || rep.NotProposals != 3 {
		t.Errorf("dry run %+v", rep)
	}
	if len(rep.Errors) != 1 || rep.Errors[0].Row != 9 || rep.Errors[0].Column != "D（标题）" {
		t.Errorf("errors %+v", rep.Errors)
	}
	if n, _ := db.CountProposals(ctx); n != 1 {
		t.Errorf("dry run wrote: %d proposals", n)
	}
	if page, _ := db.Batches(ctx, 0, 10); page.Total != 1 {
		t.Errorf("dry run made a batch: %+v", page)
	}
	if _, err := db.Batches(ctx, -1, 10); tian.ErrorCode(err) != tian.EINVALID {
		t.Errorf("negative offset: %v", err)
	}
}

// Opening a store made before batches marks the messages it holds as not
// proposals, by the same rule as the import, and keeps the proposals.
func TestMigrationMarksStoredMessages(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := openAt(t, dir)
	mustImport(t, db, append(demoRecords(t, "20210001", "20210103"), messages()...), tian.ImportOptions{File: "old"})
	db.Close()
	// take the database back to before the migration: no batches, no mark
	// (and before the statistics index, the written numbers, the
	// tuning's scale and the committee's words that follow it)
	raw, err := sql.Open("sqlite", filepath.Join(dir, sqlite.FileName))
	if err != nil {
		t.Fatal(err)
	}
	var version int
	raw.QueryRow(`PRAGMA user_version`).Scan(&version)
	for _, q := range []string{`DROP TABLE words`, `ALTER TABLE group_tuning DROP COLUMN scale`, `ALTER TABLE proposals DROP COLUMN written_number`, `DROP INDEX proposals_stats`, `DROP TABLE batch_items`,
		`DROP TABLE batches`, `ALTER TABLE proposals DROP COLUMN not_proposal`, fmt.Sprintf(`PRAGMA user_version = %d`, version-5)} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatal(q, err)
		}
	}
	raw.Close()
	db = openAt(t, dir)
	defer db.Close()
	ps, err := db.Proposals(ctx, tian.ProposalFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		if p.NotProposal == p.IsProposal() {
			t.Errorf("%s: not_proposal %v after migration, rule says proposal %v", p.Number, p.NotProposal, p.IsProposal())
		}
	}
	if s, _ := db.Stats(ctx, 0); s.Received != 2 {
		t.Errorf("stats after migration %+v", s)
	}
}

// The hash a batch keeps of what it wrote is the hash of the proposal as
// read back: an undo right after an import finds no change, over a year
// of the demo corpus with a unit by alias and a category by code (the
// contract suite, storetest, undoes the whole corpus), and after an
// update of part of the fields.
func TestUndoRightAfterImport(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	seedUnits(t, db)
	if err := db.ImportCategories(ctx, []tian.Category{{Code: "social", Name: "社会建设"}}, "test"); err != nil {
		t.Fatal(err)
	}
	all, err := readDemo()
	if err != nil {
		t.Fatal(err)
	}
	var recs []tian.Record
	for _, p := range all {
		if p.Year == 2024 { // merges point within their year
			recs = append(recs, rec(len(recs)+2, *p))
		}
	}
	byCode := eldercare() // 市卫健委 is an alias; social is the code of 社会建设
	byCode.Number, byCode.Category = "20249901", "social"
	recs = append(recs, rec(len(recs)+2, byCode))
	first := mustImport(t, db, recs, tian.ImportOptions{File: "demo", NewUnits: true})
	if first.Inserted != len(recs) {
		t.Fatalf("import %+v", first)
	}
	part := tian.Record{Row: 2, Fields: []string{"number", "reply"}, Proposal: tian.Proposal{Number: recs[0].Proposal.Number, Reply: "已办结。"}}
	second := mustImport(t, db, []tian.Record{part}, tian.ImportOptions{File: "答复.csv"})
	if second.Updated != 1 {
		t.Fatalf("the reply import %+v, want one proposal updated", second)
	}
	if _, err := db.UndoBatch(ctx, second.Batch, "test"); err != nil {
		t.Fatalf("undo of a partial update: %v", err)
	}
	if _, err := db.UndoBatch(ctx, first.Batch, "test"); err != nil {
		t.Fatalf("undo of the demo corpus right after importing it: %.300v", err)
	}
	if n, _ := db.CountProposals(ctx); n != 0 {
		t.Errorf("%d proposals left", n)
	}
}

// AllProposals keeps rows without a proposal's workflow as proposals (a
// list of new proposals before review, say).
func TestAllProposalsOverridesTheRule(t *testing.T) {
	db := openDB(t)
	rep := mustImport(t, db, messages(), tian.ImportOptions{File: "新收提案.xlsx", AllProposals: true})
	if rep.NotProposals != 0 || rep.Inserted != 3 {
		t.Errorf("report %+v", rep)
	}
	if p := stored(t, db, "188007"); p.NotProposal {
		t.Errorf("stored as not a proposal under AllProposals")
	}
	if s, _ := db.Stats(context.Background(), 2019); s.Received != 3 {
		t.Errorf("2019 statistics %+v, want the 3 rows counted", s)
	}
}

// A proposal written by hand (the API's POST and PUT) stays a proposal,
// however little of the workflow it has yet, unless its writer marks it:
// the rule judges the records of files.
func TestEditKeepsWhatTheWriterSays(t *testing.T) {
	ctx := context.Background()
	db := openAt(t, t.TempDir())
	defer db.Close()
	bare := tian.Proposal{Number: "20260001", Year: 2026, Title: "关于在城南区增设社区食堂的提案", Body: "城南区老年人就餐难，建议利用社区闲置用房开办长者食堂。"}
	marked := bare
	marked.Number, marked.NotProposal = "20260002", true
	for _, p := range []tian.Proposal{bare, marked} {
		mustImport(t, db, []tian.Record{{Row: 1, Proposal: p}}, tian.ImportOptions{File: "api", Strict: true, Edit: true})
	}
	mustImport(t, db, []tian.Record{{Row: 2, Proposal: tian.Proposal{Number: "20260003", Year: 2026, Title: bare.Title, Body: bare.Body}}},
		tian.ImportOptions{File: "messages.csv"})
	for number, want := range map[string]bool{"20260001": false, "20260002": true, "20260003": true} {
		p, err := db.Proposal(ctx, number)
		if err != nil {
			t.Fatal(err)
		}
		if p.NotProposal != want {
			t.Errorf("%s: not_proposal %v, want %v", number, p.NotProposal, want)
		}
	}
}

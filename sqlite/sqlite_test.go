package sqlite_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"tian"
	"tian/sqlite"
)

func openDB(t *testing.T) *sqlite.DB {
	t.Helper()
	db := openAt(t, t.TempDir())
	t.Cleanup(func() { db.Close() })
	return db
}

// openAt opens the store in dir; the test closes it.
func openAt(t testing.TB, dir string) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// seedUnits loads a small catalogue with aliases: the short form 市发改委
// and the former name 市大数据中心 of today's 市数据局.
func seedUnits(t *testing.T, db *sqlite.DB) {
	t.Helper()
	err := db.ImportUnits(context.Background(), []tian.Unit{
		{Name: "市发展和改革委员会", Kind: "政府部门", Aliases: []string{"市发改委"}},
		{Name: "市数据局", Kind: "政府部门", Aliases: []string{"市大数据中心"}},
		{Name: "市民政局", Kind: "政府部门"},
		{Name: "市卫生健康委员会", Kind: "政府部门", Aliases: []string{"市卫健委"}},
		{Name: "城东区人民政府", Kind: "区县政府"},
	}, "test")
	if err != nil {
		t.Fatal(err)
	}
}

func rec(row int, p tian.Proposal) tian.Record { return tian.Record{Row: row, Proposal: p} }

func eldercare() tian.Proposal {
	return tian.Proposal{Number: "20240157", Year: 2024, Session: "十四届二次", Title: "关于加快发展社区嵌入式养老服务的提案",
		Body: "城东区近四成社区没有养老服务站点。建议布局社区嵌入式养老服务机构。", Proposer: "民盟市委会",
		ProposerType: tian.ProposerCollective, Category: "社会建设", LeadUnit: "市民政局", CoUnits: []string{"市卫健委"},
		Status: tian.StatusFiled}
}

func dataSharing() tian.Proposal {
	return tian.Proposal{Number: "20210612", Year: 2021, Session: "十三届四次", Title: "关于推进政务数据回流基层的提案",
		Body: "街道社区反复采集居民信息，建议由数据部门牵头推动政务数据回流。", Proposer: "赵明", ProposerType: tian.ProposerMember,
		Sector: "无党派人士", Category: "政治建设", LeadUnit: "市大数据中心", Status: tian.StatusFiled}
}

func TestImportIsIdempotentAndMapsAliases(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	seedUnits(t, db)
	recs := []tian.Record{rec(2, eldercare()), rec(3, dataSharing())}
	rep, err := db.ImportProposals(ctx, recs, tian.ImportOptions{File: "a.xlsx", Actor: "staff"})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Inserted != 2 || rep.Rejected != 0 || !rep.Committed {
		t.Fatalf("first import: %+v", rep)
	}
	if !reflect.DeepEqual(rep.NewCategories, []string{"社会建设", "政治建设"}) {
		t.Errorf("new categories = %v: the label set should come from the data", rep.NewCategories)
	}
	got, err := db.Proposal(ctx, "20210612")
	if err != nil {
		t.Fatal(err)
	}
	if got.LeadUnit != "市数据局" {
		t.Errorf("lead unit %q: the former name 市大数据中心 should map to 市数据局", got.LeadUnit)
	}
	if p, _ := db.Proposal(ctx, "20240157"); !reflect.DeepEqual(p.CoUnits, []string{"市卫生健康委员会"}) {
		t.Errorf("co-units %v: the short form 市卫健委 should map to 市卫生健康委员会", p.CoUnits)
	}
	rep, err = db.ImportProposals(ctx, recs, tian.ImportOptions{File: "a.xlsx", Actor: "staff"})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Unchanged != 2 || rep.Inserted+rep.Updated != 0 {
		t.Errorf("re-import: %+v, want everything unchanged", rep)
	}
	changes, _ := db.Changes(ctx, 0, 100)
	if len(changes) != 2 {
		t.Errorf("change log has %d entries after an import and an identical re-import, want 2", len(changes))
	}
	edited := eldercare()
	edited.Reply = "已纳入2024年民生实事。"
	rep, _ = db.ImportProposals(ctx, []tian.Record{rec(2, edited)}, tian.ImportOptions{File: "b.csv", Actor: "staff"})
	if rep.Updated != 1 {
		t.Errorf("import of an edited proposal: %+v, want 1 updated", rep)
	}
	if p, _ := db.Proposal(ctx, "20240157"); p.Reply != edited.Reply {
		t.Errorf("reply not updated: %q", p.Reply)
	}
	if n, _ := db.CountProposals(ctx); n != 2 {
		t.Errorf("%d proposals stored, want 2", n)
	}
}

func TestImportRejectsBadRowsWithColumns(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	seedUnits(t, db)
	unknown := eldercare()
	unknown.Number, unknown.LeadUnit = "20240158", "市发改局"
	noTitle := eldercare()
	noTitle.Number, noTitle.Title = "20240159", " "
	badMerge := eldercare()
	badMerge.Number, badMerge.Status, badMerge.MergedInto = "20240160", tian.StatusMerged, "20249999"
	dup := eldercare()
	recs := []tian.Record{rec(2, eldercare()), rec(3, unknown), rec(4, noTitle), rec(5, badMerge), rec(6, dup)}
	cols := map[string]string{"lead_unit": "J（主办单位）", "title": "D（标题）"}
	rep, err := db.ImportProposals(ctx, recs, tian.ImportOptions{File: "2024.xlsx", Columns: cols})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Inserted != 1 || rep.Rejected != 4 || len(rep.Errors) != 4 {
		t.Fatalf("report %+v, want 1 inserted and 4 rejected", rep)
	}
	byRow := map[int]tian.RowError{}
	for _, e := range rep.Errors {
		byRow[e.Row] = e
	}
	if e := byRow[3]; e.Column != "J（主办单位）" || !strings.Contains(e.Message, "市发改局") || !strings.Contains(e.Message, "市发展和改革委员会") {
		t.Errorf("unknown unit error %q: want the column and the closest known unit", e.Error())
	}
	if e := byRow[4]; e.Column != "D（标题）" {
		t.Errorf("empty title error %q", e.Error())
	}
	if e := byRow[5]; !strings.Contains(e.Message, "20249999") {
		t.Errorf("bad merge error %q", e.Error())
	}
	if e := byRow[6]; !strings.Contains(e.Message, "第2行") {
		t.Errorf("duplicate number error %q", e.Error())
	}
}

func TestImportStrictWritesNothing(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	seedUnits(t, db)
	bad := dataSharing()
	bad.LeadUnit = "市不存在局"
	rep, err := db.ImportProposals(ctx, []tian.Record{rec(2, eldercare()), rec(3, bad)}, tian.ImportOptions{File: "s.csv", Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Committed || rep.Inserted != 0 || len(rep.Errors) != 1 {
		t.Errorf("strict report %+v, want nothing committed and one error", rep)
	}
	if n, _ := db.CountProposals(ctx); n != 0 {
		t.Errorf("%d proposals stored after a refused strict import", n)
	}
	if cats, _ := db.Categories(ctx); len(cats) != 0 {
		t.Errorf("categories %v created by a refused import", cats)
	}
}

// With an empty catalogue the units are learnt from the data; afterwards an
// unknown unit needs NewUnits.
func TestImportLearnsUnitsIntoEmptyCatalogue(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	rep, err := db.ImportProposals(ctx, []tian.Record{rec(2, eldercare())}, tian.ImportOptions{File: "x.jsonl"})
	if err != nil || rep.Inserted != 1 || len(rep.NewUnits) != 2 {
		t.Fatalf("report %+v, err %v: want the two units created", rep, err)
	}
	other := dataSharing()
	rep, _ = db.ImportProposals(ctx, []tian.Record{rec(2, other)}, tian.ImportOptions{File: "y.jsonl"})
	if rep.Rejected != 1 {
		t.Errorf("unknown unit with a catalogue: %+v, want rejected", rep)
	}
	rep, _ = db.ImportProposals(ctx, []tian.Record{rec(2, other)}, tian.ImportOptions{File: "y.jsonl", NewUnits: true})
	if rep.Inserted != 1 {
		t.Errorf("unknown unit with NewUnits: %+v, want inserted", rep)
	}
}

func TestDeleteAndMergeConflict(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	seedUnits(t, db)
	merged := eldercare()
	merged.Number, merged.Status, merged.MergedInto, merged.Proposer = "20240170", tian.StatusMerged, "20240157", "张华"
	if _, err := db.ImportProposals(ctx, []tian.Record{rec(2, eldercare()), rec(3, merged)}, tian.ImportOptions{File: "m"}); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteProposal(ctx, "20240157", "staff"); tian.ErrorCode(err) != tian.ECONFLICT {
		t.Errorf("deleting a merge target: err = %v, want ECONFLICT", err)
	}
	if err := db.DeleteProposal(ctx, "20240170", "staff"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Proposal(ctx, "20240170"); tian.ErrorCode(err) != tian.ENOTFOUND {
		t.Errorf("after delete: err = %v, want ENOTFOUND", err)
	}
	if err := db.DeleteProposal(ctx, "20240170", "staff"); tian.ErrorCode(err) != tian.ENOTFOUND {
		t.Errorf("second delete: err = %v, want ENOTFOUND", err)
	}
	changes, _ := db.Changes(ctx, 0, 10)
	if last := changes[len(changes)-1]; last.Op != "delete" || last.Number != "20240170" {
		t.Errorf("last change %+v, want the delete", last)
	}
	log, _ := db.AuditLog(ctx, 10)
	if len(log) == 0 || log[0].Action != "proposals.delete" || log[0].Actor != "staff" {
		t.Errorf("audit log %+v, want the delete by staff first", log)
	}
}

func TestStats(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	seedUnits(t, db)
	a, b, c := eldercare(), dataSharing(), eldercare()
	b.Year = 2024
	c.Number, c.Status, c.LeadUnit, c.CoUnits, c.StatusReason = "20240200", tian.StatusRejected, "", nil, "属于个人诉求"
	if _, err := db.ImportProposals(ctx, []tian.Record{rec(2, a), rec(3, b), rec(4, c)}, tian.ImportOptions{File: "s"}); err != nil {
		t.Fatal(err)
	}
	s, err := db.Stats(ctx, 2024)
	if err != nil {
		t.Fatal(err)
	}
	if s.Received != 3 || s.Filed != 2 || s.Members != 1 || s.Collective != 1 {
		t.Errorf("stats %+v", s)
	}
	report := s.Report()
	for _, want := range []string{"2024年全年共收到提案3件", "经审查立案2件", "立案率66.67%", "委员提案1件、集体提案1件",
		"社会建设类提案1件，占50.0%", "政治建设类提案1件，占50.0%"} {
		if !strings.Contains(report, want) {
			t.Errorf("report %q lacks %q", report, want)
		}
	}
}

func TestFeedbackIsStoredAndAudited(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	seedUnits(t, db)
	if _, err := db.ImportProposals(ctx, []tian.Record{rec(2, eldercare())}, tian.ImportOptions{File: "f"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddFeedback(ctx, tian.Feedback{Number: "20240157", Kind: "category", Suggested: "经济建设",
		Chosen: "社会建设", Actor: "reviewer:li"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddFeedback(ctx, tian.Feedback{Kind: "mood", Chosen: "x", Actor: "r"}); tian.ErrorCode(err) != tian.EINVALID {
		t.Errorf("bad kind: err = %v", err)
	}
	fbs, _ := db.Feedbacks(ctx)
	if len(fbs) != 1 || fbs[0].Chosen != "社会建设" || fbs[0].Accepted {
		t.Errorf("feedback %+v", fbs)
	}
	log, _ := db.AuditLog(ctx, 1)
	if len(log) != 1 || !strings.Contains(log[0].Detail, "overrode 经济建设 with 社会建设") {
		t.Errorf("audit %+v", log)
	}
}

func TestReopenKeepsDataAndSchema(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := openAt(t, dir)
	seedUnits(t, db)
	db.ImportProposals(ctx, []tian.Record{rec(2, eldercare())}, tian.ImportOptions{File: "r"})
	db.Close()
	db = openAt(t, dir)
	defer db.Close()
	if p, err := db.Proposal(ctx, "20240157"); err != nil || p.Title != eldercare().Title {
		t.Errorf("after reopening: %+v, %v", p, err)
	}
}

// Institutional reform: a unit that routings name is renamed; importing the
// new unit with the old name as an alias moves its routings over.
func TestUnitRenameMovesRoutings(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	old := dataSharing()
	if _, err := db.ImportProposals(ctx, []tian.Record{rec(2, old)}, tian.ImportOptions{File: "2021.xlsx"}); err != nil {
		t.Fatal(err)
	}
	if p, _ := db.Proposal(ctx, old.Number); p.LeadUnit != "市大数据中心" {
		t.Fatalf("lead unit %q before the reform", p.LeadUnit)
	}
	if err := db.ImportUnits(ctx, []tian.Unit{{Name: "市数据局", Aliases: []string{"市大数据中心"}}}, "staff"); err != nil {
		t.Fatal(err)
	}
	if p, _ := db.Proposal(ctx, old.Number); p.LeadUnit != "市数据局" {
		t.Errorf("lead unit %q after the reform, want 市数据局", p.LeadUnit)
	}
	units, _ := db.Units(ctx)
	if len(units) != 1 || units[0].Name != "市数据局" || !reflect.DeepEqual(units[0].Aliases, []string{"市大数据中心"}) {
		t.Errorf("units after the reform: %+v", units)
	}
	changes, _ := db.Changes(ctx, 0, 10)
	if len(changes) != 2 {
		t.Errorf("changes %+v: the proposal whose unit changed must be logged for the index", changes)
	}
}

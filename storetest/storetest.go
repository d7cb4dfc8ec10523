// Package storetest is the contract every engine of tian's system of
// record must keep: one suite of behaviour, run against SQLite (always)
// and PostgreSQL (when a server is configured), so that the service sees
// the same store whichever holds its data. It speaks only through the
// interfaces the service uses.
//
// Each test opens a store of its own with the engine's open function,
// which must give an empty store and close it when the test ends.
package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"tian"
	"tian/internal/storecore"
)

// Store is what the suite asks of an engine: what the office composes
// (office.Store: the service's tian.Store, import batches, statistics of
// other records, the committee's words, the catalogue loads, feedback
// and backup), tokens and sessions, and curated groups.
type Store interface {
	tian.Store
	tian.BatchStore
	tian.OtherStats
	tian.WordStore
	tian.TokenStore
	tian.GroupStore
	Backuper
	ImportUnits(ctx context.Context, us []tian.Unit, actor string) error
	ImportCategories(ctx context.Context, cs []tian.Category, actor string) error
	Feedbacks(ctx context.Context) ([]tian.Feedback, error)
	// Counts returns the number of rows of each table.
	Counts(ctx context.Context) (map[string]int, error)
	// AuditLog returns the newest entries first, at most limit.
	AuditLog(ctx context.Context, limit int) ([]storecore.AuditEntry, error)
}

// Open gives an empty store for one test and closes it when the test
// ends (t.Cleanup).
type Open func(t *testing.T) Store

// Run runs the contract against the stores open gives.
func Run(t *testing.T, open Open) {
	tests := []struct {
		name string
		fn   func(*testing.T, Open)
	}{
		{"ImportIsIdempotentAndMapsAliases", testImportIdempotent},
		{"UpdateKeepsFieldsTheRecordLacks", testUpdateKeepsFields},
		{"ImportRejectsBadRowsWithColumns", testImportRejects},
		{"StrictImportWritesNothing", testStrict},
		{"DryRunWritesNothing", testDryRun},
		{"CancelledImportWritesNothing", testCancelledImport},
		{"ImportLearnsUnitsIntoEmptyCatalogue", testLearnsUnits},
		{"DeleteAndMergeConflict", testDelete},
		{"ChangesArePagedInOrder", testChanges},
		{"ConcurrentImportsAllLand", testConcurrentImports},
		{"FeedbackIsCheckedAndCanonical", testFeedback},
		{"UnitRenameMovesRoutings", testUnitRename},
		{"EmptyStore", testEmptyStore},
		{"DemoCorpus", testDemo},
		{"Tokens", testTokens},
		{"Sessions", testSessions},
		{"UndoBatchesInOrder", testUndoBatchesInOrder},
		{"UndoRefused", testUndoRefused},
		{"Words", testWords},
		{"GroupsSave", testGroupsSave},
		{"GroupsKeepAndAssignIDs", testGroupsIDs},
		{"GroupsRefuseStaleVersion", testGroupsStale},
		{"GroupsValidate", testGroupsValidate},
		{"GroupsConfirm", testGroupsConfirm},
		{"GroupsAudited", testGroupsAudited},
		{"GroupTuning", testGroupTuning},
		{"OtherStats", testOtherStats},
		{"Backup", testBackup},
		{"Audit", testAudit},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open) })
	}
}

// seedUnits loads a small catalogue with aliases: the short form 市发改委
// and the former name 市大数据中心 of today's 市数据局.
func seedUnits(t *testing.T, s Store) {
	t.Helper()
	err := s.ImportUnits(context.Background(), []tian.Unit{
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
		Status: tian.StatusFiled, Submitted: "2024-01-18"}
}

func dataSharing() tian.Proposal {
	return tian.Proposal{Number: "20210612", Year: 2021, Session: "十三届四次", Title: "关于推进政务数据回流基层的提案",
		Body: "街道社区反复采集居民信息，建议由数据部门牵头推动政务数据回流。", Proposer: "赵明", ProposerType: tian.ProposerMember,
		Sector: "无党派人士", Category: "政治建设", LeadUnit: "市大数据中心", Status: tian.StatusFiled, WrittenNumber: "第0612号"}
}

func mustImport(t *testing.T, s Store, recs []tian.Record, opt tian.ImportOptions) *tian.ImportReport {
	t.Helper()
	rep, err := s.ImportProposals(context.Background(), recs, opt)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func stored(t *testing.T, s Store, number string) *tian.Proposal {
	t.Helper()
	p, err := s.Proposal(context.Background(), number)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if got := tian.ErrorCode(err); got != code {
		t.Errorf("%s: error %v (code %q), want code %q", what, err, got, code)
		return
	}
	var te *tian.Error
	if errors.As(err, &te) && te.Message == "" {
		t.Errorf("%s: error %q has no message for the user", what, err)
	}
}

func changes(t *testing.T, s Store) []tian.Change {
	t.Helper()
	cs, err := s.Changes(context.Background(), 0, 10_000)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

func count(t *testing.T, s Store) int {
	t.Helper()
	n, err := s.CountProposals(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func testImportIdempotent(t *testing.T, open Open) {
	ctx := context.Background()
	s := open(t)
	seedUnits(t, s)
	recs := []tian.Record{rec(2, eldercare()), rec(3, dataSharing())}
	rep := mustImport(t, s, recs, tian.ImportOptions{File: "2024年提案.xlsx", Actor: "staff"})
	if rep.Inserted != 2 || rep.Rejected != 0 || !rep.Committed || rep.Batch == 0 {
		t.Fatalf("first import: %+v, want 2 inserted, committed as a batch", rep)
	}
	if !reflect.DeepEqual(rep.NewCategories, []string{"社会建设", "政治建设"}) {
		t.Errorf("new categories = %v: the label set should come from the data, in order", rep.NewCategories)
	}
	got := stored(t, s, "20210612")
	want := dataSharing()
	want.LeadUnit, want.CoUnits = "市数据局", []string{}
	if !reflect.DeepEqual(*got, want) {
		t.Errorf("read back\n %+v\nwant (the former name 市大数据中心 mapped to 市数据局, co-units [])\n %+v", *got, want)
	}
	if p := stored(t, s, "20240157"); !reflect.DeepEqual(p.CoUnits, []string{"市卫生健康委员会"}) {
		t.Errorf("co-units %v: the short form 市卫健委 should map to 市卫生健康委员会", p.CoUnits)
	}
	rep = mustImport(t, s, recs, tian.ImportOptions{File: "2024年提案.xlsx", Actor: "staff"})
	if rep.Unchanged != 2 || rep.Inserted+rep.Updated != 0 {
		t.Errorf("re-import: %+v, want everything unchanged", rep)
	}
	if cs := changes(t, s); len(cs) != 2 {
		t.Errorf("change log %+v after an import and an identical re-import, want 2 entries", cs)
	}
	edited := eldercare()
	edited.Reply = "已纳入2024年民生实事项目，新建社区养老服务站12个。"
	var outcomes []string
	rep = mustImport(t, s, []tian.Record{rec(7, edited)}, tian.ImportOptions{File: "答复.csv", Actor: "staff",
		Outcome: func(row int, o string) { outcomes = append(outcomes, fmt.Sprint(row, o)) }})
	if rep.Updated != 1 || !slices.Equal(outcomes, []string{"7updated"}) {
		t.Errorf("import of an edited proposal: %+v, outcomes %v; want 1 updated", rep, outcomes)
	}
	if p := stored(t, s, "20240157"); p.Reply != edited.Reply {
		t.Errorf("reply not updated: %q", p.Reply)
	}
	if cs := changes(t, s); len(cs) != 3 || cs[2].Number != "20240157" || cs[2].Op != tian.ChangeUpsert {
		t.Errorf("change log %+v, want the update logged third", cs)
	}
	if n := count(t, s); n != 2 {
		t.Errorf("%d proposals stored, want 2", n)
	}
	if _, err := s.Proposal(ctx, "20249999"); err == nil {
		t.Error("a missing proposal was found")
	} else {
		wantCode(t, "missing proposal", err, tian.ENOTFOUND)
	}
	got2, err := s.ProposalsByNumber(ctx, []string{"20240157", "20249999", "20210612"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got2) != 2 || got2["20240157"] == nil || got2["20210612"].LeadUnit != "市数据局" {
		t.Errorf("ProposalsByNumber = %v, want the two stored", got2)
	}
}

// A file of only 提案号, 标题 and 内容 updates those and keeps the rest;
// with ClearAbsent the rest is emptied.
func testUpdateKeepsFields(t *testing.T, open Open) {
	s := open(t)
	seedUnits(t, s)
	full := eldercare()
	full.Reply = "已纳入民生实事。"
	mustImport(t, s, []tian.Record{rec(2, full)}, tian.ImportOptions{File: "全.xlsx"})
	part := tian.Proposal{Number: full.Number, Title: "关于加快发展社区嵌入式养老服务的提案（修改稿）", Body: "修改后的正文：建议每个街道至少建成一处综合养老服务中心。"}
	r := tian.Record{Row: 2, Proposal: part, Fields: []string{"number", "title", "body"}}
	rep := mustImport(t, s, []tian.Record{r}, tian.ImportOptions{File: "部分.csv"})
	if rep.Updated != 1 {
		t.Fatalf("partial update: %+v", rep)
	}
	want := full
	want.Title, want.Body, want.CoUnits = part.Title, part.Body, []string{"市卫生健康委员会"}
	if got := stored(t, s, full.Number); !reflect.DeepEqual(*got, want) {
		t.Errorf("after a partial update\n %+v\nwant\n %+v", *got, want)
	}
	rep = mustImport(t, s, []tian.Record{r}, tian.ImportOptions{File: "部分.csv"})
	if rep.Unchanged != 1 {
		t.Errorf("the same partial file again: %+v, want unchanged", rep)
	}
	rep = mustImport(t, s, []tian.Record{r}, tian.ImportOptions{File: "部分.csv", ClearAbsent: true})
	got := stored(t, s, full.Number)
	if rep.Updated != 1 || got.Reply != "" || got.LeadUnit != "" || len(got.CoUnits) != 0 || got.Category != "" || got.Title != part.Title {
		t.Errorf("ClearAbsent: %+v, stored %+v; want only number, title and body left", rep, got)
	}
}

func testImportRejects(t *testing.T, open Open) {
	s := open(t)
	seedUnits(t, s)
	unknown := eldercare()
	unknown.Number, unknown.LeadUnit = "20240158", "市发改局"
	noTitle := eldercare()
	noTitle.Number, noTitle.Title = "20240159", " "
	badMerge := eldercare()
	badMerge.Number, badMerge.Status, badMerge.MergedInto = "20240160", tian.StatusMerged, "20249999"
	newCat := eldercare()
	newCat.Number, newCat.Category, newCat.LeadUnit = "20240161", "文化建设", "市不存在局"
	// a status or proposer type the store does not keep is the row's
	// error, not the database's (no constraint violation, no 500)
	oddStatus := eldercare()
	oddStatus.Number, oddStatus.Status, oddStatus.ProposerType = "20240162", "归档", "市民"
	recs := []tian.Record{rec(2, eldercare()), rec(3, unknown), rec(4, noTitle), rec(5, badMerge), rec(6, eldercare()), rec(7, newCat), rec(8, oddStatus)}
	cols := map[string]string{"lead_unit": "J（主办单位）", "title": "D（标题）"}
	rep := mustImport(t, s, recs, tian.ImportOptions{File: "2024.xlsx", Columns: cols})
	if rep.Inserted != 1 || rep.Rejected != 6 || len(rep.Errors) != 7 || !rep.Committed {
		t.Fatalf("report %+v, want 1 inserted and 6 rejected (7 errors: row 8 has two)", rep)
	}
	byRow := map[int]tian.RowError{}
	for _, e := range rep.Errors {
		if _, seen := byRow[e.Row]; !seen || e.Column == "status" {
			byRow[e.Row] = e
		}
		if e.File != "2024.xlsx" {
			t.Errorf("row error %+v does not name the file", e)
		}
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
	if e := byRow[8]; !strings.Contains(e.Message, "归档") {
		t.Errorf("unknown status error %q", e.Error())
	}
	if e := byRow[6]; !strings.Contains(e.Message, "第2行") {
		t.Errorf("duplicate number error %q", e.Error())
	}
	cats, err := s.Categories(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(cats) != 1 || cats[0].Name != "社会建设" {
		t.Errorf("categories %+v: a rejected row must create none (文化建设)", cats)
	}
}

func testStrict(t *testing.T, open Open) {
	ctx := context.Background()
	s := open(t)
	seedUnits(t, s)
	bad := dataSharing()
	bad.LeadUnit = "市不存在局"
	rep := mustImport(t, s, []tian.Record{rec(2, eldercare()), rec(3, bad)}, tian.ImportOptions{File: "s.csv", Strict: true})
	if rep.Committed || rep.Inserted != 0 || len(rep.Errors) != 1 || rep.NewCategories != nil || rep.Batch != 0 {
		t.Errorf("strict report %+v, want nothing committed and one error", rep)
	}
	assertEmpty(t, s, "a refused strict import")
	units, err := s.Units(ctx)
	if err != nil || len(units) != 5 {
		t.Errorf("units %+v, %v: a refused import must create none", units, err)
	}
}

// assertEmpty checks that no proposal, category or change was written.
func assertEmpty(t *testing.T, s Store, after string) {
	t.Helper()
	if n := count(t, s); n != 0 {
		t.Errorf("%d proposals stored after %s", n, after)
	}
	if cats, _ := s.Categories(context.Background()); len(cats) != 0 {
		t.Errorf("categories %v created by %s", cats, after)
	}
	if cs := changes(t, s); len(cs) != 0 {
		t.Errorf("change log %+v after %s", cs, after)
	}
}

func testDryRun(t *testing.T, open Open) {
	s := open(t)
	seedUnits(t, s)
	rep := mustImport(t, s, []tian.Record{rec(2, eldercare()), rec(3, dataSharing())}, tian.ImportOptions{File: "d.xlsx", DryRun: true})
	if !rep.DryRun || rep.Committed || rep.Inserted != 2 || len(rep.NewCategories) != 2 {
		t.Errorf("dry run %+v, want the counts of a commit and nothing committed", rep)
	}
	assertEmpty(t, s, "a dry run")
}

// An import whose context ends part-way (the client went away) commits
// nothing: the records already written roll back.
func testCancelledImport(t *testing.T, open Open) {
	s := open(t)
	seedUnits(t, s)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	third := eldercare()
	third.Number, third.Title = "20240171", "关于完善城东区老旧小区加装电梯补贴政策的提案"
	recs := []tian.Record{rec(2, eldercare()), rec(3, dataSharing()), rec(4, third)}
	rep, err := s.ImportProposals(ctx, recs, tian.ImportOptions{File: "c.xlsx", Progress: func(done int) {
		if done == 2 {
			cancel()
		}
	}})
	if err == nil {
		t.Fatalf("import cancelled after two records returned %+v and no error", rep)
	}
	assertEmpty(t, s, "a cancelled import")
}

// With an empty catalogue the units are learnt from the data; afterwards an
// unknown unit needs NewUnits.
func testLearnsUnits(t *testing.T, open Open) {
	s := open(t)
	rep := mustImport(t, s, []tian.Record{rec(2, eldercare())}, tian.ImportOptions{File: "x.jsonl"})
	if rep.Inserted != 1 || !reflect.DeepEqual(rep.NewUnits, []string{"市民政局", "市卫健委"}) {
		t.Fatalf("report %+v: want the two units created, lead first", rep)
	}
	other := dataSharing()
	if rep = mustImport(t, s, []tian.Record{rec(2, other)}, tian.ImportOptions{File: "y.jsonl"}); rep.Rejected != 1 {
		t.Errorf("unknown unit with a catalogue: %+v, want rejected", rep)
	}
	if rep = mustImport(t, s, []tian.Record{rec(2, other)}, tian.ImportOptions{File: "y.jsonl", NewUnits: true}); rep.Inserted != 1 {
		t.Errorf("unknown unit with NewUnits: %+v, want inserted", rep)
	}
	units, err := s.Units(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, u := range units {
		names = append(names, u.Name)
	}
	if !slices.Equal(names, []string{"市卫健委", "市大数据中心", "市民政局"}) {
		t.Errorf("units %v, want the three learnt, by name", names)
	}
}

func testDelete(t *testing.T, open Open) {
	ctx := context.Background()
	s := open(t)
	seedUnits(t, s)
	merged := eldercare()
	merged.Number, merged.Status, merged.MergedInto, merged.Proposer = "20240170", tian.StatusMerged, "20240157", "张华"
	mustImport(t, s, []tian.Record{rec(2, eldercare()), rec(3, merged)}, tian.ImportOptions{File: "m"})
	wantCode(t, "deleting a merge target", s.DeleteProposal(ctx, "20240157", "staff"), tian.ECONFLICT)
	if err := s.DeleteProposal(ctx, "20240170", "staff"); err != nil {
		t.Fatal(err)
	}
	_, err := s.Proposal(ctx, "20240170")
	wantCode(t, "reading a deleted proposal", err, tian.ENOTFOUND)
	wantCode(t, "deleting it again", s.DeleteProposal(ctx, "20240170", "staff"), tian.ENOTFOUND)
	cs := changes(t, s)
	if last := cs[len(cs)-1]; last.Op != tian.ChangeDelete || last.Number != "20240170" || len(cs) != 3 {
		t.Errorf("changes %+v, want the delete last and nothing logged for the refused ones", cs)
	}
	if err := s.DeleteProposal(ctx, "20240157", "staff"); err != nil {
		t.Errorf("deleting the target once nothing is merged into it: %v", err)
	}
	if n := count(t, s); n != 0 {
		t.Errorf("%d proposals left", n)
	}
}

func testChanges(t *testing.T, open Open) {
	ctx := context.Background()
	s := open(t)
	var recs []tian.Record
	for i := range 7 {
		p := eldercare()
		p.Number = fmt.Sprintf("202401%02d", i+1)
		p.Title = fmt.Sprintf("关于第%d批社区嵌入式养老服务站点建设的提案", i+1)
		recs = append(recs, rec(i+2, p))
	}
	mustImport(t, s, recs, tian.ImportOptions{File: "c.jsonl"})
	all := changes(t, s)
	if len(all) != 7 {
		t.Fatalf("changes %+v, want 7", all)
	}
	for i := 1; i < len(all); i++ {
		if all[i].Seq <= all[i-1].Seq {
			t.Errorf("changes out of order: %+v", all)
		}
	}
	page, err := s.Changes(ctx, all[2].Seq, 3)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(page, all[3:6]) {
		t.Errorf("Changes(after %d, 3) = %+v, want %+v", all[2].Seq, page, all[3:6])
	}
	if rest, _ := s.Changes(ctx, all[6].Seq, 10); len(rest) != 0 {
		t.Errorf("changes after the last: %+v", rest)
	}
}

// Imports running at once all commit, and every one of their proposals
// is in the change log once, in an order a reader can follow.
func testConcurrentImports(t *testing.T, open Open) {
	s := open(t)
	seedUnits(t, s)
	const writers, each = 4, 5
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var recs []tian.Record
			for i := range each {
				p := eldercare()
				p.Number = fmt.Sprintf("2024%d%03d", w+1, i)
				p.Title = fmt.Sprintf("关于城东区第%d片区第%d个社区养老服务站的提案", w+1, i+1)
				recs = append(recs, rec(i+2, p))
			}
			rep, err := s.ImportProposals(context.Background(), recs, tian.ImportOptions{File: fmt.Sprintf("w%d.xlsx", w)})
			if err == nil && rep.Inserted != each {
				err = fmt.Errorf("writer %d: %+v", w, rep)
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if n := count(t, s); n != writers*each {
		t.Errorf("%d proposals, want %d", n, writers*each)
	}
	seen := map[string]bool{}
	for _, c := range changes(t, s) {
		seen[c.Number] = true
	}
	if len(seen) != writers*each {
		t.Errorf("%d proposals in the change log, want %d", len(seen), writers*each)
	}
	cats, _ := s.Categories(context.Background())
	if len(cats) != 1 {
		t.Errorf("categories %+v: one category created once by concurrent imports", cats)
	}
}

func testFeedback(t *testing.T, open Open) {
	ctx := context.Background()
	s := open(t)
	seedUnits(t, s)
	if err := s.ImportCategories(ctx, []tian.Category{{Code: "economic", Name: "经济建设", Scope: "产业、营商环境"}}, "test"); err != nil {
		t.Fatal(err)
	}
	mustImport(t, s, []tian.Record{rec(2, eldercare())}, tian.ImportOptions{File: "f"})
	id1, err := s.AddFeedback(ctx, tian.Feedback{Number: "20240157", Kind: "category", Suggested: "经济建设",
		Chosen: " 社会建设 ", Actor: "reviewer:li", ModelVersion: "2024-03"})
	if err != nil {
		t.Fatal(err)
	}
	id2, err := s.AddFeedback(ctx, tian.Feedback{Kind: "lead_unit", Suggested: "市发展和改革委员会", Chosen: "市大数据中心",
		Accepted: false, Text: "关于推进政务数据共享开放的提案", Actor: "reviewer:wang"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddFeedback(ctx, tian.Feedback{Number: "20240157", Kind: "category", Chosen: "economic", Accepted: true, Actor: "reviewer:li"}); err != nil {
		t.Fatal(err)
	}
	if id2 <= id1 {
		t.Errorf("ids %d then %d, want increasing", id1, id2)
	}
	for what, f := range map[string]tian.Feedback{
		"unknown kind":     {Kind: "mood", Chosen: "社会建设", Actor: "r"},
		"no chosen value":  {Kind: "category", Chosen: "  ", Actor: "r"},
		"unknown category": {Kind: "category", Chosen: "民生建设", Actor: "r"},
		"unknown unit":     {Kind: "co_unit", Chosen: "市发改局", Actor: "r"},
	} {
		_, err := s.AddFeedback(ctx, f)
		wantCode(t, what, err, tian.EINVALID)
	}
	_, err = s.AddFeedback(ctx, tian.Feedback{Number: "20249999", Kind: "category", Chosen: "社会建设", Actor: "r"})
	wantCode(t, "feedback on a missing proposal", err, tian.ENOTFOUND)
	_, err = s.AddFeedback(ctx, tian.Feedback{Kind: "category", Chosen: "社会建设", Text: strings.Repeat("养老", tian.MaxBodyRunes), Actor: "r"})
	wantCode(t, "feedback on an overlong text", err, tian.ETOOLARGE)
	fbs, err := s.Feedbacks(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(fbs) != 3 {
		t.Fatalf("feedbacks %+v, want the three accepted ones", fbs)
	}
	if f := fbs[0]; f.ID != id1 || f.Chosen != "社会建设" || f.Accepted || f.ModelVersion != "2024-03" || f.Actor != "reviewer:li" || f.At == "" {
		t.Errorf("first feedback %+v", f)
	}
	if f := fbs[1]; f.Chosen != "市数据局" || f.Text == "" || f.Number != "" {
		t.Errorf("second feedback %+v: the former name should be stored as 市数据局", f)
	}
	if f := fbs[2]; f.Chosen != "经济建设" || !f.Accepted {
		t.Errorf("third feedback %+v: the code should be stored as the name 经济建设", f)
	}
}

// Institutional reform: a unit that routings name is renamed; importing the
// new unit with the old name as an alias moves its routings over.
func testUnitRename(t *testing.T, open Open) {
	ctx := context.Background()
	s := open(t)
	old := dataSharing()
	mustImport(t, s, []tian.Record{rec(2, old)}, tian.ImportOptions{File: "2021.xlsx"})
	if p := stored(t, s, old.Number); p.LeadUnit != "市大数据中心" {
		t.Fatalf("lead unit %q before the reform", p.LeadUnit)
	}
	if err := s.ImportUnits(ctx, []tian.Unit{{Name: "市数据局", Kind: "政府部门", Duties: "数据资源整合共享", Aliases: []string{"市大数据中心"}}}, "staff"); err != nil {
		t.Fatal(err)
	}
	if p := stored(t, s, old.Number); p.LeadUnit != "市数据局" {
		t.Errorf("lead unit %q after the reform, want 市数据局", p.LeadUnit)
	}
	units, _ := s.Units(ctx)
	want := []tian.Unit{{Name: "市数据局", Kind: "政府部门", Duties: "数据资源整合共享", Aliases: []string{"市大数据中心"}}}
	if !reflect.DeepEqual(units, want) {
		t.Errorf("units after the reform: %+v, want %+v", units, want)
	}
	if cs := changes(t, s); len(cs) != 2 {
		t.Errorf("changes %+v: the proposal whose unit changed must be logged for the index", cs)
	}
	err := s.ImportUnits(ctx, []tian.Unit{{Name: "市教育局"}, {Name: " "}}, "staff")
	wantCode(t, "a unit without a name", err, tian.EINVALID)
	if units, _ := s.Units(ctx); len(units) != 1 {
		t.Errorf("units %+v: a refused catalogue load must add none", units)
	}
}

func testEmptyStore(t *testing.T, open Open) {
	ctx := context.Background()
	s := open(t)
	if n := count(t, s); n != 0 {
		t.Errorf("%d proposals in a new store", n)
	}
	page, err := s.ListProposals(ctx, tian.ProposalFilter{}, 0, 50)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := json.Marshal(page); string(b) != `{"total":0,"offset":0,"proposals":[]}` {
		t.Errorf("empty page %s", b)
	}
	for _, ol := range [][2]int{{-1, 10}, {0, 0}, {0, -5}, {0, 501}} {
		_, err := s.ListProposals(ctx, tian.ProposalFilter{}, ol[0], ol[1])
		wantCode(t, fmt.Sprintf("offset %d, limit %d", ol[0], ol[1]), err, tian.EINVALID)
	}
	st, err := s.Stats(ctx, 2024)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(st)
	if st.Received != 0 || strings.Contains(string(b), "null") {
		t.Errorf("stats of an empty store: %s, want zeros and no null", b)
	}
	units, err := s.Units(ctx)
	if err != nil || units == nil || len(units) != 0 {
		t.Errorf("units of an empty store: %#v, %v; want []", units, err)
	}
	wantCode(t, "deleting from an empty store", s.DeleteProposal(ctx, "20240157", "staff"), tian.ENOTFOUND)
}

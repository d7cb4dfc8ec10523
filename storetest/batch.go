package storetest

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"tian"
)

func drainage() tian.Proposal {
	return tian.Proposal{Number: "20240203", Year: 2024, Session: "十四届二次", Title: "关于系统治理城区内涝的提案",
		Body: "去年汛期老城区多处积水，建议推进雨污分流改造和海绵城市建设。", Proposer: "九三学社市委会",
		ProposerType: tian.ProposerCollective, Category: "生态文明建设", LeadUnit: "市水务局", Status: tian.StatusFiled}
}

func wantConflict(t *testing.T, err error, parts ...string) {
	t.Helper()
	if tian.ErrorCode(err) != tian.ECONFLICT {
		t.Fatalf("undo: %v, want ECONFLICT", err)
	}
	for _, p := range parts {
		if !strings.Contains(tian.ErrorMessage(err), p) {
			t.Errorf("undo refused with %q, which does not say %q", tian.ErrorMessage(err), p)
		}
	}
}

// A batch that updated a proposal cannot be undone while a later batch
// that changed it stands; undoing the later one first restores the
// proposal as the first left it and removes what it added, with the
// categories and units it created, and then the first undoes to nothing.
func testUndoBatchesInOrder(t *testing.T, open Open) {
	ctx := context.Background()
	s := open(t)
	seedUnits(t, s)
	first := mustImport(t, s, []tian.Record{rec(2, eldercare()), rec(3, dataSharing())}, tian.ImportOptions{File: "2024提案.xlsx", Actor: "staff:王芳"})
	if !first.Committed || first.Batch == 0 || first.Inserted != 2 {
		t.Fatalf("first import %+v", first)
	}
	before := stored(t, s, "20240157")
	changed := eldercare()
	changed.Reply, changed.ReplyDate = "已在城东区新建社区养老服务站12个，覆盖率提高到八成。", "2024-09-30"
	second := mustImport(t, s, []tian.Record{rec(2, changed), rec(3, drainage()), rec(4, dataSharing())},
		tian.ImportOptions{File: "2024答复.xlsx", Actor: "staff:李强", NewUnits: true})
	if second.Batch <= first.Batch || second.Updated != 1 || second.Inserted != 1 || second.Unchanged != 1 {
		t.Fatalf("second import %+v", second)
	}

	page, err := s.Batches(ctx, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != 2 || len(page.Batches) != 2 || page.Batches[0].ID != second.Batch || page.Batches[1].File != "2024提案.xlsx" {
		t.Fatalf("batches %+v, want the second first", page)
	}
	b := page.Batches[0]
	if b.Actor != "staff:李强" || b.Added != 1 || b.Updated != 1 || b.Unchanged != 1 || b.Rows != 3 || b.At == "" || b.UndoneAt != "" ||
		!reflect.DeepEqual(b.NewCategories, []string{"生态文明建设"}) || !reflect.DeepEqual(b.NewUnits, []string{"市水务局"}) {
		t.Errorf("second batch %+v", b)
	}
	if page.Batches[1].NewCategories == nil || page.Batches[1].NewUnits == nil {
		t.Errorf("first batch %+v: want [] for no new categories or units", page.Batches[1])
	}
	if p, err := s.Batches(ctx, 1, 1); err != nil || p.Total != 2 || len(p.Batches) != 1 || p.Batches[0].ID != first.Batch {
		t.Errorf("second page of one: %+v, %v", p, err)
	}
	for _, ol := range [][2]int{{-1, 10}, {0, 0}, {0, 501}} {
		_, err := s.Batches(ctx, ol[0], ol[1])
		wantCode(t, fmt.Sprintf("batches at offset %d, limit %d", ol[0], ol[1]), err, tian.EINVALID)
	}

	_, err = s.UndoBatch(ctx, first.Batch, "staff:王芳")
	wantConflict(t, err, "20240157", fmt.Sprintf("第%d批导入“2024答复.xlsx”", second.Batch), "请先撤销")
	if got := stored(t, s, "20240157"); got.Reply != changed.Reply {
		t.Fatalf("a refused undo changed 20240157: %+v", got)
	}

	seq := len(changes(t, s))
	undo, err := s.UndoBatch(ctx, second.Batch, "staff:王芳")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(undo.Removed, []string{"20240203"}) || !reflect.DeepEqual(undo.Restored, []string{"20240157"}) ||
		!reflect.DeepEqual(undo.RemovedCategories, []string{"生态文明建设"}) || !reflect.DeepEqual(undo.RemovedUnits, []string{"市水务局"}) {
		t.Errorf("undo %+v", undo)
	}
	if undo.Batch.ID != second.Batch || undo.Batch.UndoneBy != "staff:王芳" || undo.Batch.UndoneAt == "" {
		t.Errorf("undone batch %+v", undo.Batch)
	}
	if got := stored(t, s, "20240157"); !reflect.DeepEqual(got, before) {
		t.Errorf("restored %+v\nwant %+v", got, before)
	}
	if _, err := s.Proposal(ctx, "20240203"); tian.ErrorCode(err) != tian.ENOTFOUND {
		t.Errorf("the added proposal is still there: %v", err)
	}
	if got := changes(t, s)[seq:]; len(got) != 2 || got[0].Number != "20240157" || got[0].Op != tian.ChangeUpsert ||
		got[1].Number != "20240203" || got[1].Op != tian.ChangeDelete {
		t.Errorf("changes logged by the undo %+v, want the restore and the removal (by number)", got)
	}
	units, _ := s.Units(ctx)
	for _, u := range units {
		if u.Name == "市水务局" {
			t.Error("the unit the undone batch created is still in the catalogue")
		}
	}
	if got, err := s.Batch(ctx, second.Batch); err != nil || got.UndoneBy != "staff:王芳" || got.UndoneAt != undo.Batch.UndoneAt {
		t.Errorf("batch after undo %+v, %v", got, err)
	}
	_, err = s.UndoBatch(ctx, second.Batch, "staff:王芳")
	wantConflict(t, err, "已于", "由staff:王芳撤销")

	if _, err := s.UndoBatch(ctx, first.Batch, "staff:王芳"); err != nil {
		t.Fatalf("undo the first once the second is undone: %v", err)
	}
	if n := count(t, s); n != 0 {
		t.Errorf("%d proposals left after undoing every batch", n)
	}
	_, err = s.UndoBatch(ctx, 999, "staff")
	wantCode(t, "undo of no batch", err, tian.ENOTFOUND)
	_, err = s.Batch(ctx, 999)
	wantCode(t, "no batch", err, tian.ENOTFOUND)
}

// An edit after a batch (not a batch itself) and a delete refuse the
// undo, naming the proposals; so does a proposal outside the batch merged
// into one it added.
func testUndoRefused(t *testing.T, open Open) {
	ctx := context.Background()
	s := open(t)
	seedUnits(t, s)
	b := mustImport(t, s, []tian.Record{rec(2, eldercare()), rec(3, dataSharing())}, tian.ImportOptions{File: "2024.csv", Actor: "staff"})
	edited := stored(t, s, "20240157")
	edited.Title += "（修改稿）"
	if rep := mustImport(t, s, []tian.Record{rec(1, *edited)}, tian.ImportOptions{File: "api", Edit: true, Actor: "staff"}); rep.Batch != 0 || rep.Updated != 1 {
		t.Fatalf("edit %+v, want no batch", rep)
	}
	if err := s.DeleteProposal(ctx, "20210612", "staff"); err != nil {
		t.Fatal(err)
	}
	_, err := s.UndoBatch(ctx, b.Batch, "staff")
	wantConflict(t, err, "20240157（此后被修改）", "20210612（此后被删除）", "未执行")
	if page, _ := s.Batches(ctx, 0, 10); page.Total != 1 {
		t.Errorf("%d batches, want the import only", page.Total)
	}
	if got := stored(t, s, "20240157"); got.Title != edited.Title {
		t.Errorf("a refused undo changed the edit: %q", got.Title)
	}

	lead := mustImport(t, s, []tian.Record{rec(2, drainage())}, tian.ImportOptions{File: "内涝.xlsx", NewUnits: true})
	joined := drainage()
	joined.Number, joined.Title, joined.Proposer = "20240204", "关于加快老城区雨污分流改造的提案", "李华"
	joined.ProposerType, joined.Status, joined.MergedInto = tian.ProposerMember, tian.StatusMerged, "20240203"
	mustImport(t, s, []tian.Record{rec(2, joined)}, tian.ImportOptions{File: "并案.xlsx"})
	_, err = s.UndoBatch(ctx, lead.Batch, "staff")
	wantConflict(t, err, "20240204并入20240203")
}

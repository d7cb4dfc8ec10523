package storetest

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"tian"
)

// Every write is audited, newest first, with who, what and on what: the
// catalogue loads, an import (by file), a delete, tokens, an undo (by
// batch), words, groups (with their version and size) and a tuning; an
// edit an actor records through Audit too. An edit written by hand is
// audited as an import of its own.
func testAudit(t *testing.T, open Open) {
	ctx := context.Background()
	s := open(t)
	seedUnits(t, s)
	rep := mustImport(t, s, []tian.Record{rec(2, eldercare()), rec(3, dataSharing())}, tian.ImportOptions{File: "2024提案.xlsx", Actor: "staff:王芳"})
	if err := s.DeleteProposal(ctx, "20210612", "staff:李强"); err != nil {
		t.Fatal(err)
	}
	_, tok, err := s.CreateToken(ctx, "审查组", tian.RoleReviewer, "admin:赵")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.RevokeToken(ctx, tok.ID, "admin:赵"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DecideWords(ctx, []tian.Word{{Word: "首发经济", Status: tian.WordAccepted}, {Word: "推进城", Status: tian.WordRejected}}, "staff:王芳"); err != nil {
		t.Fatal(err)
	}
	if err := s.ForgetWord(ctx, "推进城", "staff:李强"); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveGroupTuning(ctx, tian.GroupTuning{Threshold: 0.15, Years: []int{2021, 2022}, F1: 0.71, Previous: 0.13, PreviousF1: 0.69}, "staff:王芳"); err != nil {
		t.Fatal(err)
	}
	if err := s.Audit(ctx, "staff:王芳", "proposals.export", "2024", "导出1件"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UndoBatch(ctx, rep.Batch, "staff:王芳"); tian.ErrorCode(err) != tian.ECONFLICT {
		t.Fatalf("undo after a delete: %v, want ECONFLICT (and no audit line)", err)
	}
	log, err := s.AuditLog(ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	got := auditLines(t, s, 100)
	for i, e := range log {
		if at, err := time.Parse(time.RFC3339, e.At); err != nil || time.Since(at) > time.Hour || time.Until(at) > time.Minute {
			t.Errorf("entry %d at %q, want now in RFC 3339", i, e.At)
		}
		if i > 0 && log[i-1].ID <= e.ID {
			t.Errorf("entries not newest first at %d", i)
		}
	}
	want := []string{
		"staff:王芳 proposals.export 2024 导出1件",
		"staff:王芳 groups.tune  阈值 0.13 → 0.15（2021、2022年，F1 0.690 → 0.710）",
		"staff:李强 words.forget 推进城 原为rejected",
		"staff:王芳 words.rejected 推进城 ",
		"staff:王芳 words.accepted 首发经济 ",
		fmt.Sprintf("admin:赵 tokens.revoke %d ", tok.ID),
		fmt.Sprintf("admin:赵 tokens.create %d 审查组 reviewer", tok.ID),
		"staff:李强 proposals.delete 20210612 ",
		fmt.Sprintf("staff:王芳 proposals.import 2024提案.xlsx rows 2, inserted 2, updated 0, unchanged 0, rejected 0, not proposals 0, batch %d", rep.Batch),
		"test units.import  5 units",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("audit log\n%q\nwant\n%q", got, want)
	}
	if log, _ := s.AuditLog(ctx, 2); len(log) != 2 || log[0].Action != "proposals.export" {
		t.Errorf("the newest 2 entries: %+v", log)
	}
}

// auditLines is the newest n entries of the audit log as "actor action
// target detail".
func auditLines(t *testing.T, s Store, n int) []string {
	t.Helper()
	log, err := s.AuditLog(context.Background(), n)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range log {
		out = append(out, e.Actor+" "+e.Action+" "+e.Target+" "+e.Detail)
	}
	return out
}

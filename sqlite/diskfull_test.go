package sqlite_test

import (
	"fmt"
	"strings"
	"testing"

	"tian"
	"tian/internal/diskspace/disktest"
)

// On a full disk a write is refused with ENOSPACE (rolled back, nothing
// half written), reads go on, and writes work again once there is room.
func TestFullDiskIsENOSPACE(t *testing.T) {
	dir := disktest.Tmpfs(t, 8<<20)
	db := openAt(t, dir)
	seedUnits(t, db)
	ctx := t.Context()
	if _, err := db.ImportProposals(ctx, []tian.Record{rec(2, eldercare())}, tian.ImportOptions{File: "a.csv"}); err != nil {
		t.Fatal(err)
	}
	free := disktest.Fill(t, dir)
	var recs []tian.Record
	for i := range 400 {
		p := dataSharing()
		p.Number = fmt.Sprintf("2026%04d", i)
		p.Body = strings.Repeat(fmt.Sprintf("第%d项：推进政务数据共享，打通部门之间的数据壁垒。", i), 20)
		recs = append(recs, rec(i+2, p))
	}
	_, err := db.ImportProposals(ctx, recs, tian.ImportOptions{File: "b.csv"})
	if tian.ErrorCode(err) != tian.ENOSPACE || !strings.Contains(tian.ErrorMessage(err), "磁盘已满") {
		t.Fatalf("import on a full disk: %v (code %q), want ENOSPACE", err, tian.ErrorCode(err))
	}
	if _, err := db.Proposal(ctx, eldercare().Number); err != nil {
		t.Errorf("read on a full disk: %v", err)
	}
	if _, err := db.Proposal(ctx, "20260000"); tian.ErrorCode(err) != tian.ENOTFOUND {
		t.Errorf("part of the refused import is stored: %v", err)
	}
	free()
	rep, err := db.ImportProposals(ctx, recs, tian.ImportOptions{File: "b.csv"})
	if err != nil || rep.Inserted != 400 {
		t.Fatalf("import after freeing space: %+v, %v", rep, err)
	}
}

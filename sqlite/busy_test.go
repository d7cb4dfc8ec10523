package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"tian"
	"tian/internal/slowtest"
	"tian/sqlite"
)

// A write that finds the store held by another writer (a long import or
// undo in another transaction) past the busy timeout is refused as
// EUNAVAILABLE in Chinese, with nothing written; never EINTERNAL.
func TestBusyStoreRefusesWrites(t *testing.T) {
	slowtest.Gate(t) // waits out the 10-second busy timeout
	ctx := context.Background()
	dir := t.TempDir()
	db := openAt(t, dir)
	defer db.Close()
	other, err := sql.Open("sqlite", filepath.Join(dir, sqlite.FileName)+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	conn, err := other.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	began := time.Now()
	_, err = db.SaveYearGroups(ctx, 2024, []tian.CuratedGroup{}, 0, "王芳")
	t.Logf("a save while another writer holds the store: %v after %v", err, time.Since(began).Round(time.Millisecond))
	if tian.ErrorCode(err) != tian.EUNAVAILABLE || !hasHan(tian.ErrorMessage(err)) {
		t.Errorf("a save while the store is held: %v (code %s), want unavailable in Chinese", err, tian.ErrorCode(err))
	}
	_, _, err = db.CreateToken(ctx, "李娜", tian.RoleMember, "admin")
	if tian.ErrorCode(err) != tian.EUNAVAILABLE {
		t.Errorf("a new token while the store is held: %v (code %s)", err, tian.ErrorCode(err))
	}
	conn.ExecContext(ctx, "ROLLBACK")
	if _, err := db.SaveYearGroups(ctx, 2024, []tian.CuratedGroup{}, 0, "王芳"); err != nil {
		t.Errorf("the save once the store is free: %v", err)
	}
}

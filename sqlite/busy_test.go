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

// A request authenticated while an import holds the store is not kept
// waiting to note the token's last use (it waited the 10-second busy
// timeout before).
func TestAuthenticateDuringImport(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	clk := withClock(db)
	secret, _ := staffToken(t, db, "王科长")
	session, err := db.CreateSession(ctx, mustToken(t, db, secret).ID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	clk.advance(2 * time.Minute) // the last use is stale: the next one would write it
	inTx, release := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		recs := []tian.Record{{Row: 2, Proposal: tian.Proposal{Number: "20260001", Year: 2026, Title: "关于增设社区图书角的提案", Body: "社区缺少阅读空间。"}}}
		_, err := db.ImportProposals(ctx, recs, tian.ImportOptions{File: "图书角.csv", Actor: "王科长", Progress: func(int) {
			close(inTx)
			<-release
		}})
		done <- err
	}()
	<-inTx
	began := time.Now()
	if _, err := db.Authenticate(ctx, secret); err != nil {
		t.Error(err)
	}
	if _, err := db.SessionToken(ctx, session); err != nil {
		t.Error(err)
	}
	if took := time.Since(began); took > 2*time.Second {
		t.Errorf("authenticating while an import writes took %v", took.Round(time.Millisecond))
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatalf("the import: %v", err)
	}
	if n, _ := db.CountProposals(ctx); n != 1 {
		t.Errorf("%d proposals after the import", n)
	}
}

func mustToken(t *testing.T, db *sqlite.DB, secret string) *tian.APIToken {
	t.Helper()
	tok, err := db.Authenticate(context.Background(), secret)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

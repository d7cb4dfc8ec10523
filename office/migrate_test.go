package office_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"tian"
	"tian/internal/storecore"
	"tian/office"
	"tian/sqlite"
)

// openSQLite opens a store in a new directory, closed when the test ends.
func openSQLite(t *testing.T) (*sqlite.DB, string) {
	t.Helper()
	dir := t.TempDir()
	db, err := sqlite.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, dir
}

// tables reads every table of a store.
func tables(t *testing.T, src storecore.RowSource) map[string][]storecore.Row {
	t.Helper()
	all, err := storecore.ReadAll(context.Background(), src)
	if err != nil {
		t.Fatal(err)
	}
	return all
}

// A SQLite store copied into another holds the same rows, every table
// (the demo corpus and a little of every kind of work on it), with the
// same ids; tokens, sessions and batches work on the copy, and new rows
// are numbered after the copied ones.
func TestMigrateSQLiteToSQLite(t *testing.T) {
	ctx := context.Background()
	src, srcDir := openSQLite(t)
	sample, err := office.FillSample(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	dst, dstDir := openSQLite(t)
	var heard []string
	rep, err := office.Migrate(ctx, office.MigrateEnd{Name: srcDir, Store: src}, office.MigrateEnd{Name: dstDir, Store: dst},
		func(table string, rows int) { heard = append(heard, table) })
	if err != nil {
		t.Fatal(err)
	}
	want := tables(t, src)
	if len(rep.Tables) != len(storecore.CopyTables) || len(heard) != len(storecore.CopyTables) {
		t.Fatalf("copied %d tables, heard of %d, want %d", len(rep.Tables), len(heard), len(storecore.CopyTables))
	}
	for _, tb := range rep.Tables {
		if tb.Rows == 0 || tb.Rows != len(want[tb.Name]) {
			t.Errorf("table %s: copied %d rows, the source has %d (every table should have rows)", tb.Name, tb.Rows, len(want[tb.Name]))
		}
	}
	if rep.Proposals < 1000 {
		t.Errorf("compared %d proposals, want the demo corpus", rep.Proposals)
	}
	got := tables(t, dst)
	for name, rows := range want {
		if !reflect.DeepEqual(got[name], rows) {
			t.Errorf("table %s differs after the copy", name)
		}
	}

	tok, err := dst.Authenticate(ctx, sample.TokenSecret)
	if err != nil || tok.Name != "王科长" {
		t.Fatalf("the copied token authenticates as %+v, %v", tok, err)
	}
	if got, err := dst.SessionToken(ctx, sample.SessionSecret); err != nil || got.ID != tok.ID {
		t.Errorf("the copied session reads as %+v, %v", got, err)
	}
	_, fresh, err := dst.CreateToken(ctx, "新同事", tian.RoleMember, "admin")
	if err != nil || fresh.ID <= tok.ID+1 {
		t.Errorf("a token made on the copy: %+v, %v; want an id after the copied ones", fresh, err)
	}
	undo, err := dst.UndoBatch(ctx, sample.Reply, "staff:张")
	if err != nil || len(undo.Restored) != 1 || undo.Restored[0] != sample.Number {
		t.Fatalf("undoing the copied reply batch: %+v, %v", undo, err)
	}
	p, err := dst.Proposal(ctx, sample.Number)
	if err != nil || strings.Contains(p.Reply, "年内完成试点") || slices.Contains(p.CoUnits, "市低空经济发展服务中心") {
		t.Errorf("after the undo on the copy %s reads %+v, %v", sample.Number, p, err)
	}
	if p, _ := src.Proposal(ctx, sample.Number); !strings.Contains(p.Reply, "年内完成试点") {
		t.Errorf("the undo on the copy changed the source: %q", p.Reply)
	}
}

// A destination that holds anything is refused, naming it and the
// table, and left as it was; so is a copy onto itself.
func TestMigrateRefusesAStoreInUse(t *testing.T) {
	ctx := context.Background()
	src, srcDir := openSQLite(t)
	dst, dstDir := openSQLite(t)
	p := tian.Proposal{Number: "20250001", Year: 2025, Title: "关于推进老旧小区加装电梯的提案", Body: "加装电梯进展缓慢。",
		Proposer: "民进市委会", ProposerType: tian.ProposerCollective, Status: tian.StatusFiled}
	for _, db := range []*sqlite.DB{src, dst} {
		if _, err := db.ImportProposals(ctx, []tian.Record{{Row: 2, Proposal: p}}, tian.ImportOptions{File: "电梯.xlsx", Actor: "staff", NewUnits: true}); err != nil {
			t.Fatal(err)
		}
	}
	before := tables(t, dst)
	_, err := office.Migrate(ctx, office.MigrateEnd{Name: srcDir, Store: src}, office.MigrateEnd{Name: dstDir, Store: dst}, nil)
	if tian.ErrorCode(err) != tian.ECONFLICT || !strings.Contains(tian.ErrorMessage(err), dstDir) || !strings.Contains(tian.ErrorMessage(err), "proposals") {
		t.Errorf("migrating into a store in use: %v; want ECONFLICT naming %s and its proposals", err, dstDir)
	}
	if !reflect.DeepEqual(tables(t, dst), before) {
		t.Error("the refused destination changed")
	}
	_, err = office.Migrate(ctx, office.MigrateEnd{Name: srcDir, Store: src}, office.MigrateEnd{Name: srcDir, Store: src}, nil)
	if tian.ErrorCode(err) != tian.EINVALID {
		t.Errorf("migrating a store onto itself: %v, want EINVALID", err)
	}
}

// A value the copy cannot carry (a time that is not one) stops it with
// an error naming the source, the table and the column, and the
// destination keeps nothing of the tables copied before it.
func TestMigrateIsAllOrNothing(t *testing.T) {
	ctx := context.Background()
	src, srcDir := openSQLite(t)
	p := tian.Proposal{Number: "20250002", Year: 2025, Title: "关于加强社区嵌入式养老服务的提案", Body: "城东区养老服务站点不足。",
		Proposer: "民盟市委会", ProposerType: tian.ProposerCollective, Status: tian.StatusFiled, LeadUnit: "市民政局"}
	if _, err := src.ImportProposals(ctx, []tian.Record{{Row: 2, Proposal: p}}, tian.ImportOptions{File: "养老.xlsx", Actor: "staff", NewUnits: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := src.DecideWords(ctx, []tian.Word{{Word: "加装电梯", Status: tian.WordAccepted}}, "staff:张"); err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", filepath.Join(srcDir, sqlite.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`UPDATE words SET decided_at = '去年春天'`); err != nil {
		t.Fatal(err)
	}
	dst, dstDir := openSQLite(t)
	_, err = office.Migrate(ctx, office.MigrateEnd{Name: srcDir, Store: src}, office.MigrateEnd{Name: dstDir, Store: dst}, nil)
	msg := tian.ErrorMessage(err)
	if err == nil || !strings.Contains(msg, srcDir) || !strings.Contains(msg, "words") || !strings.Contains(msg, "decided_at") {
		t.Fatalf("copying a bad time: %v; want an error naming the source, words and decided_at", err)
	}
	counts, err := dst.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for table, n := range counts {
		if n != 0 {
			t.Errorf("the failed copy left %d rows in %s", n, table)
		}
	}
}

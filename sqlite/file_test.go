package sqlite_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"tian"
	"tian/sqlite"
)

// readAll returns the bytes of every file in dir, concatenated.
func readAll(t testing.TB, dir string) string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		b.Write(data)
	}
	return b.String()
}

func wantMode(t testing.TB, path string, want fs.FileMode) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Error(err)
		return
	}
	if got := fi.Mode().Perm(); got != want {
		t.Errorf("%s has mode %v, want %v", filepath.Base(path), got, want)
	}
}

// The database, its WAL and shared memory, and backups are the owner's
// only, whatever the umask; so are the folders tian creates for them.
func TestFilesArePrivate(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "tian-data")
	db := openAt(t, dir)
	defer db.Close()
	ps := demo(t, "20210001")
	mustImport(t, db, []tian.Record{rec(2, ps[0])}, tian.ImportOptions{File: "demo"})
	wantMode(t, dir, 0o700)
	for _, name := range []string{sqlite.FileName, sqlite.FileName + "-wal", sqlite.FileName + "-shm"} {
		wantMode(t, filepath.Join(dir, name), 0o600)
	}
	backup := filepath.Join(t.TempDir(), "b", "tian.db")
	if err := db.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	wantMode(t, backup, 0o600)
	wantMode(t, filepath.Dir(backup), 0o700)
	if err := db.Backup(ctx, backup); tian.ErrorCode(err) != tian.ECONFLICT {
		t.Errorf("backup over a backup: err = %v, want ECONFLICT", err)
	}
}

// A database made by an older tian, readable by all, is made private when
// opened.
func TestOpenMakesOldFilesPrivate(t *testing.T) {
	dir := t.TempDir()
	db := openAt(t, dir)
	db.Close()
	path := filepath.Join(dir, sqlite.FileName)
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	db = openAt(t, dir)
	defer db.Close()
	wantMode(t, path, 0o600)
}

// A deleted proposal's text is overwritten, not left in free pages.
func TestDeletedProposalLeavesNoText(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := openAt(t, dir)
	ps := demo(t, "20210001", "20210002", "20210003")
	const marker = "涉密标记XJ7Q9不得外传"
	ps[1].Body += "\n" + marker
	mustImport(t, db, []tian.Record{rec(2, ps[0]), rec(3, ps[1]), rec(4, ps[2])}, tian.ImportOptions{File: "demo"})
	db.Close() // checkpoints the WAL into the database
	if !strings.Contains(readAll(t, dir), marker) {
		t.Fatal("the marker is not in the database: the test proves nothing")
	}
	db = openAt(t, dir)
	if err := db.DeleteProposal(ctx, ps[1].Number, "staff"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if strings.Contains(readAll(t, dir), marker) {
		t.Error("the deleted proposal's text is still in the database file")
	}
}

// A backup opened read-only counts what it holds, not what the live store
// has since gained, and cannot be written.
func TestOpenReadOnlyCountsTheBackup(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	ps := demo(t, "20210001", "20210002", "20210003")
	mustImport(t, db, []tian.Record{rec(2, ps[0]), rec(3, ps[1])}, tian.ImportOptions{File: "demo"})
	want, _ := db.Counts(ctx)
	backup := filepath.Join(t.TempDir(), "tian.db")
	if err := db.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	mustImport(t, db, []tian.Record{rec(4, ps[2])}, tian.ImportOptions{File: "later"})
	b, err := sqlite.OpenReadOnly(ctx, backup)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	got, err := b.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("backup counts %v, want %v", got, want)
	}
	if err := b.Check(ctx); err != nil {
		t.Errorf("backup check: %v", err)
	}
	if err := b.Audit(ctx, "test", "write", "", ""); err == nil {
		t.Error("a read-only store took a write")
	}
	if _, err := sqlite.OpenReadOnly(ctx, filepath.Join(t.TempDir(), "none.db")); tian.ErrorCode(err) != tian.ENOTFOUND {
		t.Errorf("opening a missing backup: err = %v, want ENOTFOUND", err)
	}
}

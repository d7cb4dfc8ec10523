package storetest

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"tian"
)

// Backuper is a store that writes a consistent copy of itself to a file
// (the engine's own format: SQLite's database, PostgreSQL's pg_dump).
type Backuper interface {
	Backup(ctx context.Context, path string) error
}

// A backup goes to a new private file, in a folder it creates; an
// existing file is never written over.
func testBackup(t *testing.T, open Open) {
	ctx := context.Background()
	s := open(t)
	seedUnits(t, s)
	mustImport(t, s, []tian.Record{rec(2, eldercare())}, tian.ImportOptions{Actor: "test"})
	path := filepath.Join(t.TempDir(), "备份", "2024-03-04.tian")
	if err := s.Backup(ctx, path); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Size() == 0 || fi.Mode().Perm() != 0o600 {
		t.Errorf("backup of %d bytes, mode %v; want a copy only its owner reads", fi.Size(), fi.Mode().Perm())
	}
	if di, _ := os.Stat(filepath.Dir(path)); di.Mode().Perm() != 0o700 {
		t.Errorf("backup folder mode %v, want 0700", di.Mode().Perm())
	}
	wantCode(t, "a backup over an existing file", s.Backup(ctx, path), tian.ECONFLICT)
	if again, _ := os.Stat(path); again.Size() != fi.Size() || !again.ModTime().Equal(fi.ModTime()) {
		t.Error("a refused backup changed the existing file")
	}
}

package index_test

import (
	"context"
	"testing"

	"tian/index"
	"tian/sqlite"
)

// A new index closed at once, with nothing to index (a command on a fresh
// data directory), opens again: its mapping was written before Open
// returned. Repeated, as losing it depended on timing.
func TestNewIndexClosedAtOnceReopens(t *testing.T) {
	ctx := context.Background()
	seg := demo(t).seg
	for i := 0; i < 5; i++ {
		dir := t.TempDir()
		db, err := sqlite.Open(ctx, dir)
		if err != nil {
			t.Fatal(err)
		}
		ix, err := index.Open(ctx, dir, db, seg)
		if err != nil {
			t.Fatal(err)
		}
		ix.Close()
		ix, err = index.Open(ctx, dir, db, seg)
		if err != nil {
			t.Fatalf("reopening a new index: %v", err)
		}
		ix.Close()
		db.Close()
	}
}

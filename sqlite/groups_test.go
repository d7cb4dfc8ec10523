package sqlite_test

import (
	"context"
	"strings"
	"testing"

	"tian"
	"tian/sqlite"
)

// curationDB is a store with the demo proposals the tests group: the
// metro and noise ones of 2024, one not grouped, one of 2023.
func curationDB(t *testing.T) *sqlite.DB {
	t.Helper()
	db := openDB(t)
	all, err := readDemo()
	if err != nil {
		t.Fatal(err)
	}
	var recs []tian.Record
	for i, p := range all {
		if strings.HasPrefix(p.Number, "2024070") || strings.HasPrefix(p.Number, "202402") || p.Number == "20230012" {
			recs = append(recs, rec(i+2, *p))
		}
	}
	if rep := mustImport(t, db, recs, tian.ImportOptions{NewUnits: true, Actor: "test"}); rep.Rejected != 0 {
		t.Fatalf("import rejected %d rows: %v", rep.Rejected, rep.Errors)
	}
	return db
}

func auditActions(t *testing.T, db *sqlite.DB, n int) []string {
	t.Helper()
	log, err := db.AuditLog(context.Background(), n)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range log {
		out = append(out, e.Actor+" "+e.Action+" "+e.Target+" "+e.Detail)
	}
	return out
}

// Saves, confirmations and tunings are audited with the version, the
// groups and the thresholds (the behaviour itself is the store
// contract's, storetest).
func TestGroupsAreAudited(t *testing.T) {
	ctx := context.Background()
	db := curationDB(t)
	metro := []tian.CuratedGroup{{Name: "地铁站点接驳", Members: []string{"20240203", "20240211", "20240219"}}}
	y, err := db.SaveYearGroups(ctx, 2024, metro, 0, "staff:王芳")
	if err != nil {
		t.Fatal(err)
	}
	if got := auditActions(t, db, 1); got[0] != "staff:王芳 groups.save 2024 第1版：1组，3件提案" {
		t.Errorf("audit %q", got)
	}
	if _, err := db.ConfirmYearGroups(ctx, 2024, y.Version, "staff:李强"); err != nil {
		t.Fatal(err)
	}
	if got := auditActions(t, db, 1); got[0] != "staff:李强 groups.confirm 2024 第2版：1组" {
		t.Errorf("audit %q", got)
	}
	tuning := tian.GroupTuning{Threshold: 0.15, Years: []int{2021, 2022}, F1: 0.71, Previous: 0.13, PreviousF1: 0.69}
	if err := db.SaveGroupTuning(ctx, tuning, "staff:王芳"); err != nil {
		t.Fatal(err)
	}
	if a := auditActions(t, db, 1); !strings.Contains(a[0], "groups.tune") || !strings.Contains(a[0], "0.13 → 0.15") || !strings.Contains(a[0], "2021、2022年") {
		t.Errorf("audit %q", a)
	}
}

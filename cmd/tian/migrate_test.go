package main

import (
	"path/filepath"
	"strings"
	"testing"

	"tian"
)

// tian migrate copies the demo data directory into a new one, says what
// it copied and that the check passed; the copy's index is built from
// its change log when first opened, and a second copy into it, or a copy
// from a directory without a store, is refused naming the directory.
func TestMigrateCommand(t *testing.T) {
	src := demoDir(t)
	dst := filepath.Join(t.TempDir(), "迁移副本")
	out, _, err := runMain(t, "", "migrate", "--from", src, "--to", dst)
	if err != nil {
		t.Fatalf("tian migrate: %v\n%s", err, out)
	}
	for _, want := range []string{"proposals", "核对通过", "17 张表", "首次打开 " + dst} {
		if !strings.Contains(out, want) {
			t.Errorf("the output lacks %q:\n%s", want, out)
		}
	}
	out, _, err = runIn(t, dst, "search", "老旧小区加装电梯")
	if err != nil || !strings.Contains(out, "电梯") {
		t.Errorf("searching the copy: %v\n%s", err, out)
	}
	_, _, err = runMain(t, "", "migrate", "--from", src, "--to", dst)
	if tian.ErrorCode(err) != tian.ECONFLICT || !strings.Contains(tian.ErrorMessage(err), dst) {
		t.Errorf("migrating into the copy again: %v, want ECONFLICT naming %s", err, dst)
	}
	empty := t.TempDir()
	_, _, err = runMain(t, "", "migrate", "--from", empty, "--to", filepath.Join(t.TempDir(), "新目录"))
	if tian.ErrorCode(err) != tian.ENOTFOUND || !strings.Contains(tian.ErrorMessage(err), empty) {
		t.Errorf("migrating from a directory without a store: %v, want ENOTFOUND naming it", err)
	}
}

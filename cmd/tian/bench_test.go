package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"tian/internal/slowtest"
)

// runAsTian, set in a child's environment, makes the test binary run
// tian's main (TestMain).
const runAsTian = "TIAN_TEST_RUN_MAIN"

// A small bench prints every measure, with the year's 查重, and writes a
// CPU profile of each phase; run again on its directory it reuses the
// proposals and the index instead of importing them again.
func TestBenchSmallAndReused(t *testing.T) {
	slowtest.Gate(t)
	t.Setenv(runAsTian, "1") // the bench starts this binary as tian serve
	dir, prof := t.TempDir(), t.TempDir()
	args := []string{"bench", "--n", "400", "--queries", "10", "--group", "120", "--dir", dir, "--profile", prof}
	out, _, err := runIn(t, t.TempDir(), args...)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"| measure | tian | bleve out of the box |", "| import into SQLite | 400 proposals", "| index build |", "| search latency | p50 ", "(query string, 10 hits, highlighted) |", "| similar latency",
		"| grouping | 120 proposals", "| 查重 of a year | 120 proposals, all pairs", "| memory of the bench | RSS",
		"| serving: ready (process start to /readyz) | ", "| serving: RSS after a mixed load | ", "after 10 searches, 10 similar, 10 lists, 10 classifications, 1 groupings of"} {
		if !strings.Contains(out, want) {
			t.Errorf("bench prints no %q:\n%s", want, out)
		}
	}
	if !regexp.MustCompile(`\| 查重 of a year \| 120 proposals, all pairs, in [0-9.]+m?s \([0-9]+ pairs repeat each other\) \|`).MatchString(out) {
		t.Errorf("the 查重 row reads wrong:\n%s", out)
	}
	for _, f := range []string{"cpu-search.pprof", "cpu-similar.pprof", "cpu-group.pprof", "cpu-duplicates.pprof", "heap.pprof"} {
		if st, err := os.Stat(filepath.Join(prof, f)); err != nil || st.Size() == 0 {
			t.Errorf("profile %s: %v", f, err)
		}
	}
	out, _, err = runIn(t, t.TempDir(), args[:len(args)-2]...)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "| reused | 400 proposals already in") || strings.Contains(out, "import into") || !strings.Contains(out, "| similar latency") {
		t.Errorf("a second run on the directory:\n%s", out)
	}
}

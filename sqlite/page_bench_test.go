package sqlite_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"tian"
	"tian/sqlite"
	"tian/synth"
)

// The 150,000-proposal store is built once and kept under os.TempDir;
// bump benchStoreVersion when synth, the demo corpus or what an import
// stores change, so that a stale copy is not measured.
const (
	benchStoreVersion = "v2"
	benchProposals    = 150_000
	benchPage         = 50 // the API's default page
)

var benchStore struct {
	once sync.Once
	dir  string
	err  error
}

// bigStore opens the cached store of benchProposals synthetic proposals,
// building it first if needed (about half a minute on two cores).
func bigStore(b *testing.B) *sqlite.DB {
	b.Helper()
	if testing.Short() {
		b.Skip("builds a store of 150,000 proposals")
	}
	benchStore.once.Do(func() {
		benchStore.dir = filepath.Join(os.TempDir(), fmt.Sprintf("tian-sqlite-bench-%s-%d", benchStoreVersion, benchProposals))
		if _, err := os.Stat(filepath.Join(benchStore.dir, sqlite.FileName)); err == nil {
			return
		}
		benchStore.err = buildStore(b, benchStore.dir)
	})
	if benchStore.err != nil {
		b.Fatal(benchStore.err)
	}
	db, err := sqlite.Open(context.Background(), benchStore.dir)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return db
}

// buildStore imports the synthetic proposals in batches into a folder
// beside dir and renames it to dir when complete, so that an interrupted
// build leaves no store behind to be measured.
func buildStore(b *testing.B, dir string) error {
	ctx := context.Background()
	corpus, err := tian.ReadDemo()
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(os.TempDir(), "tian-sqlite-bench-build-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	db, err := sqlite.Open(ctx, tmp)
	if err != nil {
		return err
	}
	gen := synth.New(corpus, 1)
	const batch = 5_000
	for from := 0; from < benchProposals; from += batch {
		recs := make([]tian.Record, 0, batch)
		for i := from; i < min(from+batch, benchProposals); i++ {
			recs = append(recs, tian.Record{Row: i + 2, Proposal: gen.Proposal(i)})
		}
		rep, err := db.ImportProposals(ctx, recs, tian.ImportOptions{NewUnits: true, Actor: "bench"})
		if err == nil && rep.Rejected > 0 {
			err = fmt.Errorf("synthetic batch at %d: %d rejected: %v", from, rep.Rejected, rep.Errors[0])
		}
		if err != nil {
			db.Close()
			return err
		}
	}
	if err := db.Close(); err != nil {
		return err
	}
	b.Logf("built a store of %d proposals in %s", benchProposals, dir)
	if err := os.Rename(tmp, dir); err != nil && !sameStore(dir) {
		return err
	}
	return nil
}

// sameStore reports whether dir holds a store (another run built it first).
func sameStore(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, sqlite.FileName))
	return err == nil
}

// pageKind is one page a benchmark reads.
type pageKind struct {
	name   string
	filter tian.ProposalFilter
	offset func(total int) int
}

func benchPages() []pageKind {
	last := func(total int) int { return max(total-benchPage, 0) }
	return []pageKind{
		{"first", tian.ProposalFilter{}, func(int) int { return 0 }},
		{"middle", tian.ProposalFilter{}, func(total int) int { return total / 2 }},
		{"last", tian.ProposalFilter{}, last},
		{"year_last", tian.ProposalFilter{Year: 2023}, last},
		{"category_last", tian.ProposalFilter{Category: "社会建设"}, last},
		{"year_category_last", tian.ProposalFilter{Year: 2023, Category: "社会建设"}, last},
	}
}

// readPage reads one page of kind k and checks that it is full.
func readPage(b *testing.B, db *sqlite.DB, k pageKind, total int) {
	page, err := db.ListProposals(context.Background(), k.filter, k.offset(total), benchPage)
	if err != nil {
		b.Fatal(err)
	}
	if len(page.Proposals) != min(benchPage, total) || page.Total != total {
		b.Fatalf("%s: %d proposals of %d, want %d of %d", k.name, len(page.Proposals), page.Total, benchPage, total)
	}
}

// BenchmarkListProposals150k reads pages of 50 from 150,000 proposals:
// the first, the middle, the last (offset 149,950), and the last of a
// year's, a category's and a year's category's. The rss case reads 2,000
// pages of all kinds in turn and reports the process's resident memory
// before, after 1,000 and after 2,000; its ns/op is a mix of all kinds.
func BenchmarkListProposals150k(b *testing.B) {
	db := bigStore(b)
	kinds := benchPages()
	totals := make([]int, len(kinds))
	for i, k := range kinds {
		page, err := db.ListProposals(context.Background(), k.filter, 0, 1)
		if err != nil {
			b.Fatal(err)
		}
		totals[i] = page.Total
	}
	if totals[0] != benchProposals {
		b.Fatalf("the store holds %d proposals, want %d: remove %s", totals[0], benchProposals, benchStore.dir)
	}
	for i, k := range kinds {
		b.Run(k.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				readPage(b, db, k, totals[i])
			}
		})
	}
	var rss struct {
		once sync.Once
		mb   [3]float64 // before, after 1,000 and after 2,000 pages
	}
	b.Run("rss_1000_pages", func(b *testing.B) {
		rss.once.Do(func() {
			rss.mb[0] = vmRSS(b)
			for n := range 2000 {
				readPage(b, db, kinds[n%len(kinds)], totals[n%len(kinds)])
				if n == 999 {
					rss.mb[1] = vmRSS(b)
				}
			}
			rss.mb[2] = vmRSS(b)
		})
		b.ReportAllocs()
		for n := 0; b.Loop(); n++ {
			readPage(b, db, kinds[n%len(kinds)], totals[n%len(kinds)])
		}
		b.ReportMetric(rss.mb[0], "MB-rss-before")
		b.ReportMetric(rss.mb[1], "MB-rss-after-1000")
		b.ReportMetric(rss.mb[2], "MB-rss-after-2000")
	})
}

// vmRSS returns the process's resident set in MB, from /proc/self/status.
func vmRSS(b *testing.B) float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		b.Skip("no /proc/self/status:", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			if err != nil {
				b.Fatal(err)
			}
			return float64(kb) / 1024
		}
	}
	b.Fatal("no VmRSS in /proc/self/status")
	return 0
}

package index_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"tian"
	"tian/index"
	"tian/internal/diskspace/disktest"
	"tian/internal/slowtest"
	"tian/sqlite"
)

// onSmallDisk is the demo corpus in a store on the ordinary disk and its
// index (5 MB) on a 64 MB tmpfs of its own, which the test can fill. The
// reserve is 16 MB, for the default would not fit.
var smallDisk = index.Options{Reserve: 16 << 20}

func onSmallDisk(t *testing.T) (mnt string, db *sqlite.DB, ix *index.Index) {
	t.Helper()
	ctx := context.Background()
	mnt = disktest.Tmpfs(t, 64<<20)
	seg := demo(t).seg
	db, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := loadDemo(ctx, db); err != nil {
		t.Fatal(err)
	}
	if ix, err = index.OpenWith(ctx, mnt, db, seg, smallDisk); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return mnt, db, ix
}

// writeRound stores n new proposals about lifts in old housing estates and
// returns their numbers.
func writeRound(t *testing.T, db *sqlite.DB, round, n int) []string {
	t.Helper()
	var recs []tian.Record
	var numbers []string
	for i := range n {
		num := fmt.Sprintf("D%02d%03d", round, i)
		numbers = append(numbers, num)
		recs = append(recs, tian.Record{Proposal: tian.Proposal{Number: num, Year: 2026,
			Title: fmt.Sprintf("关于加快老旧小区加装电梯的提案（第%d轮）", round),
			Body:  "城东区老旧小区多，居民年龄偏大，加装电梯审批环节多、资金分摊难。建议简化审批流程，加大财政补贴，推动加装电梯全覆盖。"}})
	}
	if _, err := db.ImportProposals(context.Background(), recs, storeOpts()); err != nil {
		t.Fatal(err)
	}
	return numbers
}

// searchable fails the test unless every number is in the index.
func searchable(t *testing.T, ix *index.Index, numbers []string) {
	t.Helper()
	for _, n := range numbers {
		res, err := ix.Search(context.Background(), tian.SearchRequest{Query: "提案号:" + n})
		if err != nil || res.Total != 1 {
			t.Fatalf("%s after catch-up: %v, %+v", n, err, res)
		}
	}
}

func behind(t *testing.T, ix *index.Index) int64 {
	t.Helper()
	n, err := ix.Behind(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// On a full disk CatchUp hands bleve nothing and says ENOSPACE; the index
// keeps its last change, counts what it lags, serves searches, opens
// again, and catches up fully once there is room. (Before the guard,
// bleve's persist failed after the batch was in, the index recorded the
// batch as applied, and the next search panicked: assignment to entry in
// nil map, zapx inverted_text_cache.go.)
func TestCatchUpOnFullDisk(t *testing.T) {
	slowtest.Gate(t) // a second index of the corpus on a filled tmpfs: the full-disk gate
	ctx := context.Background()
	mnt, db, ix := onSmallDisk(t)
	before, _ := ix.LastChange()
	free := disktest.Fill(t, mnt)
	numbers := writeRound(t, db, 1, 50)
	n, err := ix.CatchUp(ctx)
	if n != 0 || tian.ErrorCode(err) != tian.ENOSPACE {
		t.Fatalf("CatchUp on a full disk: applied %d, err %v; want 0, ENOSPACE", n, err)
	}
	if last, _ := ix.LastChange(); last != before {
		t.Errorf("LastChange moved from %d to %d though nothing was indexed", before, last)
	}
	if b := behind(t, ix); b != 50 {
		t.Errorf("Behind = %d, want 50", b)
	}
	if res, err := ix.Search(ctx, tian.SearchRequest{Query: "加装电梯"}); err != nil || res.Total == 0 {
		t.Fatalf("search on a full disk: %v, %+v", err, res)
	}
	ix.Close()
	ix, err = index.OpenWith(ctx, mnt, db, demo(t).seg, smallDisk)
	if err != nil {
		t.Fatalf("Open on a full disk: %v", err)
	}
	defer ix.Close()
	if b := behind(t, ix); b != 50 {
		t.Errorf("reopened on a full disk: Behind = %d, want 50", b)
	}
	free()
	if n, err := ix.CatchUp(ctx); n != 50 || err != nil {
		t.Fatalf("CatchUp with room again: applied %d, err %v", n, err)
	}
	if b := behind(t, ix); b != 0 {
		t.Errorf("Behind = %d after catching up", b)
	}
	searchable(t, ix, numbers)
}

// When the disk fills between the free-space check and bleve's write (the
// guard off here), no search or background goroutine of bleve panics:
// the batch stays searchable, CatchUp says ENOSPACE and takes no more,
// PersistError reports the failure, and once there is room bleve writes
// the batch, CatchUp completes, and a reopened index has everything.
// (bleve deletes old segment files as it goes, so a round may find room.)
func TestFullDiskBetweenCheckAndWrite(t *testing.T) {
	slowtest.Gate(t)
	ctx := context.Background()
	mnt, db, ix := onSmallDisk(t)
	ix.SetRawReserve(0)
	searches := searchMeanwhile(t, ix)
	free := disktest.Fill(t, mnt)
	var all []string
	failures := 0
	for round := range 3 {
		all = append(all, writeRound(t, db, 10+round, 50)...)
		n, err := ix.CatchUp(ctx)
		switch tian.ErrorCode(err) {
		case tian.ENOSPACE:
			failures++
			if ix.PersistError() == nil {
				t.Errorf("round %d: PersistError is nil while bleve cannot write", round)
			}
		case "":
		default:
			t.Fatalf("round %d: CatchUp on a full disk: %v; want ENOSPACE or success", round, err)
		}
		t.Logf("round %d: applied %d (searchable), err %v; behind %d", round, n, err, behind(t, ix))
		disktest.Fill(t, mnt) // top up what bleve freed
		time.Sleep(500 * time.Millisecond)
	}
	if failures == 0 {
		t.Fatal("bleve never met the full disk; the test proves nothing")
	}
	free()
	deadline := time.Now().Add(30 * time.Second)
	for ix.PersistError() != nil && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	if err := ix.PersistError(); err != nil {
		t.Fatalf("bleve still cannot write with room again: %v", err)
	}
	if _, err := ix.CatchUp(ctx); err != nil || behind(t, ix) != 0 {
		t.Fatalf("CatchUp with room again: %v, behind %d", err, behind(t, ix))
	}
	t.Logf("%d searches while the disk was full, none failed", searches())
	searchable(t, ix, all)
	ix.Close()
	ix, err := index.OpenWith(ctx, mnt, db, demo(t).seg, smallDisk)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	want, _ := db.CountProposals(ctx)
	if got, _ := ix.Count(); got != want || behind(t, ix) != 0 {
		t.Errorf("reopened: %d indexed of %d, behind %d", got, want, behind(t, ix))
	}
	searchable(t, ix, all)
}

// searchMeanwhile searches ix in two goroutines until the test ends (or
// the returned function is called, which reports how many succeeded).
func searchMeanwhile(t *testing.T, ix *index.Index) (stop func() int64) {
	t.Helper()
	done := make(chan struct{})
	var n atomic.Int64
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			for {
				select {
				case <-done:
					return
				default:
				}
				if _, err := ix.Search(context.Background(), tian.SearchRequest{Query: "加装电梯 补贴"}); err != nil {
					t.Errorf("search while the disk is full: %v", err)
					return
				}
				n.Add(1)
			}
		})
	}
	var once sync.Once
	stop = func() int64 {
		once.Do(func() { close(done); wg.Wait() })
		return n.Load()
	}
	t.Cleanup(func() { stop() })
	return stop
}

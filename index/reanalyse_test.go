package index_test

import (
	"context"
	"fmt"
	"testing"

	"tian"
	"tian/index"
	"tian/segment"
	"tian/sqlite"
)

// A committee word accepted while serving: the segmenter cuts it whole at
// once, and Reanalyse brings the stored proposals to the same cut, so that
// a search for the word finds them again and the index records the
// vocabulary it was analysed with.
func TestReanalyseAfterCommitteeWords(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	// without zh_s, so that swaps take milliseconds (ten seconds each under
	// -race with it); the office's test swaps the full segmenter
	seg, err := segment.New(segment.Config{NoBase: true})
	if err != nil {
		t.Fatal(err)
	}
	db, err := sqlite.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var recs []tian.Record
	bodies := []string{
		"首发经济是消费新增长点。建议出台支持首发经济的专项政策，对品牌首店给予租金补贴。",
		"我市商圈缺少首店首发活动。建议打造首发经济集聚区，吸引国内外品牌在我市举办新品首发。",
		"二手房交易中带押过户仍不普及。建议推广带押过户，降低交易成本。",
	}
	for i, b := range bodies {
		recs = append(recs, tian.Record{Row: i + 1, Proposal: tian.Proposal{Number: fmt.Sprintf("2025%04d", i+1), Year: 2025,
			Title: "关于发展新型消费的提案", Body: b}})
	}
	// padding so that the collection statistics are not three documents
	for i := range 40 {
		recs = append(recs, tian.Record{Row: 10 + i, Proposal: tian.Proposal{Number: fmt.Sprintf("2025%04d", 100+i), Year: 2025,
			Title: fmt.Sprintf("关于改善第%d社区停车条件的提案", i+1), Body: "社区停车位不足，建议利用边角地建设立体停车库，推行错时共享停车。"}})
	}
	if _, err := db.ImportProposals(ctx, recs, storeOpts()); err != nil {
		t.Fatal(err)
	}
	ix, err := index.Open(ctx, dir, db, seg)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	// the process's analysis segmenter is this one now: give the fixture
	// its own back
	t.Cleanup(func() { index.AnalyseWith(demo(t).seg) })
	if v, err := ix.Vocabulary(); err != nil || v != "" {
		t.Fatalf("a new index's vocabulary = %q, %v", v, err)
	}
	hits := func(q string) int {
		res, err := ix.Search(ctx, tian.SearchRequest{Query: q, Size: 50})
		if err != nil {
			t.Fatal(err)
		}
		return res.Total
	}
	before := hits("首发经济")
	words := []string{"首发经济", "带押过户"}
	if err := seg.SetCommitteeWords(words); err != nil {
		t.Fatal(err)
	}
	swapped := hits("首发经济")
	var seen []int
	if err := ix.Reanalyse(ctx, segment.CommitteeVersion(words), func(done, total int) { seen = append(seen, done, total) }); err != nil {
		t.Fatal(err)
	}
	after := hits("首发经济")
	t.Logf("hits for 首发经济: before %d, after the swap %d, after Reanalyse %d", before, swapped, after)
	if after != 2 {
		t.Errorf("after Reanalyse, 首发经济 finds %d proposals, want the 2 that hold it", after)
	}
	if got := hits("带押过户"); got != 1 {
		t.Errorf("after Reanalyse, 带押过户 finds %d proposals, want 1", got)
	}
	if v, err := ix.Vocabulary(); err != nil || v != segment.CommitteeVersion(words) {
		t.Errorf("vocabulary after Reanalyse = %q, %v", v, err)
	}
	if len(seen) < 2 || seen[len(seen)-2] != len(recs) || seen[len(seen)-1] != len(recs) {
		t.Errorf("progress ended at %v, want %d of %d", seen, len(recs), len(recs))
	}
	// a reopened index remembers the vocabulary
	ix.Close()
	ix2, err := index.Open(ctx, dir, db, seg)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := ix2.Vocabulary(); v != segment.CommitteeVersion(words) {
		t.Errorf("reopened index's vocabulary = %q", v)
	}
	ix2.Close()
	// a new index (tian reindex) is analysed with the committee's words
	// from its first proposal, and says so: nothing to re-analyse
	ix3, err := index.Rebuild(ctx, dir, db, seg)
	if err != nil {
		t.Fatal(err)
	}
	defer ix3.Close()
	if v, _ := ix3.Vocabulary(); v != segment.CommitteeVersion(words) {
		t.Errorf("rebuilt index's vocabulary = %q", v)
	}
	if res, err := ix3.Search(ctx, tian.SearchRequest{Query: "首发经济"}); err != nil || res.Total != 2 {
		t.Errorf("rebuilt index finds 首发经济 in %+v, %v", res, err)
	}
}

// A stopped run records nothing, so that it is repeated in full.
func TestReanalyseStoppedRecordsNothing(t *testing.T) {
	f := demo(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := f.ix.Reanalyse(ctx, "1-deadbeef", nil); tian.ErrorCode(err) != tian.ETIMEOUT {
		t.Fatalf("a cancelled Reanalyse = %v, want ETIMEOUT", err)
	}
	if v, _ := f.ix.Vocabulary(); v != "" {
		t.Errorf("a stopped run recorded the vocabulary %q", v)
	}
}

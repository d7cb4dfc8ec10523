package office_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"tian"
	"tian/index"
	"tian/office"
	"tian/segment"
	"tian/sheet"
	"tian/sqlite"
)

// vocabOffice is an office over the 2024 demo proposals only, in a store
// and index of its own, with a segmenter of its own without zh_s: its
// swaps take milliseconds where the full segmenter's take ten seconds
// under -race (the index and segment tests check the cut itself). One
// segmenter analyses for a process (index.Open sets it), so the shared
// office's is given back at the end.
func vocabOffice(t *testing.T) (*office.Office, *index.Index) {
	t.Helper()
	newOffice(t)
	ctx := context.Background()
	dir := t.TempDir()
	seg, err := segment.New(segment.Config{NoBase: true})
	if err != nil {
		t.Fatal(err)
	}
	db, err := sqlite.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	res, err := sheet.ReadProposalsFS(tian.DemoFS(), tian.DemoProposals, sheet.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var recs []tian.Record
	for _, r := range res.Records {
		if r.Proposal.Year == 2024 {
			recs = append(recs, r)
		}
	}
	if _, err := db.ImportProposals(ctx, recs, tian.ImportOptions{File: "test", NewUnits: true, Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	ix, err := index.Open(ctx, dir, db, seg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ix.Close()
		index.AnalyseWith(shared.seg) // the other tests' analysis
	})
	return office.New(office.Config{DataDir: dir, Store: db, Index: ix, Segmenter: seg}), ix
}

// The committee's dictionary end to end on a year of proposals: discovery
// suggests a term the dictionaries split, accepting it cuts it whole and
// re-analyses the index (search and suggestions follow), rejecting a
// candidate keeps it out of later suggestions, and forgetting the
// decisions restores the old cut.
func TestVocabularyDiscoverAcceptApply(t *testing.T) {
	o, ix := vocabOffice(t)
	ctx := context.Background()
	res, err := o.SuggestWords(ctx, tian.WordSuggestRequest{Year: 2024, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if res.Proposals == 0 || len(res.Candidates) == 0 {
		t.Fatalf("2024 suggestions: %d proposals, %d candidates", res.Proposals, len(res.Candidates))
	}
	var accept, reject string
	for _, c := range res.Candidates {
		if len(c.Examples) == 0 || !strings.Contains(c.Examples[0], c.Word) {
			t.Errorf("%s: examples %q do not show it in context", c.Word, c.Examples)
		}
		if c.Cut == c.Word || !strings.Contains(c.Cut, " ") {
			t.Errorf("%s: the segmenter's cut %q should split it (else it is no new word)", c.Word, c.Cut)
		}
		if accept == "" && c.Docs >= 2 && utf8.RuneCountInString(c.Word) >= 4 {
			accept = c.Word
		} else if reject == "" && accept != "" {
			reject = c.Word
		}
	}
	if accept == "" || reject == "" {
		t.Fatalf("no candidate in two proposals to accept among %d", len(res.Candidates))
	}
	t.Logf("accepting %s, rejecting %s (of %d candidates, %d ms)", accept, reject, len(res.Candidates), res.TookMS)
	query := tian.SearchRequest{Query: `"` + accept + `"`, Size: 100}
	before, err := ix.Search(ctx, query)
	if err != nil {
		t.Fatal(err)
	}
	keep, stop := context.WithCancel(ctx)
	defer stop()
	go o.KeepVocabulary(keep, slog.New(slog.DiscardHandler), time.Hour)
	// the first pass of KeepVocabulary finds nothing to do
	deadline := time.Now().Add(time.Minute)
	stored, err := o.DecideWords(ctx, []tian.Word{
		{Word: accept, Status: tian.WordAccepted, Note: "测试"},
		{Word: reject, Status: tian.WordRejected},
	}, "test")
	if err != nil {
		t.Fatal(err)
	}
	if len(stored) != 2 || stored[0].By != "test" {
		t.Errorf("stored %+v", stored)
	}
	st := o.VocabularyStatus(ctx)
	if st.Accepted != 1 || st.Version == "" {
		t.Errorf("status after deciding: %+v", st)
	}
	// KeepVocabulary, as the service runs it, applies the decision without
	// waiting for its tick
	for !applied(o.VocabularyStatus(ctx)) {
		if time.Now().After(deadline) {
			t.Fatalf("not applied within a minute: %+v", o.VocabularyStatus(ctx))
		}
		time.Sleep(20 * time.Millisecond)
	}
	st = o.VocabularyStatus(ctx)
	if st.Segmenter != st.Version || st.Index != st.Version || st.Applying || st.Done == 0 || st.Error != "" {
		t.Errorf("status after applying: %+v", st)
	}
	after, err := ix.Search(ctx, query)
	if err != nil {
		t.Fatal(err)
	}
	if after.Total < before.Total || after.Total == 0 {
		t.Errorf("search for %s finds %d after applying, %d before", accept, after.Total, before.Total)
	}
	// neither decided word is suggested again; the accepted one is known
	again, err := o.SuggestWords(ctx, tian.WordSuggestRequest{Year: 2024, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range again.Candidates {
		if c.Word == accept || c.Word == reject {
			t.Errorf("%s suggested again after a decision", c.Word)
		}
	}
	// applying again with nothing new does not re-analyse
	done := st.Done
	if err := o.SyncVocabulary(ctx); err != nil {
		t.Fatal(err)
	}
	if st := o.VocabularyStatus(ctx); st.Done != done || st.Applying {
		t.Errorf("an idle sync re-analysed: %+v", st)
	}
}

func TestSuggestWordsRefusesBadRequests(t *testing.T) {
	o, _, _ := newOffice(t)
	ctx := context.Background()
	for _, req := range []tian.WordSuggestRequest{{Limit: -1}, {Limit: 501}, {Year: 1800}, {Year: 99999}} {
		if _, err := o.SuggestWords(ctx, req); tian.ErrorCode(err) != tian.EINVALID {
			t.Errorf("%+v: %v, want EINVALID", req, err)
		}
	}
	// a year with no proposals: an empty list, not null
	res, err := o.SuggestWords(ctx, tian.WordSuggestRequest{Year: 2030})
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := json.Marshal(res.Candidates); string(b) != "[]" || res.Proposals != 0 {
		t.Errorf("2030: %s from %d proposals", b, res.Proposals)
	}
}

// applied says that the accepted words are in force everywhere.
func applied(st tian.VocabularyStatus) bool {
	return st.Segmenter == st.Version && st.Index == st.Version && !st.Applying
}

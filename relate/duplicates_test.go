package relate_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"tian"
	"tian/relate"
)

// A year's 查重 over the demo corpus with the benchmark's edited copies
// added as proposals of their years: every copy of the year is found
// beside its source, as a copy when the source is of the same year and as
// a resubmission when it is of the two years before, with passages from
// both texts; nothing is reported that does not involve the year.
func TestDuplicatesOfAYear(t *testing.T) {
	ps, err := tian.ReadDemo()
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open("../testdata/neardup.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	lines, err := relate.ReadCopyBench(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	byNumber := map[string]*tian.Proposal{}
	for _, p := range ps {
		byNumber[p.Number] = p
	}
	const year = 2023
	want := map[[2]string]string{} // planted copy, source → kind
	for _, l := range lines {
		if l.Kind != "copy" {
			continue
		}
		src := byNumber[l.Source]
		if src == nil {
			t.Fatalf("copy %s: source %s is not in the demo corpus", l.Number, l.Source)
		}
		p := &tian.Proposal{Number: "2099" + strings.TrimPrefix(l.Number, "D"), Year: l.Year, Title: l.Title, Body: l.Body,
			Proposer: "测试委员", ProposerType: tian.ProposerMember, Status: tian.StatusUnknown}
		ps = append(ps, p)
		if l.Year == year && src.Year >= year-2 && src.Year <= year {
			kind := tian.MatchCopy
			if src.Year != year {
				kind = tian.MatchResubmission
			}
			want[[2]string{p.Number, src.Number}] = kind
		}
	}
	if len(want) < 10 {
		t.Fatalf("only %d planted copies of %d: the benchmark changed", len(want), year)
	}
	svc := relate.New(newFakeEngineOf(t, ps), newMemStore(ps), segmenter(t))

	rep, err := svc.Duplicates(context.Background(), tian.DuplicateRequest{Year: year})
	if err != nil {
		t.Fatal(err)
	}
	inRange := 0
	for _, p := range ps {
		if p.Year >= year-2 && p.Year <= year {
			inRange++
		}
	}
	if rep.FromYear != year-2 || rep.Compared != inRange {
		t.Errorf("compared %d proposals from %d, want %d from %d", rep.Compared, rep.FromYear, inRange, year-2)
	}
	found := map[[2]string]bool{}
	resubmissionsDone := false
	for _, d := range rep.Pairs {
		a, b := byNumberOr(ps, d.Proposal.Number), byNumberOr(ps, d.Repeats.Number)
		switch {
		case d.Proposal.Year != year:
			t.Errorf("%s (%d) is not of %d", d.Proposal.Number, d.Proposal.Year, year)
		case d.Repeats.Year < year-2:
			t.Errorf("%s repeats %s of %d, outside the two years looked back", d.Proposal.Number, d.Repeats.Number, d.Repeats.Year)
		case (d.Kind == tian.MatchCopy) != (d.Repeats.Year == year) || d.Kind != tian.MatchCopy && d.Kind != tian.MatchResubmission:
			t.Errorf("%s–%s: kind %q for years %d and %d", d.Proposal.Number, d.Repeats.Number, d.Kind, d.Proposal.Year, d.Repeats.Year)
		case d.Kind == tian.MatchCopy && d.Repeats.Number > d.Proposal.Number:
			t.Errorf("copy %s–%s: the later number should be the one repeating", d.Proposal.Number, d.Repeats.Number)
		}
		if d.Kind == tian.MatchCopy {
			resubmissionsDone = true
		} else if resubmissionsDone {
			t.Errorf("resubmission %s–%s after the copies", d.Proposal.Number, d.Repeats.Number)
		}
		if d.Cover < relate.DefaultCopyParams().Cover || len(d.Passages) == 0 {
			t.Errorf("%s–%s: cover %.3f, %d passages", d.Proposal.Number, d.Repeats.Number, d.Cover, len(d.Passages))
		}
		for _, sp := range d.Passages {
			if !strings.Contains(a.Title+a.Body, sp.A) || !strings.Contains(b.Title+b.Body, sp.B) {
				t.Errorf("%s–%s: passage %q / %q is not from the two texts in that order", d.Proposal.Number, d.Repeats.Number, sp.A, sp.B)
			}
		}
		found[[2]string{d.Proposal.Number, d.Repeats.Number}] = true
		if kind, planted := want[[2]string{d.Proposal.Number, d.Repeats.Number}]; planted && kind != d.Kind {
			t.Errorf("%s–%s: kind %s, want %s", d.Proposal.Number, d.Repeats.Number, d.Kind, kind)
		}
		if strings.HasPrefix(d.Proposal.Number, "2099") && !strings.Contains(d.Note(), d.Repeats.Number) {
			t.Errorf("note %q does not name %s", d.Note(), d.Repeats.Number)
		}
	}
	missed := 0
	for pair := range want {
		if !found[pair] {
			missed++
			t.Logf("planted copy %s of %s not found", pair[0], pair[1])
		}
	}
	// the benchmark's recall is ≥0.95 on light and moderate edits, ≥0.8 on
	// heavy ones; over a third of each, 0.9 overall
	if float64(missed) > 0.1*float64(len(want)) {
		t.Errorf("%d of %d planted copies of %d missed", missed, len(want), year)
	}
	t.Logf("%d: %d proposals compared, %d pairs (%d planted, %d missed)", year, rep.Compared, len(rep.Pairs), len(want), missed)

	for _, bad := range []tian.DuplicateRequest{{}, {Year: 2023, Lookback: 11}, {Year: 2023, Lookback: -1}, {Year: 100000}} {
		if _, err := svc.Duplicates(context.Background(), bad); tian.ErrorCode(err) != tian.EINVALID {
			t.Errorf("%+v: %v, want EINVALID", bad, err)
		}
	}
	empty, err := svc.Duplicates(context.Background(), tian.DuplicateRequest{Year: 1990})
	if err != nil || empty.Pairs == nil || len(empty.Pairs) != 0 || empty.Compared != 0 {
		t.Errorf("a year without proposals: %+v, %v", empty, err)
	}
}

func byNumberOr(ps []*tian.Proposal, number string) *tian.Proposal {
	for _, p := range ps {
		if p.Number == number {
			return p
		}
	}
	return &tian.Proposal{}
}

func newFakeEngineOf(t *testing.T, ps []*tian.Proposal) *fakeEngine {
	e := newFakeEngine(segmenter(t))
	for _, p := range ps {
		e.add(p)
	}
	return e
}

package relate_test

import (
	"context"
	"testing"

	"tian"
	"tian/internal/slowtest"
	"tian/relate"
)

// goldYears reads the corpus gold (testdata/gold.json) as the groups
// staff confirmed in the given years.
func goldYears(t *testing.T, years ...int) []tian.YearGroups {
	t.Helper()
	return readGold(t).Confirmed(years...)
}

// The threshold learnt from the 2021–2022 gold (treated as confirmed)
// groups 2023–2025, which it never saw, better than a threshold set too
// loose (0.30) or too strict (0.95) on the pair model's scale; reported
// with -v.
func TestTuneThresholdOnConfirmedGold(t *testing.T) {
	slowtest.Gate(t)
	ctx := context.Background()
	rel := demo(t).bleve.Relations()
	tuning, err := rel.TuneThreshold(ctx, goldYears(t, 2021, 2022), 0.3, nil, relate.GroupOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("tuned on 2021–2022: threshold %.2f → %.2f, F1 there %.3f → %.3f", tuning.Previous, tuning.Threshold, tuning.PreviousF1, tuning.F1)
	if tuning.F1 < tuning.PreviousF1 || len(tuning.Years) != 2 {
		t.Errorf("tuning %+v", tuning)
	}
	held := goldYears(t, 2023, 2024, 2025)
	scores, err := rel.ScoreThresholds(ctx, held, []float64{tuning.Previous, tuning.Threshold}, relate.GroupOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("2023–2025 pairwise F1 (filed proposals): %.3f at %.2f (before), %.3f at %.2f (after)",
		scores[0].F1, scores[0].Threshold, scores[1].F1, scores[1].Threshold)
	if scores[1].F1 <= scores[0].F1 {
		t.Errorf("the learnt threshold groups unseen years no better: F1 %.3f, was %.3f", scores[1].F1, scores[0].F1)
	}
	if scores[1].F1 < 0.7 {
		t.Errorf("F1 %.3f on unseen years", scores[1].F1)
	}
	// an office whose threshold was set too strict gets it back from its
	// confirmed years, and groups the unseen years better
	strict, err := rel.TuneThreshold(ctx, goldYears(t, 2021, 2022), 0.95, nil, relate.GroupOptions{})
	if err != nil {
		t.Fatal(err)
	}
	scores, err = rel.ScoreThresholds(ctx, held, []float64{0.95, strict.Threshold}, relate.GroupOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("from 0.95: tuned %.2f; 2023–2025 F1 %.3f → %.3f", strict.Threshold, scores[0].F1, scores[1].F1)
	if strict.Threshold >= 0.95 || scores[1].F1 <= scores[0].F1 {
		t.Errorf("from 0.95 the tuning chose %.2f, 2023–2025 F1 %.3f → %.3f", strict.Threshold, scores[0].F1, scores[1].F1)
	}
}

// Confirmed groups move the threshold: an office that splits its groups
// finer gets a higher threshold, one that confirms coarser groups
// (related topics joined) never a higher one.
func TestTuneThresholdFollowsTheOffice(t *testing.T) {
	slowtest.Gate(t)
	ctx := context.Background()
	rel := demo(t).bleve.Relations()
	gold := goldYears(t, 2021, 2022)
	coarse, fine := make([]tian.YearGroups, len(gold)), make([]tian.YearGroups, len(gold))
	for i, y := range gold {
		coarse[i], fine[i] = tian.YearGroups{Year: y.Year}, tian.YearGroups{Year: y.Year}
		for k := 0; k < len(y.Groups); k += 2 { // neighbours in the gold are of one category
			g := tian.CuratedGroup{Members: append([]string(nil), y.Groups[k].Members...)}
			if k+1 < len(y.Groups) && len(g.Members)+len(y.Groups[k+1].Members) <= 8 {
				g.Members = append(g.Members, y.Groups[k+1].Members...)
			} else if k+1 < len(y.Groups) {
				coarse[i].Groups = append(coarse[i].Groups, tian.CuratedGroup{Members: y.Groups[k+1].Members})
			}
			coarse[i].Groups = append(coarse[i].Groups, g)
		}
		for _, g := range y.Groups { // the three closest-numbered of each: a narrower concern
			fine[i].Groups = append(fine[i].Groups, tian.CuratedGroup{Members: g.Members[:3]})
		}
	}
	base, err := rel.TuneThreshold(ctx, gold, rel.DefaultThreshold(), nil, relate.GroupOptions{})
	if err != nil {
		t.Fatal(err)
	}
	lo, err := rel.TuneThreshold(ctx, coarse, base.Threshold, nil, relate.GroupOptions{})
	if err != nil {
		t.Fatal(err)
	}
	hi, err := rel.TuneThreshold(ctx, fine, base.Threshold, nil, relate.GroupOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("threshold from gold %.2f, from coarser groups %.2f, from finer groups %.2f", base.Threshold, lo.Threshold, hi.Threshold)
	// two topics' groups joined share few candidate edges, so no
	// threshold of the pair graph reproduces them: coarser groups keep
	// the threshold (ties go to the one in use) or lower it
	if !(lo.Threshold <= base.Threshold && hi.Threshold > base.Threshold) {
		t.Errorf("threshold from gold %.2f, coarser %.2f, finer %.2f: want coarser ≤ gold < finer", base.Threshold, lo.Threshold, hi.Threshold)
	}
	none, err := rel.TuneThreshold(ctx, nil, 0.17, nil, relate.GroupOptions{})
	if err != nil || none.Threshold != 0.17 {
		t.Errorf("with nothing confirmed: %+v, %v", none, err)
	}
	if _, err := rel.ScoreThresholds(ctx, gold, []float64{0}, relate.GroupOptions{}); tian.ErrorCode(err) != tian.EINVALID {
		t.Errorf("threshold 0: %v", err)
	}
}

// Near-duplicates inside a group are the pairs Similar flags.
func TestNearDuplicatePairsAgreeWithSimilar(t *testing.T) {
	ctx := context.Background()
	rel := demo(t).bleve.Relations()
	var numbers []string
	for _, y := range goldYears(t, 2024) {
		for _, g := range y.Groups {
			numbers = append(numbers, g.Members...)
		}
	}
	flagged := 0
	for start := 0; start < len(numbers); start += 8 {
		chunk := numbers[start:min(start+8, len(numbers))]
		pairs, err := rel.NearDuplicatePairs(ctx, chunk)
		if err != nil {
			t.Fatal(err)
		}
		for _, pr := range pairs {
			flagged++
			ms, err := rel.Similar(ctx, tian.SimilarRequest{Number: pr[0], K: 20})
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, m := range ms {
				found = found || m.Number == pr[1] && m.Duplicate()
			}
			if !found {
				t.Errorf("%s–%s flagged as near-duplicates, Similar does not say so", pr[0], pr[1])
			}
		}
	}
	t.Logf("%d near-duplicate pairs among %d grouped 2024 proposals", flagged, len(numbers))
}

package relate

import (
	"context"
	"maps"
	"math"
	"slices"
	"sort"

	"tian"
)

// ThresholdGrid are the thresholds TuneThreshold tries: 0.05 to 0.40 by
// 0.01, around the default.
func ThresholdGrid() []float64 {
	var out []float64
	for k := 5; k <= 40; k++ {
		out = append(out, float64(k)/100)
	}
	return out
}

// ThresholdScore is the mean pairwise F1 of grouping at a threshold
// against confirmed groups.
type ThresholdScore struct {
	Threshold float64 `json:"threshold"`
	F1        float64 `json:"f1"`
}

// yearGraph is one confirmed year ready to cluster: its set (filed
// proposals, 立案 and 并案, as a suggestion groups them, and every
// confirmed member),
// their similarity graph and the confirmed groups.
type yearGraph struct {
	items     []string
	set       []member
	graph     graph
	confirmed [][]string
}

// ScoreThresholds groups each confirmed year at each threshold and scores
// the groups pair by pair against the year's confirmed groups (a pair is
// positive when both proposals are in one group); it returns the mean F1
// over the years for each threshold. The similarity graph of a year is
// built once, however many thresholds. EINVALID for a threshold outside
// (0,1].
func (s *Service) ScoreThresholds(ctx context.Context, confirmed []tian.YearGroups, grid []float64, opt GroupOptions) ([]ThresholdScore, error) {
	p := paramsOr(opt.Params)
	opt = withDefaults(opt, s.modelOr(opt.Model))
	for _, th := range grid {
		if !(th > 0 && th <= 1) {
			return nil, tian.Errorf(tian.EINVALID, "阈值须在 (0,1] 之间，收到 %v", th)
		}
	}
	cs, err := s.corpus(ctx)
	if err != nil {
		return nil, err
	}
	var years []yearGraph
	for _, y := range confirmed {
		yg, err := s.yearGraph(ctx, y, p, s.modelOr(opt.Model), opt.Neighbors)
		if err != nil {
			return nil, err
		}
		years = append(years, yg)
	}
	out := make([]ThresholdScore, 0, len(grid))
	for _, th := range grid {
		var sum float64
		for _, y := range years {
			clusters, err := cluster(y.set, y.graph, cs, th, opt)
			if err != nil {
				return nil, err
			}
			var pred [][]string
			for _, c := range clusters {
				if len(c) >= 2 {
					m := make([]string, len(c))
					for i, x := range c {
						m[i] = y.items[x]
					}
					pred = append(pred, m)
				}
			}
			sum += comparePartitions(y.items, pred, y.confirmed).F1
		}
		score := ThresholdScore{Threshold: th}
		if len(years) > 0 {
			score.F1 = round3(sum / float64(len(years)))
		}
		out = append(out, score)
	}
	return out, nil
}

func (s *Service) yearGraph(ctx context.Context, y tian.YearGroups, p Params, model *PairModel, neighbors int) (yearGraph, error) {
	numbers, err := s.engine.Select(ctx, Filter{Years: &YearRange{y.Year, y.Year}, NotStatus: string(tian.StatusRejected)}, MaxGroupSet+1)
	if err != nil {
		return yearGraph{}, err
	}
	have := map[string]bool{}
	for _, n := range numbers {
		have[n] = true
	}
	out := yearGraph{}
	grouped := map[string]bool{}
	for _, g := range y.Groups {
		out.confirmed = append(out.confirmed, g.Members)
		for _, n := range g.Members {
			grouped[n] = true
			if !have[n] {
				have[n] = true
				numbers = append(numbers, n)
			}
		}
	}
	if len(numbers) > MaxGroupSet {
		return yearGraph{}, tian.Errorf(tian.ETOOLARGE, "%d年的提案超过 %d 件，无法据以调整分组阈值", y.Year, MaxGroupSet)
	}
	all, err := s.withProfiles(ctx, numbers, p)
	if err != nil {
		return yearGraph{}, err
	}
	var set []member
	for _, m := range all { // filed proposals, as a suggestion groups them, and what staff grouped
		if m.p.Filed() && !m.p.NotProposal || grouped[m.p.Number] {
			set = append(set, m)
			out.items = append(out.items, m.p.Number)
		}
	}
	out.set = set
	out.graph, err = s.similarityGraph(ctx, set, p, model, true, neighbors)
	return out, err
}

// PairSamples are the judged pairs of the confirmed years, for fitting a
// PairModel: every pair the grouping would compare (each proposal and the
// candidates retrieved for it), positive when staff put both in one group.
// Pairs with a merged (并案) proposal are left out: grouping joins those
// by the office's record, and their routing is copied from the target.
func (s *Service) PairSamples(ctx context.Context, confirmed []tian.YearGroups, opt GroupOptions) ([]PairSample, error) {
	p := paramsOr(opt.Params)
	var out []PairSample
	for _, y := range confirmed {
		yg, err := s.yearGraph(ctx, y, p, nil, opt.Neighbors)
		if err != nil {
			return nil, err
		}
		group := map[string]int{}
		for k, members := range yg.confirmed {
			for _, n := range members {
				group[n] = k + 1
			}
		}
		for i := range yg.set { // in order: the fit is then the same, digit for digit
			for _, j := range slices.Sorted(maps.Keys(yg.graph[i])) {
				a, b := yg.set[i], yg.set[j]
				if j < i || a.p.MergedInto != "" || b.p.MergedInto != "" {
					continue
				}
				ga := group[a.p.Number]
				out = append(out, PairSample{A: a.p.Number, B: b.p.Number, X: features(a.prof, b.prof, a.p, b.p), Same: ga != 0 && ga == group[b.p.Number]})
			}
		}
	}
	return out, nil
}

// BestThreshold returns the score of highest F1, the first of equals
// (scores is not empty).
func BestThreshold(scores []ThresholdScore) ThresholdScore {
	best := scores[0]
	for _, sc := range scores[1:] {
		if sc.F1 > best.F1 {
			best = sc
		}
	}
	return best
}

// TuneThreshold learns the grouping threshold from the confirmed years:
// the threshold of grid (ThresholdGrid when empty) whose groups best
// reproduce the confirmed ones (ScoreThresholds), ties going to the one
// nearest current, the threshold in use; with no confirmed year it keeps
// current. The result says both F1s, current's and the chosen one's.
func (s *Service) TuneThreshold(ctx context.Context, confirmed []tian.YearGroups, current float64, grid []float64, opt GroupOptions) (*tian.GroupTuning, error) {
	if len(grid) == 0 {
		grid = s.ThresholdGrid()
	}
	t := &tian.GroupTuning{Threshold: current, Previous: current, Years: []int{}, Scale: s.Scale()}
	if opt.Model != nil {
		t.Scale = opt.Model.Version()
	}
	for _, y := range confirmed {
		t.Years = append(t.Years, y.Year)
	}
	if len(confirmed) == 0 {
		return t, nil
	}
	scores, err := s.ScoreThresholds(ctx, confirmed, append([]float64{current}, grid...), opt)
	if err != nil {
		return nil, err
	}
	t.PreviousF1 = scores[0].F1
	best := scores[0]
	for _, sc := range scores[1:] {
		if sc.F1 > best.F1 || sc.F1 == best.F1 && math.Abs(sc.Threshold-current) < math.Abs(best.Threshold-current) {
			best = sc
		}
	}
	t.Threshold, t.F1 = best.Threshold, best.F1
	sort.Ints(t.Years)
	return t, nil
}

// NearDuplicatePairs compares every two of a few proposals (a group's
// members) and returns the pairs whose texts repeat each other, by the
// measure of Similar's resubmission and copy kinds; numbers not stored are
// skipped. ETOOLARGE for more than MaxGroupMembers numbers.
func (s *Service) NearDuplicatePairs(ctx context.Context, numbers []string) ([][2]string, error) {
	if len(numbers) > tian.MaxGroupMembers {
		return nil, tian.Errorf(tian.ETOOLARGE, "一次最多比较 %d 件提案", tian.MaxGroupMembers)
	}
	p := DefaultParams()
	set, err := s.withProfiles(ctx, numbers, p)
	if err != nil {
		return nil, err
	}
	// a member's clauses are cut only when a pair passes the overlap floor
	texts := make([]*copyText, len(set))
	text := func(i int) *copyText {
		if texts[i] == nil {
			texts[i] = newCopyText(s.seg, set[i].p.Title, set[i].p.Body)
		}
		return texts[i]
	}
	out := [][2]string{}
	for i := range set {
		for j := i + 1; j < len(set); j++ {
			if shingleOverlap(set[i].prof, set[j].prof) < copyOverlapFloor {
				continue
			}
			if _, copied := s.copies.compare(text(i), text(j)); copied {
				out = append(out, [2]string{set[i].p.Number, set[j].p.Number})
			}
		}
	}
	return out, nil
}

package classify

import (
	"context"
	"slices"

	"tian"
)

// RouteEval is the quality of routing on labelled proposals.
type RouteEval struct {
	N           int     `json:"n"`
	Top1        float64 `json:"top1"`
	Top3        float64 `json:"top3"`
	CoRecall    float64 `json:"co_recall"`
	CoPrecison  float64 `json:"co_precision"`
	CoF1        float64 `json:"co_f1"`
	CoSuggested int     `json:"co_suggested"` // co-handlers suggested
	CoGold      int     `json:"co_gold"`      // co-handlers in the real routings
	// CoReliability bins the co-handling probability of every unit but
	// the first lead candidate of every proposal against whether it
	// co-handled; CoECE is its expected calibration error. LeadECE is
	// that of the first lead candidate's probability.
	CoReliability   []ReliabilityBin `json:"co_reliability"`
	CoECE           float64          `json:"co_ece"`
	LeadReliability []ReliabilityBin `json:"lead_reliability"`
	LeadECE         float64          `json:"lead_ece"`
	// Shown is the calibration of the co-handlers suggested: their mean
	// probability and the share of them right, for those at or above
	// Likely and those below.
	Shown []ShownBand `json:"shown"`
	// LeadShown is the same for the first lead candidate by its strength
	// word.
	LeadShown []ShownBand `json:"lead_shown"`
}

// ShownBand is how often the co-handlers a page shows in one band were
// right.
type ShownBand struct {
	Band     string  `json:"band"`
	N        int     `json:"n"`
	MeanProb float64 `json:"mean_prob"`
	Observed float64 `json:"observed"`
}

// EvaluateRouter routes each filed proposal (looking only at earlier
// years' history) and compares with its real routing.
func EvaluateRouter(ctx context.Context, r *Router, nb tian.Neighbours, ps []*tian.Proposal) (RouteEval, error) {
	return r.evaluate(ctx, ps, func(p *tian.Proposal) query {
		return query{nb: nb, title: p.Title, body: p.Body, category: p.Category, before: p.Year}
	})
}

func (r *Router) evaluate(ctx context.Context, ps []*tian.Proposal, queryOf func(*tian.Proposal) query) (RouteEval, error) {
	ev := RouteEval{CoReliability: []ReliabilityBin{}, LeadReliability: []ReliabilityBin{}}
	var coHit int
	var coPreds, leadPreds []filingPred
	shown := bands(tian.CoLikely, tian.CoPossible)
	leadShown := bands(tian.StrengthHigh, tian.StrengthMedium, tian.StrengthLow)
	for _, p := range ps {
		if p.Status != tian.StatusFiled || p.LeadUnit == "" {
			continue
		}
		sc, err := r.score(ctx, queryOf(p))
		if err != nil {
			return ev, err
		}
		ranked := topK(sc.lead, 3)
		gold, co := r.canonical(p.LeadUnit), r.canonicalAll(p.CoUnits)
		ev.N++
		for i, u := range ranked {
			if r.Units[u] == gold {
				ev.Top1 += b2f(i == 0)
				ev.Top3++
			}
		}
		first, right := sc.shown[ranked[0]], r.Units[ranked[0]] == gold
		leadPreds = append(leadPreds, filingPred{p: first, y: b2i(right)})
		leadShown[strength(first, leadHigh, leadMedium)].add(first, right)
		for u, prob := range sc.co {
			if u != ranked[0] {
				coPreds = append(coPreds, filingPred{p: prob, y: b2i(slices.Contains(co, r.Units[u]))})
			}
		}
		ev.CoGold += len(co)
		_, picked := r.choose(sc, 1)
		ev.CoSuggested += len(picked)
		for _, u := range picked {
			right := slices.Contains(co, r.Units[u])
			coHit += b2i(right)
			shown[coBand(sc.co[u])].add(sc.co[u], right)
		}
	}
	if ev.N > 0 {
		ev.Top1 /= float64(ev.N)
		ev.Top3 /= float64(ev.N)
	}
	ev.CoRecall = ratio(coHit, ev.CoGold)
	ev.CoPrecison = ratio(coHit, ev.CoSuggested)
	if ev.CoRecall+ev.CoPrecison > 0 {
		ev.CoF1 = 2 * ev.CoRecall * ev.CoPrecison / (ev.CoRecall + ev.CoPrecison)
	}
	if len(coPreds) > 0 {
		ev.CoReliability, ev.CoECE = reliability(coPreds)
		ev.LeadReliability, ev.LeadECE = reliability(leadPreds)
	}
	ev.Shown = means(shown, tian.CoLikely, tian.CoPossible)
	ev.LeadShown = means(leadShown, tian.StrengthHigh, tian.StrengthMedium, tian.StrengthLow)
	return ev, nil
}

func bands(names ...string) map[string]*ShownBand {
	out := map[string]*ShownBand{}
	for _, n := range names {
		out[n] = &ShownBand{Band: n}
	}
	return out
}

func (b *ShownBand) add(p float64, right bool) {
	b.N++
	b.MeanProb += p
	b.Observed += b2f(right)
}

// means turns the bands' sums into means, in the order of names.
func means(bs map[string]*ShownBand, names ...string) []ShownBand {
	out := make([]ShownBand, 0, len(names))
	for _, n := range names {
		b := *bs[n]
		if b.N > 0 {
			b.MeanProb /= float64(b.N)
			b.Observed /= float64(b.N)
		}
		out = append(out, b)
	}
	return out
}

package classify

import (
	"context"
	"slices"

	"tian"
)

// EvaluateHeldOutYear scores a router on one held-out year of the
// training span, each proposal consulting the neighbours of the other
// years up to upTo, as training does: for choosing settings on
// train/validation years only.
func EvaluateHeldOutYear(ctx context.Context, r *Router, nb tian.Neighbours, ps []*tian.Proposal, upTo int) (RouteEval, error) {
	return r.evaluate(ctx, ps, func(p *tian.Proposal) query {
		return query{nb: nb, title: p.Title, body: p.Body, category: p.Category, exclude: p.Number, skipYear: p.Year, upTo: upTo}
	})
}

// DropRouteFeatures leaves the named features out of both routing models
// (for tuning); it returns a function that puts them back.
func DropRouteFeatures(names ...string) func() {
	lead, co := leadFeatures, coFeatures
	keep := func(idx []int) []int {
		var out []int
		for _, j := range idx {
			if !slices.Contains(names, featureNames[j]) {
				out = append(out, j)
			}
		}
		return out
	}
	leadFeatures, coFeatures = keep(lead), keep(co)
	return func() { leadFeatures, coFeatures = lead, co }
}

// HeldOutCo is one held-out proposal's co-handling scores: the first
// lead candidate, every unit's co-handling probability and the units that
// co-handled (for tuning the co-handling decision).
type HeldOutCo struct {
	First int       `json:"first"`
	Probs []float64 `json:"probs"`
	Gold  []int     `json:"gold"`
}

func HeldOutCoScores(ctx context.Context, r *Router, nb tian.Neighbours, ps []*tian.Proposal, upTo int) ([]HeldOutCo, error) {
	var out []HeldOutCo
	pos := r.unitIndex()
	for _, p := range ps {
		if p.Status != tian.StatusFiled || p.LeadUnit == "" {
			continue
		}
		sc, err := r.score(ctx, query{nb: nb, title: p.Title, body: p.Body, category: p.Category, exclude: p.Number, skipYear: p.Year, upTo: upTo})
		if err != nil {
			return nil, err
		}
		h := HeldOutCo{First: topK(sc.lead, 1)[0], Probs: sc.co, Gold: []int{}}
		for _, c := range r.canonicalAll(p.CoUnits) {
			if u, ok := pos[c]; ok {
				h.Gold = append(h.Gold, u)
			}
		}
		out = append(out, h)
	}
	return out, nil
}

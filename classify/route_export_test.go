package classify

import (
	"context"

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

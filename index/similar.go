package index

import (
	"context"
	"sort"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"tian"
)

// SimilarOptions tune Similar for evaluation and tuning; the zero value
// takes the defaults.
type SimilarOptions struct {
	Params *Params // nil: DefaultParams
}

// Candidate retrieval: the strongest terms of the source fetch this many
// proposals from the index, which are then scored exactly.
const (
	queryTerms = 12
	candidates = 50
	MaxK       = 100
)

// Similar returns the k proposals most like the source, best first, each
// with its score in [0,1], the key terms it shares with the source, and
// whether it is a near-duplicate (resubmitted or copied text) or only on
// the same topic. K is at most MaxK.
func (ix *Index) Similar(ctx context.Context, req tian.SimilarRequest) ([]tian.Match, error) {
	return ix.SimilarWith(ctx, req, SimilarOptions{})
}

// SimilarWith is Similar with tuning options.
func (ix *Index) SimilarWith(ctx context.Context, req tian.SimilarRequest, opt SimilarOptions) ([]tian.Match, error) {
	p := paramsOr(opt.Params)
	if req.K == 0 {
		req.K = 10
	}
	if req.K < 1 || req.K > MaxK {
		return nil, tian.Errorf(tian.EINVALID, "k 须在 1–%d 之间，收到 %d", MaxK, req.K)
	}
	title, body, self := req.Title, req.Body, ""
	if req.Number != "" {
		src, err := ix.store.Proposal(ctx, req.Number)
		if err != nil {
			return nil, err
		}
		title, body, self = src.Title, src.Body, src.Number
	}
	if len(title)+len(body) > 4*tian.MaxBodyRunes {
		return nil, tian.Errorf(tian.ETOOLARGE, "文本过长，无法比较（上限 %d 字）", tian.MaxBodyRunes)
	}
	cs, err := ix.corpus()
	if err != nil {
		return nil, err
	}
	prof := newProfile(ix.seg, title, body, cs, p)
	var restrict []query.Query
	if req.BeforeYear != 0 {
		restrict = append(restrict, years(1900, req.BeforeYear-1))
	}
	cands, err := ix.candidates(ctx, prof, self, restrict, candidates, p)
	if err != nil {
		return nil, err
	}
	matches := make([]tian.Match, 0, len(cands))
	for _, c := range cands {
		cmp := compare(prof, c.prof, p)
		if cmp.score < p.MinScore {
			continue
		}
		m := tian.Match{Number: c.p.Number, Year: c.p.Year, Title: c.p.Title, Score: round3(cmp.score), Kind: tian.MatchSimilar,
			SharedTerms: sharedTerms(prof, c.prof, 5), Cosine: round3(cmp.cosine), Shingles: round3(cmp.overlap),
			LeadUnit: c.p.LeadUnit, CoUnits: c.p.CoUnits, Status: string(c.p.Status), CategoryLabel: c.p.Category}
		if cmp.dup >= p.NearDuplicate {
			m.Kind = tian.MatchNearDuplicate
		}
		if req.BeforeYear != 0 {
			m.Reply = c.p.Reply
		}
		matches = append(matches, m)
	}
	sort.SliceStable(matches, func(i, j int) bool {
		if matches[i].Score != matches[j].Score {
			return matches[i].Score > matches[j].Score
		}
		return matches[i].Number < matches[j].Number
	})
	if len(matches) > req.K {
		matches = matches[:req.K]
	}
	return matches, nil
}

// candidate is a proposal with its profile, for exact scoring.
type candidate struct {
	p    *tian.Proposal
	prof *profile
}

// withProfiles reads the proposals of numbers that still exist, in that
// order, with their profiles.
func (ix *Index) withProfiles(ctx context.Context, numbers []string, p Params) ([]candidate, error) {
	ps, err := ix.store.ProposalsByNumber(ctx, numbers)
	if err != nil {
		return nil, err
	}
	cs, err := ix.corpus()
	if err != nil {
		return nil, err
	}
	out := make([]candidate, 0, len(numbers))
	for _, n := range numbers {
		if pr, ok := ps[n]; ok {
			out = append(out, candidate{pr, ix.profileOf(pr, cs, p)})
		}
	}
	return out, nil
}

// hitIDs are the proposal numbers of search hits, in order.
func hitIDs(res *bleve.SearchResult) []string {
	out := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		out[i] = h.ID
	}
	return out
}

// candidates fetches up to n proposals sharing the profile's strongest
// terms (each term boosted by its weight), other than self and within the
// restrictions, and builds their profiles.
func (ix *Index) candidates(ctx context.Context, prof *profile, self string, restrict []query.Query, n int, p Params) ([]candidate, error) {
	numbers, err := ix.candidateNumbers(ctx, prof, self, restrict, n)
	if err != nil || len(numbers) == 0 {
		return nil, err
	}
	return ix.withProfiles(ctx, numbers, p)
}

func (ix *Index) candidateNumbers(ctx context.Context, prof *profile, self string, restrict []query.Query, n int) ([]string, error) {
	var should []query.Query
	for i, t := range prof.ranked {
		if i == queryTerms {
			break
		}
		for _, f := range []string{fTitle, fBody} {
			tq := bleve.NewTermQuery(t)
			tq.SetField(f)
			boost := prof.terms[t]
			if f == fTitle {
				boost *= titleBoost
			}
			tq.SetBoost(boost)
			should = append(should, tq)
		}
	}
	if len(should) == 0 {
		return nil, nil
	}
	b := bleve.NewBooleanQuery()
	b.AddShould(should...)
	if len(restrict) > 0 {
		b.AddMust(restrict...)
	}
	if self != "" {
		b.AddMustNot(bleve.NewDocIDQuery([]string{self}))
	}
	sr := bleve.NewSearchRequestOptions(b, n, 0, false)
	sr.SortBy([]string{"-_score", fNumber})
	res, err := ix.bleve.SearchInContext(ctx, sr)
	if err != nil {
		return nil, &tian.Error{Code: tian.EINTERNAL, Op: "index.Similar", Err: err}
	}
	return hitIDs(res), nil
}

func round3(x float64) float64 {
	return float64(int(x*1000+0.5)) / 1000
}

// SimilarText implements tian.Neighbours.
func (ix *Index) SimilarText(ctx context.Context, title, body string, k, before int) ([]tian.Match, error) {
	return ix.Similar(ctx, tian.SimilarRequest{Title: title, Body: body, K: k, BeforeYear: before})
}

var (
	_ tian.Neighbours = (*Index)(nil)
	_ tian.Relater    = (*Index)(nil)
	_ tian.Searcher   = (*Index)(nil)
)

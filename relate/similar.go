package relate

import (
	"context"
	"sort"
	"time"

	"tian"
)

// SimilarOptions tune Similar for evaluation and tuning; the zero value
// takes the defaults.
type SimilarOptions struct {
	Params *Params // nil: DefaultParams
	// Blend scores with the fixed blend of cosine and shingles even when
	// a pair model is set, for comparison.
	Blend bool
}

// Candidate retrieval: the strongest terms of the source fetch this many
// proposals from the index, which are then scored exactly.
const (
	queryTerms = 12
	candidates = 50
	MaxK       = 100
)

// Similar returns the k proposals most like the source, best first, each
// with its score in [0,1] (the pair model's probability that staff would
// put the two together, or without a model the fixed blend), the key
// terms it shares with the source, and whether it repeats the source's
// text, however edited (a resubmission of an earlier year's proposal, or
// a copy, with the passages side by side), or only shares its topic;
// repeats come first. K is at most MaxK.
func (s *Service) Similar(ctx context.Context, req tian.SimilarRequest) ([]tian.Match, error) {
	return s.SimilarWith(ctx, req, SimilarOptions{})
}

// SimilarWith is Similar with tuning options.
func (s *Service) SimilarWith(ctx context.Context, req tian.SimilarRequest, opt SimilarOptions) ([]tian.Match, error) {
	p := paramsOr(opt.Params)
	if req.K == 0 {
		req.K = 10
	}
	if req.K < 1 || req.K > MaxK {
		return nil, tian.Errorf(tian.EINVALID, "k 须在 1–%d 之间，收到 %d", MaxK, req.K)
	}
	title, body, self := req.Title, req.Body, req.Exclude
	var source *tian.Proposal // a stored source: its category and units count
	if req.Number != "" {
		src, err := s.store.Proposal(ctx, req.Number)
		if err != nil {
			return nil, err
		}
		title, body, self, source = src.Title, src.Body, src.Number, src
	}
	if len(title)+len(body) > 4*tian.MaxBodyRunes {
		return nil, tian.Errorf(tian.ETOOLARGE, "文本过长，无法比较（上限 %d 字）", tian.MaxBodyRunes)
	}
	cs, err := s.corpus(ctx)
	if err != nil {
		return nil, err
	}
	prof := newProfile(s.seg, title, body, cs, p)
	text := newCopyText(s.seg, title, body)
	// a repeat of another year's proposal is a resubmission (the later
	// of the two resubmits the earlier), of the same year a copy
	year := req.Year
	if source != nil {
		year = source.Year
	} else if year == 0 {
		year = time.Now().Year()
	}
	var restrict Filter
	if req.BeforeYear != 0 {
		restrict.Years = &YearRange{1900, req.BeforeYear - 1}
	}
	if req.Year != 0 {
		to := req.Year
		if req.BeforeYear != 0 {
			to = min(to, req.BeforeYear-1)
		}
		restrict.Years = &YearRange{req.Year, to}
	}
	cands, err := s.candidates(ctx, prof, self, restrict, candidates, p)
	if err != nil {
		return nil, err
	}
	model := s.modelOr(nil)
	if opt.Blend {
		model = nil
	}
	matches := make([]tian.Match, 0, len(cands))
	for _, c := range cands {
		cmp := compare(prof, c.prof, p)
		if model != nil { // the learned similarity ranks and scores
			cmp.score = model.Prob(features(prof, c.prof, source, c.p))
		}
		if cmp.score < p.MinScore {
			continue
		}
		m := tian.Match{Number: c.p.Number, Year: c.p.Year, Title: c.p.Title, Score: round3(cmp.score), Kind: tian.MatchSimilar,
			SharedTerms: sharedTerms(prof, c.prof, 5), Cosine: round3(cmp.cosine), Shingles: round3(cmp.overlap),
			LeadUnit: c.p.LeadUnit, CoUnits: c.p.CoUnits, Status: string(c.p.Status), CategoryLabel: c.p.Category}
		if cmp.overlap < copyOverlapFloor {
			// no copy shares this little: not worth aligning
		} else if ev, copied := s.copies.compare(text, newCopyText(s.seg, c.p.Title, c.p.Body)); copied {
			m.Kind = tian.MatchCopy
			if c.p.Year != 0 && year != 0 && c.p.Year != year {
				m.Kind = tian.MatchResubmission
			}
			m.Passages = tellingPairs(ev.Pairs, maxPassages)
		}
		if req.BeforeYear != 0 {
			m.Reply = c.p.Reply
		}
		matches = append(matches, m)
	}
	sort.SliceStable(matches, func(i, j int) bool {
		// a resubmitted or copied text first, however the model scores
		// topics: it is what a reviewer must see
		if di, dj := matches[i].Duplicate(), matches[j].Duplicate(); di != dj {
			return di
		}
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

// SimilarText implements tian.Neighbours: routing by history. It ranks
// and scores with the fixed blend, not the pair model: the router weighs
// each neighbour's units by its score, and the model's probability, near
// 1 for every proposal on the same matter, flattens that vote (lead top-1
// on 2024–2025 fell from 0.735 to 0.720 with it).
func (s *Service) SimilarText(ctx context.Context, title, body string, k, before int, exclude string) ([]tian.Match, error) {
	return s.SimilarWith(ctx, tian.SimilarRequest{Title: title, Body: body, K: k, BeforeYear: before, Exclude: exclude}, SimilarOptions{Blend: true})
}

// candidates fetches up to n proposals sharing the profile's strongest
// terms (each term weighted by its weight), other than self and within the
// restriction, and builds their profiles.
func (s *Service) candidates(ctx context.Context, prof *profile, self string, restrict Filter, n int, p Params) ([]candidate, error) {
	q := CandidateQuery{Filter: restrict, Exclude: self, N: n}
	for i, t := range prof.ranked {
		if i == queryTerms {
			break
		}
		q.Terms = append(q.Terms, Weighted{t, prof.terms[t]})
	}
	if len(q.Terms) == 0 {
		return nil, nil
	}
	numbers, err := s.engine.Candidates(ctx, q)
	if err != nil || len(numbers) == 0 {
		return nil, err
	}
	return s.withProfiles(ctx, numbers, p)
}

package relate

import (
	"context"
	"sort"

	"tian"
)

// Duplicates is a year's 查重: the year's proposals are compared with
// each other and with those of the Lookback years before, through
// FindCopiesOf (an inverted index of distinctive bigrams proposes the
// pairs, only those are aligned), by the measure of Similar's
// resubmission and copy kinds. Records that are not proposals (an
// imported message board) are left out; proposals not filed are kept, as
// a reviewer checks them before filing.
func (s *Service) Duplicates(ctx context.Context, req tian.DuplicateRequest) (*tian.DuplicateReport, error) {
	if req.Lookback == 0 {
		req.Lookback = tian.DefaultLookback
	}
	if req.Year < 1 || req.Year > 9999 {
		return nil, tian.Errorf(tian.EINVALID, "请指定查重的年度，收到 %d", req.Year)
	}
	if req.Lookback < 0 || req.Lookback > tian.MaxLookback {
		return nil, tian.Errorf(tian.EINVALID, "往前比较的年数须在 1–%d 之间，收到 %d", tian.MaxLookback, req.Lookback)
	}
	from := max(1, req.Year-req.Lookback)
	numbers, err := s.engine.Select(ctx, Filter{Years: &YearRange{from, req.Year}}, MaxGroupSet+1)
	if err != nil {
		return nil, err
	}
	if len(numbers) > MaxGroupSet {
		return nil, tian.Errorf(tian.ETOOLARGE, "%d–%d 年的提案超过 %d 件，一次查重比较不了；请减少往前比较的年数", from, req.Year, MaxGroupSet)
	}
	stored, err := s.store.ProposalsByNumber(ctx, numbers)
	if err != nil {
		return nil, err
	}
	ps := make([]*tian.Proposal, 0, len(numbers))
	for _, n := range numbers {
		if p, ok := stored[n]; ok && !p.NotProposal {
			ps = append(ps, p)
		}
	}
	rep := &tian.DuplicateReport{Year: req.Year, FromYear: from, Compared: len(ps), Pairs: []tian.DuplicatePair{}}
	texts := copyTexts(s.seg, ps)
	for _, cp := range s.copies.findCopies(texts, func(i int) bool { return ps[i].Year == req.Year }) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		a, b, ev := ps[cp.A], ps[cp.B], cp.CopyEvidence
		kind := tian.MatchCopy
		if a.Year != b.Year {
			kind = tian.MatchResubmission
		}
		// the proposal of the year, or of two the later number, repeats
		// the other; its sentences are the passages' first column
		if b.Year > a.Year || b.Year == a.Year && b.Number > a.Number {
			a, b = b, a
			ev, _ = s.copies.compare(texts[cp.B], texts[cp.A])
		}
		rep.Pairs = append(rep.Pairs, tian.DuplicatePair{Kind: kind, Proposal: side(a), Repeats: side(b),
			Cover: round3(min(ev.CoverA, ev.CoverB)), Passages: orNoPairs(tellingPairs(ev.Pairs, maxPassages))})
	}
	sort.SliceStable(rep.Pairs, func(i, j int) bool {
		x, y := rep.Pairs[i], rep.Pairs[j]
		if x.Kind != y.Kind {
			return x.Kind == tian.MatchResubmission
		}
		if x.Proposal.Number != y.Proposal.Number {
			return x.Proposal.Number < y.Proposal.Number
		}
		return x.Repeats.Number < y.Repeats.Number
	})
	return rep, nil
}

func side(p *tian.Proposal) tian.DuplicateSide {
	return tian.DuplicateSide{Number: p.Number, Year: p.Year, Title: p.Title, Proposer: p.Proposer, Status: string(p.Status), HasReply: p.Reply != ""}
}

func orNoPairs(ps []tian.SentencePair) []tian.SentencePair {
	if ps == nil {
		return []tian.SentencePair{}
	}
	return ps
}

var _ tian.DuplicateFinder = (*Service)(nil)

package relate

import (
	"context"
	"encoding/json"
	"io"

	"tian"
)

// Gold is a corpus's annotation: groups for joint consultation and
// near-duplicate pairs (testdata/gold.json).
type Gold struct {
	Groups []struct {
		Label   string   `json:"label"`
		Year    int      `json:"year"`
		Members []string `json:"members"`
	} `json:"groups"`
	NearDuplicates [][2]string `json:"near_duplicates"`
}

// ReadGold parses a gold file.
func ReadGold(r io.Reader) (*Gold, error) {
	var g Gold
	if err := json.NewDecoder(r).Decode(&g); err != nil {
		return nil, tian.Errorf(tian.EINVALID, "标注文件不是有效的 JSON（%v）", err)
	}
	return &g, nil
}

// Confirmed returns the gold groups of the given years as years staff
// confirmed: what training and tuning learn from.
func (g *Gold) Confirmed(years ...int) []tian.YearGroups {
	var out []tian.YearGroups
	for _, y := range years {
		yg := tian.YearGroups{Year: y, Confirmed: true}
		for _, gg := range g.Groups {
			if gg.Year == y {
				yg.Groups = append(yg.Groups, tian.CuratedGroup{Year: y, Name: gg.Label, Members: gg.Members, Confirmed: true})
			}
		}
		out = append(out, yg)
	}
	return out
}

// GroupEval is the quality of grouping one year.
type GroupEval struct {
	Year int `json:"year"`
	PairScores
	Groups     int `json:"groups"`
	GoldGroups int `json:"gold_groups"`
}

// EvalGroups groups each year and compares with the gold groups of that
// year, over all the year's indexed proposals, or with req.FiledOnly over
// the filed ones (as the office groups them). req gives the threshold
// (its Year is set to each year in turn).
func (s *Service) EvalGroups(ctx context.Context, g *Gold, years []int, req tian.GroupRequest, opt GroupOptions) ([]GroupEval, error) {
	var out []GroupEval
	for _, y := range years {
		req.Year = y
		groups, err := s.GroupsWith(ctx, req, opt)
		if err != nil {
			return nil, err
		}
		items, err := s.numbersOfYear(ctx, y, req.FiledOnly)
		if err != nil {
			return nil, err
		}
		var pred, gold [][]string
		for _, gr := range groups {
			var m []string
			for _, x := range gr.Members {
				m = append(m, x.Number)
			}
			pred = append(pred, m)
		}
		for _, gg := range g.Groups {
			if gg.Year == y {
				gold = append(gold, gg.Members)
			}
		}
		out = append(out, GroupEval{Year: y, PairScores: comparePartitions(items, pred, gold), Groups: len(pred), GoldGroups: len(gold)})
	}
	return out, nil
}

// numbersOfYear are the numbers of a year's proposals, or of its filed
// ones (not refused).
func (s *Service) numbersOfYear(ctx context.Context, y int, filed bool) ([]string, error) {
	f := Filter{Years: &YearRange{y, y}}
	if filed {
		f.NotStatus = string(tian.StatusRejected)
	}
	return s.engine.Select(ctx, f, MaxGroupSet)
}

// DuplicateEval is the quality of the near_duplicate flag against gold
// pairs: for each proposal of a gold pair, is its partner flagged among
// its similar proposals, and how many other proposals are flagged.
type DuplicateEval struct {
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
	Flagged   int     `json:"flagged"`
	GoldPairs int     `json:"gold_pairs"`
}

// EvalDuplicates runs Similar for every proposal of the given years and
// counts the near-duplicate pairs it flags against the gold pairs.
func (s *Service) EvalDuplicates(ctx context.Context, g *Gold, yrs []int, p Params) (*DuplicateEval, error) {
	gold := map[[2]string]bool{}
	for _, pair := range g.NearDuplicates {
		gold[orderPair(pair[0], pair[1])] = true
	}
	flagged := map[[2]string]bool{}
	inYears := map[string]bool{}
	for _, y := range yrs {
		nums, err := s.numbersOfYear(ctx, y, false)
		if err != nil {
			return nil, err
		}
		for _, n := range nums {
			inYears[n] = true
		}
		for _, n := range nums {
			ms, err := s.SimilarWith(ctx, tian.SimilarRequest{Number: n, K: 5}, SimilarOptions{Params: &p})
			if err != nil {
				return nil, err
			}
			for _, m := range ms {
				if m.Duplicate() {
					flagged[orderPair(n, m.Number)] = true
				}
			}
		}
	}
	ev := &DuplicateEval{}
	var tp int
	for pair := range gold {
		if inYears[pair[0]] || inYears[pair[1]] {
			ev.GoldPairs++
			if flagged[pair] {
				tp++
			}
		}
	}
	ev.Flagged = len(flagged)
	if ev.Flagged > 0 {
		ev.Precision = float64(tp) / float64(ev.Flagged)
	}
	if ev.GoldPairs > 0 {
		ev.Recall = float64(tp) / float64(ev.GoldPairs)
	}
	if ev.Precision+ev.Recall > 0 {
		ev.F1 = 2 * ev.Precision * ev.Recall / (ev.Precision + ev.Recall)
	}
	return ev, nil
}

func orderPair(a, b string) [2]string {
	if a > b {
		a, b = b, a
	}
	return [2]string{a, b}
}

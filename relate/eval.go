package relate

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"

	"tian"
)

// PairScores compares a clustering with a gold one over the same items,
// pair by pair: a pair is positive when both items are in one group.
type PairScores struct {
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
	ARI       float64 `json:"ari"` // adjusted Rand index of the two partitions
	Items     int     `json:"items"`
}

// comparePartitions scores predicted groups against gold groups over
// items; an item in no group is a singleton.
func comparePartitions(items []string, predicted, gold [][]string) PairScores {
	pl, gl := labels(items, predicted), labels(items, gold)
	var tp, fp, fn float64
	for i := range items {
		for j := i + 1; j < len(items); j++ {
			p, g := pl[i] == pl[j], gl[i] == gl[j]
			switch {
			case p && g:
				tp++
			case p:
				fp++
			case g:
				fn++
			}
		}
	}
	s := PairScores{Items: len(items), ARI: adjustedRand(pl, gl)}
	if tp+fp > 0 {
		s.Precision = tp / (tp + fp)
	}
	if tp+fn > 0 {
		s.Recall = tp / (tp + fn)
	}
	if s.Precision+s.Recall > 0 {
		s.F1 = 2 * s.Precision * s.Recall / (s.Precision + s.Recall)
	}
	return s
}

// labels gives each item its group's index, and items in no group a
// label of their own.
func labels(items []string, groups [][]string) []int {
	of := map[string]int{}
	for g, members := range groups {
		for _, m := range members {
			of[m] = g
		}
	}
	out := make([]int, len(items))
	next := len(groups)
	for i, it := range items {
		if g, ok := of[it]; ok {
			out[i] = g
		} else {
			out[i] = next
			next++
		}
	}
	return out
}

// adjustedRand is the adjusted Rand index (Hubert and Arabie) of two
// labellings of the same items.
func adjustedRand(a, b []int) float64 {
	n := float64(len(a))
	if n < 2 {
		return 1
	}
	cont := map[[2]int]float64{}
	ra, rb := map[int]float64{}, map[int]float64{}
	for i := range a {
		cont[[2]int{a[i], b[i]}]++
		ra[a[i]]++
		rb[b[i]]++
	}
	c2 := func(x float64) float64 { return x * (x - 1) / 2 }
	var index, sa, sb float64
	for _, v := range cont {
		index += c2(v)
	}
	for _, v := range ra {
		sa += c2(v)
	}
	for _, v := range rb {
		sb += c2(v)
	}
	expected := sa * sb / c2(n)
	maxIndex := (sa + sb) / 2
	if maxIndex == expected {
		return 1
	}
	return (index - expected) / (maxIndex - expected)
}

// Spearman is the rank correlation of two series (ties share their mean
// rank).
func Spearman(x, y []float64) float64 {
	rx, ry := ranks(x), ranks(y)
	return pearson(rx, ry)
}

func ranks(x []float64) []float64 {
	idx := make([]int, len(x))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(i, j int) bool { return x[idx[i]] < x[idx[j]] })
	r := make([]float64, len(x))
	for i := 0; i < len(idx); {
		j := i
		for j+1 < len(idx) && x[idx[j+1]] == x[idx[i]] {
			j++
		}
		mean := float64(i+j)/2 + 1
		for k := i; k <= j; k++ {
			r[idx[k]] = mean
		}
		i = j + 1
	}
	return r
}

func pearson(x, y []float64) float64 {
	n := float64(len(x))
	var mx, my float64
	for i := range x {
		mx += x[i]
		my += y[i]
	}
	mx /= n
	my /= n
	var sxy, sxx, syy float64
	for i := range x {
		sxy += (x[i] - mx) * (y[i] - my)
		sxx += (x[i] - mx) * (x[i] - mx)
		syy += (y[i] - my) * (y[i] - my)
	}
	if sxx == 0 || syy == 0 {
		return 0
	}
	return sxy / math.Sqrt(sxx*syy)
}

// Scorer scores pairs of free texts with the index's similarity, with
// document frequencies counted over a training corpus: for measuring the
// score on sentence-pair sets without building an index.
type Scorer struct {
	seg    tian.Segmenter
	stats  *corpusStats
	params Params
}

// NewScorer counts document frequencies over corpus.
func NewScorer(seg tian.Segmenter, corpus []string, p Params) *Scorer {
	cs := &corpusStats{n: len(corpus), df: map[string]int{}}
	for _, text := range corpus {
		seen := map[string]bool{}
		for _, t := range keywordTerms(seg, text) {
			if !seen[t] {
				seen[t] = true
				cs.df[t]++
			}
		}
	}
	return &Scorer{seg: seg, stats: cs, params: p}
}

// Score returns the similarity of a and b in [0,1] and whether they are
// near-duplicates.
func (s *Scorer) Score(a, b string) (float64, bool) {
	pa := newProfile(s.seg, "", a, s.stats, s.params)
	pb := newProfile(s.seg, "", b, s.stats, s.params)
	c := compare(pa, pb, s.params)
	return c.score, c.dup >= s.params.NearDuplicate
}

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
		return nil, tian.Errorf(tian.EINVALID, "gold file: %v", err)
	}
	return &g, nil
}

// GroupEval is the quality of grouping one year.
type GroupEval struct {
	Year int `json:"year"`
	PairScores
	Groups     int `json:"groups"`
	GoldGroups int `json:"gold_groups"`
}

// EvalGroups groups each year and compares with the gold groups of that
// year, over all the year's indexed proposals. req gives the threshold
// (its Year is set to each year in turn).
func (s *Service) EvalGroups(ctx context.Context, g *Gold, years []int, req tian.GroupRequest, opt GroupOptions) ([]GroupEval, error) {
	var out []GroupEval
	for _, y := range years {
		req.Year = y
		groups, err := s.GroupsWith(ctx, req, opt)
		if err != nil {
			return nil, err
		}
		items, err := s.numbersOfYear(ctx, y)
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

func (s *Service) numbersOfYear(ctx context.Context, y int) ([]string, error) {
	return s.engine.Select(ctx, Filter{Years: &YearRange{y, y}}, MaxGroupSet)
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
		nums, err := s.numbersOfYear(ctx, y)
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
				if m.Kind == tian.MatchNearDuplicate {
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

// Pair is two texts with a human similarity judgement.
type Pair struct {
	A, B  string
	Score float64
}

// ReadSTSB reads STS-B lines: s1<TAB>s2<TAB>score.
func ReadSTSB(path string) ([]Pair, error) {
	var out []Pair
	err := eachLine(path, func(line string) {
		parts := strings.Split(line, "\t")
		if len(parts) == 3 {
			if s, err := strconv.ParseFloat(parts[2], 64); err == nil {
				out = append(out, Pair{parts[0], parts[1], s})
			}
		}
	})
	return out, err
}

// ReadSOHU reads SOHU text-matching JSON lines: sentence1, sentence2, label.
func ReadSOHU(path string) ([]Pair, error) {
	var out []Pair
	err := eachLine(path, func(line string) {
		var r struct {
			S1    string  `json:"sentence1"`
			S2    string  `json:"sentence2"`
			Label float64 `json:"label"`
		}
		if json.Unmarshal([]byte(line), &r) == nil {
			out = append(out, Pair{r.S1, r.S2, r.Label})
		}
	})
	return out, err
}

func eachLine(path string, fn func(string)) error {
	f, err := os.Open(path)
	if err != nil {
		return tian.Errorf(tian.EINVALID, "%v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), 1<<24)
	for sc.Scan() {
		fn(sc.Text())
	}
	return sc.Err()
}

// SpearmanOn scores every pair with a Scorer whose document frequencies
// come from the pairs' own texts (no labels) and returns the Spearman
// correlation with the judgements.
func SpearmanOn(seg tian.Segmenter, pairs []Pair, p Params) float64 {
	var corpus []string
	for _, x := range pairs {
		corpus = append(corpus, x.A, x.B)
	}
	sc := NewScorer(seg, corpus, p)
	got, want := make([]float64, len(pairs)), make([]float64, len(pairs))
	for i, x := range pairs {
		got[i], _ = sc.Score(x.A, x.B)
		want[i] = x.Score
	}
	return Spearman(got, want)
}

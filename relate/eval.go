package relate

import (
	"math"
	"sort"
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

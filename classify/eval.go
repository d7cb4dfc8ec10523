package classify

import (
	"math/rand/v2"
	"sort"
	"time"

	"tian"
)

// ClassScore is one label's precision, recall and F1.
type ClassScore struct {
	Label     string  `json:"label"`
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
	Support   int     `json:"support"`
}

// Report is the quality and speed of a model on labelled documents.
type Report struct {
	N         int          `json:"n"`
	Accuracy  float64      `json:"accuracy"`
	MacroF1   float64      `json:"macro_f1"`
	PerClass  []ClassScore `json:"per_class"`
	Labels    []string     `json:"labels"`
	Confusion [][]int      `json:"confusion"` // [gold][predicted]
	ECE       float64      `json:"ece"`
	// Reliability is the ten bins of the top probability ECE is
	// computed over (Observed: the share right).
	Reliability []ReliabilityBin `json:"reliability"`
	Coverage    float64          `json:"coverage"`  // share not flagged uncertain
	Precision   float64          `json:"precision"` // accuracy of those
	// Chosen describes the settings each trained model ended with: one
	// for Evaluate, one per fold for CrossValidate.
	Chosen        []string `json:"chosen,omitempty"`
	TrainSeconds  float64  `json:"train_seconds"`
	DocsPerSecond float64  `json:"docs_per_second"` // end to end: normalise, segment, predict
}

// Evaluate predicts every document and scores the predictions.
func Evaluate(m *Model, docs []Doc) Report {
	start := time.Now()
	probs := make([][]float64, len(docs))
	for i, d := range docs {
		probs[i] = m.Probabilities(d.Title, d.Body)
	}
	took := time.Since(start)
	r := score(m.Labels, docs, probs, m.Threshold)
	r.DocsPerSecond = float64(len(docs)) / took.Seconds()
	r.Chosen = []string{m.Config.describe()}
	return r
}

// CrossValidate trains on k−1 folds and predicts the k-th, for each of k
// stratified folds, and scores all the predictions together.
func CrossValidate(seg tian.Segmenter, docs []Doc, cfg TrainConfig, k int) (Report, error) {
	if k < 2 {
		return Report{}, tian.Errorf(tian.EINVALID, "折数至少为 2，收到 %d", k)
	}
	labels, ys := labelIndex(docs)
	folds := stratifiedFolds(ys, len(labels), k, cfg.Seed)
	probs := make([][]float64, len(docs))
	thresholds := make([]float64, len(docs))
	var trainTime, predictTime time.Duration
	var chosen []string
	for f := range k {
		var train []Doc
		for i, d := range docs {
			if folds[i] != f {
				train = append(train, d)
			}
		}
		t0 := time.Now()
		m, err := Train(seg, train, cfg)
		if err != nil {
			return Report{}, err
		}
		trainTime += time.Since(t0)
		chosen = append(chosen, m.Config.describe())
		pos := map[string]int{}
		for i, l := range m.Labels {
			pos[l] = i
		}
		t0 = time.Now()
		for i, d := range docs {
			if folds[i] != f {
				continue
			}
			p := m.Probabilities(d.Title, d.Body)
			full := make([]float64, len(labels)) // a fold may lack a rare label
			for j, l := range labels {
				if q, ok := pos[l]; ok {
					full[j] = p[q]
				}
			}
			probs[i], thresholds[i] = full, m.Threshold
		}
		predictTime += time.Since(t0)
	}
	r := score(labels, docs, probs, 0)
	r.Coverage, r.Precision = coverageAt(probs, ys, thresholds)
	r.TrainSeconds = trainTime.Seconds() / float64(k)
	r.Chosen = chosen
	r.DocsPerSecond = float64(len(docs)) / predictTime.Seconds()
	return r, nil
}

func stratifiedFolds(ys []int, k, folds int, seed uint64) []int {
	byClass := make([][]int, k)
	for i, y := range ys {
		byClass[y] = append(byClass[y], i)
	}
	out := make([]int, len(ys))
	rng := rand.New(rand.NewPCG(seed, 11))
	next := 0
	for _, idx := range byClass {
		rng.Shuffle(len(idx), func(i, j int) { idx[i], idx[j] = idx[j], idx[i] })
		for _, i := range idx {
			out[i] = next % folds
			next++
		}
	}
	return out
}

// score compares predictions with the documents' labels.
func score(labels []string, docs []Doc, probs [][]float64, threshold float64) Report {
	pos := map[string]int{}
	for i, l := range labels {
		pos[l] = i
	}
	k := len(labels)
	r := Report{N: len(docs), Labels: labels, Confusion: make([][]int, k)}
	for i := range r.Confusion {
		r.Confusion[i] = make([]int, k)
	}
	var gold []int
	right := 0
	for i, d := range docs {
		g, ok := pos[d.Label]
		if !ok {
			g = -1
		}
		gold = append(gold, g)
		p := argmax(probs[i])
		if g >= 0 {
			r.Confusion[g][p]++
		}
		if p == g {
			right++
		}
	}
	r.Accuracy = float64(right) / float64(len(docs))
	for c, l := range labels {
		var tp, fp, fn int
		for g := range k {
			if g == c {
				tp = r.Confusion[g][c]
				for p := range k {
					if p != c {
						fn += r.Confusion[g][p]
					}
				}
			} else {
				fp += r.Confusion[g][c]
			}
		}
		cs := ClassScore{Label: l, Support: tp + fn}
		if tp+fp > 0 {
			cs.Precision = float64(tp) / float64(tp+fp)
		}
		if tp+fn > 0 {
			cs.Recall = float64(tp) / float64(tp+fn)
		}
		if cs.Precision+cs.Recall > 0 {
			cs.F1 = 2 * cs.Precision * cs.Recall / (cs.Precision + cs.Recall)
		}
		r.PerClass = append(r.PerClass, cs)
		r.MacroF1 += cs.F1 / float64(k)
	}
	r.Reliability, r.ECE = topReliability(probs, gold)
	if threshold > 0 {
		th := make([]float64, len(docs))
		for i := range th {
			th[i] = threshold
		}
		r.Coverage, r.Precision = coverageAt(probs, gold, th)
	}
	sort.SliceStable(r.PerClass, func(i, j int) bool { return r.PerClass[i].Label < r.PerClass[j].Label })
	return r
}

// coverageAt is the share of predictions at or above their threshold and
// their accuracy.
func coverageAt(probs [][]float64, gold []int, th []float64) (float64, float64) {
	var n, right int
	for i, p := range probs {
		c := argmax(p)
		if p[c] >= th[i] {
			n++
			if c == gold[i] {
				right++
			}
		}
	}
	if n == 0 {
		return 0, 0
	}
	return float64(n) / float64(len(probs)), float64(right) / float64(n)
}

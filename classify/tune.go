package classify

import (
	"fmt"
	"slices"
	"strings"

	"tian"
)

// Selection lists the settings Train compares by cross-validation on its
// own training documents: every combination of Features, Members (nil
// stands for TrainConfig.Members), C and NB.
type Selection struct {
	Folds    int             `json:"folds"`
	Features []FeatureConfig `json:"features"`
	Members  [][]Member      `json:"members,omitempty"`
	C        []float64       `json:"c"`
	NB       []bool          `json:"nb"`
}

// Candidate is one compared setting and its cross-validated macro-F1.
type Candidate struct {
	Features FeatureConfig `json:"features"`
	Members  []Member      `json:"members,omitempty"`
	C        float64       `json:"c"`
	NB       bool          `json:"nb"`
	MacroF1  float64       `json:"macro_f1"`
}

// selectConfig returns cfg with the candidate of the best cross-validated
// macro-F1 (the first listed on a tie), every candidate's score, and the
// chosen candidate's out-of-fold logits by member (member, document,
// class), on which Train calibrates. Text is segmented once: title and
// body features are kept apart and combined at each candidate's title
// weight. Each member is fitted once per fold and setting, and an
// ensemble's members are calibrated on their out-of-fold logits before
// they are averaged.
func selectConfig(seg tian.Segmenter, docs []Doc, ys []int, k int, cfg TrainConfig) (TrainConfig, []Candidate, [][][]float64, error) {
	s := cfg.Select
	if s.Folds < 2 || len(s.Features) == 0 || len(s.C) == 0 || len(s.NB) == 0 {
		return cfg, nil, nil, tian.Errorf(tian.EINVALID, "参数选择需要至少两折和至少一组候选设置")
	}
	sets := s.Members
	if len(sets) == 0 {
		sets = [][]Member{cfg.Members}
	}
	ex := extractor{seg: seg, cfg: union(s.Features)}
	titles, bodies := make([]map[string]float64, len(docs)), make([]map[string]float64, len(docs))
	for i, d := range docs {
		titles[i], bodies[i] = map[string]float64{}, map[string]float64{}
		ex.add(titles[i], d.Title, 1)
		ex.add(bodies[i], d.Body, 1)
	}
	folds := stratifiedFolds(ys, k, s.Folds, cfg.Seed)
	var out []Candidate
	var oof [][][]float64
	best := -1
	for _, fc := range s.Features {
		cv := crossFit{counts: weighTitles(titles, bodies, fc.TitleWeight), ys: ys, k: k, folds: folds, nfolds: s.Folds, fc: fc, logits: map[string][][]float64{}}
		for _, set := range sets {
			for _, c := range s.C {
				for _, nb := range s.NB {
					t := cfg
					t.Features, t.Members, t.C, t.NB, t.Select = fc, set, c, nb, nil
					f1, logits := cv.score(t)
					out = append(out, Candidate{Features: fc, Members: set, C: c, NB: nb, MacroF1: round4(f1)})
					if best < 0 || out[len(out)-1].MacroF1 > out[best].MacroF1 {
						best, oof = len(out)-1, logits
					}
				}
			}
		}
	}
	b := out[best]
	cfg.Features, cfg.Members, cfg.C, cfg.NB = b.Features, b.Members, b.C, b.NB
	return cfg, out, oof, nil
}

// crossFit holds the out-of-fold logits of the members fitted so far over
// one feature configuration.
type crossFit struct {
	counts []map[string]float64
	ys     []int
	k      int
	folds  []int
	nfolds int
	fc     FeatureConfig
	vocabs []*vocab // per fold, built on first use
	xs     [][]sparse
	logits map[string][][]float64 // by member and setting
}

// score is the macro-F1 of cfg's model predicting each fold from the
// others, and its members' out-of-fold logits.
func (cv *crossFit) score(cfg TrainConfig) (float64, [][][]float64) {
	ms := members(cfg)
	byMember := make([][][]float64, len(ms))
	for j, mem := range ms {
		byMember[j] = cv.memberLogits(mem, cfg)
	}
	temps := fitTemperatures(byMember, cv.ys)
	pred := make([]int, len(cv.ys))
	z := make([]float64, cv.k)
	for i := range pred {
		if len(ms) == 1 {
			pred[i] = argmax(byMember[0][i])
			continue
		}
		each := make([][]float64, len(ms))
		for j := range ms {
			each[j] = byMember[j][i]
		}
		combine(each, temps, z)
		pred[i] = argmax(z)
	}
	return macroF1(cv.ys, pred, cv.k), byMember
}

// memberLogits fits mem under cfg on each fold's complement and returns
// its logits for every document, fitting only once per setting.
func (cv *crossFit) memberLogits(mem Member, cfg TrainConfig) [][]float64 {
	key := fmt.Sprintf("%s/%s", mem.View, mem.Loss)
	if mem.Loss == "svm" {
		key += fmt.Sprintf("/%g/%v", cfg.C, cfg.NB)
	}
	if l, ok := cv.logits[key]; ok {
		return l
	}
	if cv.vocabs == nil {
		cv.prepare()
	}
	cfg.Members = []Member{mem}
	out := make([][]float64, len(cv.ys))
	for f := range cv.nfolds {
		var xs []sparse
		var tys []int
		for i, x := range cv.xs[f] {
			if cv.folds[i] != f {
				xs, tys = append(xs, x), append(tys, cv.ys[i])
			}
		}
		e := ensemble{v: cv.vocabs[f], mems: cfg.Members, lins: fitMembers(cv.vocabs[f], xs, tys, cv.k, cfg)}
		for i, x := range cv.xs[f] {
			if cv.folds[i] == f {
				out[i] = make([]float64, cv.k)
				e.memberScores(0, x, out[i])
			}
		}
	}
	cv.logits[key] = out
	return out
}

// prepare builds each fold's vocabulary from the other folds and the
// vectors of every document under it.
func (cv *crossFit) prepare() {
	cv.vocabs, cv.xs = make([]*vocab, cv.nfolds), make([][]sparse, cv.nfolds)
	for f := range cv.nfolds {
		var sub []map[string]float64
		for i, c := range cv.counts {
			if cv.folds[i] != f {
				sub = append(sub, c)
			}
		}
		cv.vocabs[f] = buildVocab(sub, cv.fc)
		cv.xs[f] = make([]sparse, len(cv.counts))
		for i, c := range cv.counts {
			cv.xs[f][i] = cv.vocabs[f].vector(c)
		}
	}
}

// weighTitles adds each title's features, counted w times, to its body's.
func weighTitles(titles, bodies []map[string]float64, w float64) []map[string]float64 {
	out := make([]map[string]float64, len(titles))
	for i := range titles {
		out[i] = make(map[string]float64, len(titles[i])+len(bodies[i]))
		for f, n := range bodies[i] {
			out[i][f] = n
		}
		for f, n := range titles[i] {
			out[i][f] += w * n
		}
	}
	return out
}

// macroF1 is the mean over classes of the F1 of predictions against gold.
func macroF1(gold, pred []int, k int) float64 {
	tp, fp, fn := make([]float64, k), make([]float64, k), make([]float64, k)
	for i, g := range gold {
		if pred[i] == g {
			tp[g]++
		} else {
			fp[pred[i]]++
			fn[g]++
		}
	}
	var sum float64
	for c := range k {
		if tp[c] > 0 {
			sum += 2 * tp[c] / (2*tp[c] + fp[c] + fn[c])
		}
	}
	return sum / float64(k)
}

// describe names the learners and settings of cfg in a line.
func (cfg TrainConfig) describe() string {
	var names []string
	for _, m := range members(cfg) {
		name := m.Loss
		if name == "" {
			name = "logistic"
		}
		if m.View != "" {
			name += " (" + m.View + ")"
		}
		names = append(names, name)
	}
	s := fmt.Sprintf("%s; min_df %d", strings.Join(names, " + "), cfg.Features.MinDF)
	if slices.ContainsFunc(members(cfg), func(m Member) bool { return m.Loss == "svm" }) {
		s += fmt.Sprintf("; C %g; NB %v", cfg.C, cfg.NB)
	}
	return s
}

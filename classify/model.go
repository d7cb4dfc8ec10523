package classify

import (
	"context"
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"unicode"

	"tian"
)

// Doc is a labelled text for training and evaluation.
type Doc struct {
	Title string
	Body  string
	Label string
}

// TrainConfig controls training.
type TrainConfig struct {
	Features FeatureConfig `json:"features"`
	// Loss is "svm" for one linear SVM per class (squared hinge, cost C,
	// NB-weighted features with NB), "bayes" for multinomial naive Bayes,
	// anything else for multinomial logistic regression trained by SGD
	// (Rate, L2).
	Loss   string  `json:"loss,omitempty"`
	C      float64 `json:"c,omitempty"`
	NB     bool    `json:"nb,omitempty"`
	Epochs int     `json:"epochs"` // SGD passes
	Rate   float64 `json:"rate"`
	L2     float64 `json:"l2"`
	Seed   uint64  `json:"seed"`
	// Select, when set, chooses Features, C and NB among its candidates
	// by cross-validation inside the training documents, before anything
	// else is fitted.
	Select *Selection `json:"select,omitempty"`
	// Members, when set, make the model an ensemble: the mean of their
	// calibrated probabilities.
	Members []Member `json:"members,omitempty"`
	// HoldOut is the share of each class kept aside to calibrate the
	// probabilities and choose the uncertainty threshold, before the
	// final model is fitted on everything.
	HoldOut float64 `json:"hold_out"`
	// TargetPrecision is how often suggestions above the threshold must
	// be right on the held-out part.
	TargetPrecision float64 `json:"target_precision"`
}

// DefaultTrainConfig are logistic regression's settings, over words and
// character n-grams; the router's per-unit text model starts from them.
func DefaultTrainConfig() TrainConfig {
	return TrainConfig{Features: DefaultFeatures(), Epochs: 12, Rate: 0.1, L2: 1e-6, Seed: 1, HoldOut: 0.2, TargetPrecision: 0.95}
}

// DefaultCategoryConfig are the settings the category model is trained
// with: a linear SVM over words, word pairs and character 1–3-grams,
// averaged with complement naive Bayes, with logistic regression or with
// both (a single SVM's probabilities are overconfident on texts unlike
// its training documents, such as a short text with no subject); the
// partners, the smallest document frequency of a feature, the SVM's cost
// and NB weighting are chosen by 3-fold cross-validation inside the
// training documents (tune_test.go prints the comparison on THUCNews:
// all three members 0.859 there, the best pair 0.856; character 4-grams
// and a cost of 10 did no better).
func DefaultCategoryConfig() TrainConfig {
	cfg := DefaultTrainConfig()
	all := FeatureConfig{Words: true, WordPairs: true, CharNGrams: []int{1, 2, 3}, Digits: true, TitleWeight: 2, MinDF: 1, MaxFeatures: 400_000, ByView: true}
	common := all
	common.MinDF = 2
	bayes := []Member{{"", "svm"}, {"", "bayes"}}
	logistic := []Member{{"", "svm"}, {"", "logistic"}}
	three := []Member{{"", "svm"}, {"", "bayes"}, {"", "logistic"}}
	cfg.Features, cfg.Loss, cfg.C, cfg.Members = all, "svm", 1, bayes
	cfg.Select = &Selection{Folds: 3, Features: []FeatureConfig{all, common},
		Members: [][]Member{bayes, logistic, three}, C: []float64{0.3, 1, 3}, NB: []bool{false, true}}
	return cfg
}

// Model is a trained category model. Use it through Classify; it is
// immutable and safe for concurrent use once its segmenter is set.
type Model struct {
	Labels      []string    `json:"labels"`
	Config      TrainConfig `json:"config"`
	Temperature float64     `json:"temperature"`
	// MemberTemperatures calibrate each member of an ensemble before
	// their probabilities are averaged; Temperature then applies to the
	// average.
	MemberTemperatures []float64 `json:"member_temperatures,omitempty"`
	// Top recalibrates the top probability after the temperature:
	// σ(a·logit(p) + b) for Top = [a, b], the other labels sharing the
	// rest in their proportions. A temperature alone cannot make an
	// ensemble that is too sure at the top and too unsure below right at
	// both ends; nil leaves the probabilities as the temperature makes
	// them.
	Top         []float64    `json:"top,omitempty"`
	Threshold   float64      `json:"threshold"`
	Calibration *Calibration `json:"calibration,omitempty"`
	Trained     int          `json:"trained"`              // documents in the final fit
	Candidates  []Candidate  `json:"candidates,omitempty"` // what Config.Select compared
	version     string
	vocab       *vocab
	lins        []*linear // one per member
	ex          extractor
}

// Calibration records what predictions of documents the fitted models
// never saw showed: the selection's out-of-fold predictions of every
// training document, or without a selection a held-out part.
type Calibration struct {
	HeldOut   int     `json:"held_out"` // documents predicted
	Accuracy  float64 `json:"accuracy"`
	Coverage  float64 `json:"coverage"`  // share of held-out suggestions at or above the threshold
	Precision float64 `json:"precision"` // their accuracy
	ECE       float64 `json:"ece"`       // expected calibration error after scaling
	ECERaw    float64 `json:"ece_raw"`   // before
}

// Version identifies the model (a digest of its saved form).
func (m *Model) Version() string { return m.version }

// Train fits a model to docs. Labels come from the data: any label set
// works. It needs at least two labels and two documents of each for
// calibration; with fewer it trains without.
func Train(seg tian.Segmenter, docs []Doc, cfg TrainConfig) (*Model, error) {
	labels, ys := labelIndex(docs)
	if len(labels) < 2 {
		return nil, tian.Errorf(tian.EINVALID, "训练至少需要两个类别，现有 %d 个", len(labels))
	}
	var tried []Candidate
	var oof [][][]float64
	if cfg.Select != nil {
		var err error
		if cfg, tried, oof, err = selectConfig(seg, docs, ys, len(labels), cfg); err != nil {
			return nil, err
		}
	}
	ex := extractor{seg: seg, cfg: cfg.Features}
	counts := make([]map[string]float64, len(docs))
	for i, d := range docs {
		counts[i] = ex.counts(d.Title, d.Body)
	}
	m := &Model{Labels: labels, Config: cfg, Temperature: 1, Threshold: 0.5, Candidates: tried, ex: ex}
	if oof != nil && cfg.HoldOut > 0 {
		// the selection predicted every document from models that never
		// saw it: calibrating on all of them beats a hold-out a fifth
		// the size, and costs no extra fit
		m.Calibration = m.calibrate(oof, ys)
	} else if train, held := stratifiedSplit(ys, len(labels), cfg.HoldOut, cfg.Seed); len(held) >= 2*len(labels) {
		logits, gold := m.heldOutLogits(counts, ys, train, held)
		m.Calibration = m.calibrate(logits, gold)
	}
	m.vocab = buildVocab(counts, cfg.Features)
	xs := make([]sparse, len(docs))
	for i := range docs {
		xs[i] = m.vocab.vector(counts[i])
	}
	m.lins = fitMembers(m.vocab, xs, ys, len(labels), cfg)
	m.Trained = len(docs)
	if err := m.seal(); err != nil {
		return nil, err
	}
	return m, nil
}

// fitLinear fits the learner cfg names.
func fitLinear(xs []sparse, ys []int, k, d int, cfg TrainConfig) *linear {
	if cfg.Loss == "bayes" {
		return trainBayes(xs, ys, k, d)
	}
	if cfg.Loss == "svm" {
		return trainSVM(xs, ys, k, d, svmConfig{c: cfg.C, nb: cfg.NB, seed: cfg.Seed})
	}
	return trainLinear(xs, ys, k, d, sgdConfig{epochs: cfg.Epochs, rate: cfg.Rate, l2: cfg.L2, seed: cfg.Seed})
}

// heldOutLogits fits the ensemble on the train part and returns its
// members' logits (member, document, class) on the held-out part, with
// their labels.
func (m *Model) heldOutLogits(counts []map[string]float64, ys []int, train, held []int) ([][][]float64, []int) {
	sub := make([]map[string]float64, len(train))
	for i, n := range train {
		sub[i] = counts[n]
	}
	v := buildVocab(sub, m.Config.Features)
	xs, tys := make([]sparse, len(train)), make([]int, len(train))
	for i, n := range train {
		xs[i], tys[i] = v.vector(counts[n]), ys[n]
	}
	e := ensemble{v: v, mems: members(m.Config), lins: fitMembers(v, xs, tys, len(m.Labels), m.Config)}
	gold := make([]int, len(held))
	byMember := make([][][]float64, len(e.lins))
	for j := range e.lins {
		byMember[j] = make([][]float64, len(held))
	}
	for i, n := range held {
		x := v.vector(counts[n])
		gold[i] = ys[n]
		for j := range e.lins {
			byMember[j][i] = make([]float64, len(m.Labels))
			e.memberScores(j, x, byMember[j][i])
		}
	}
	return byMember, gold
}

// calibrate chooses, on logits of documents the fitted models never saw
// (member, document, class), each member's temperature, the ensemble's
// temperature (least negative log-likelihood) and the lowest threshold
// whose suggestions are right TargetPrecision of the time.
func (m *Model) calibrate(byMember [][][]float64, gold []int) *Calibration {
	e := ensemble{temps: fitTemperatures(byMember, gold)}
	m.MemberTemperatures = e.temps
	logits := make([][]float64, len(gold))
	each := make([][]float64, len(byMember))
	for i := range gold {
		if len(byMember) == 1 {
			logits[i] = byMember[0][i]
			continue
		}
		for j := range byMember {
			each[j] = byMember[j][i]
		}
		logits[i] = make([]float64, len(m.Labels))
		combine(each, e.temps, logits[i])
	}
	cal := &Calibration{HeldOut: len(gold), ECERaw: ece(probsAt(logits, 1), gold)}
	m.Temperature = fitTemperature(logits, gold)
	probs := probsAt(logits, m.Temperature)
	m.Top = fitTop(probs, gold)
	for _, p := range probs {
		recalibrateTop(p, m.Top)
	}
	cal.ECE = ece(probs, gold)
	m.Threshold, cal.Coverage, cal.Precision = chooseThreshold(probs, gold, m.Config.TargetPrecision)
	right := 0
	for i, p := range probs {
		if argmax(p) == gold[i] {
			right++
		}
	}
	cal.Accuracy = float64(right) / float64(len(gold))
	return cal
}

// Probabilities returns the calibrated probability of each label.
func (m *Model) Probabilities(title, body string) []float64 {
	z := make([]float64, len(m.Labels))
	m.ensemble().scores(m.vocab.vector(m.ex.counts(title, body)), z)
	softmaxInPlace(z, m.Temperature)
	recalibrateTop(z, m.Top)
	return z
}

// Classify implements tian.Classifier.
func (m *Model) Classify(_ context.Context, title, body string, k int) (*tian.Suggestion, error) {
	if len(title)+len(body) > 4*tian.MaxBodyRunes {
		return nil, tian.Errorf(tian.ETOOLARGE, "文本过长，无法分类（上限 %d 字）", tian.MaxBodyRunes)
	}
	if strings.TrimSpace(title+body) == "" {
		return nil, tian.Errorf(tian.EINVALID, "文本为空，无法分类")
	}
	if k <= 0 || k > len(m.Labels) {
		k = len(m.Labels)
	}
	counts := m.ex.counts(title, body)
	x := m.vocab.vector(counts)
	z := make([]float64, len(m.Labels))
	m.ensemble().scores(x, z)
	softmaxInPlace(z, m.Temperature)
	recalibrateTop(z, m.Top)
	order := make([]int, len(z))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return z[order[a]] > z[order[b]] })
	s := &tian.Suggestion{Labels: make([]tian.Scored, 0, k), Threshold: m.Threshold, Model: m.version}
	for _, c := range order[:k] {
		s.Labels = append(s.Labels, tian.Scored{Label: m.Labels[c], Prob: round4(z[c])})
	}
	s.Uncertain = z[order[0]] < m.Threshold
	s.Evidence = m.evidence(x, order[0], title, body)
	return s, nil
}

// ensemble is the model's members with their temperatures.
func (m *Model) ensemble() ensemble {
	return ensemble{v: m.vocab, mems: members(m.Config), lins: m.lins, temps: m.MemberTemperatures}
}

// evidence returns the words that pushed the text most towards label c:
// each word feature's value times how much more its weight favours c than
// the average label (summed over the members that see words, each over
// its temperature). Title and body occurrences are located in the text
// given as title + "\n" + body.
func (m *Model) evidence(x sparse, c int, title, body string) []tian.Evidence {
	contrib := map[string]float64{}
	for j, mem := range members(m.Config) {
		if mem.View == "chars" {
			continue
		}
		t := 1.0
		if len(m.MemberTemperatures) > j {
			t = m.MemberTemperatures[j]
		}
		m.lins[j].favour(m.vocab.only(x, mem.View), c, func(f int32, v float64) {
			if term := m.vocab.terms[f]; strings.HasPrefix(term, "w:") {
				contrib[term[2:]] += v / t
			}
		})
	}
	out := []tian.Evidence{} // never nil: the API serialises it as a list
	for t, w := range contrib {
		if len([]rune(t)) >= 2 && strings.IndexFunc(t, unicode.IsLetter) >= 0 {
			out = append(out, tian.Evidence{Term: t, Weight: round4(w), Spans: [][2]int{}})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Weight != out[j].Weight {
			return out[i].Weight > out[j].Weight
		}
		return out[i].Term < out[j].Term
	})
	if len(out) > 6 {
		out = out[:6]
	}
	text := title + "\n" + body
	if title == "" {
		text = body
	}
	for _, tok := range m.ex.seg.Cut(text, tian.CutOptions{Mode: tian.ModeExact, DropPunct: true}) {
		for i := range out {
			if strings.ToLower(tok.Text) == out[i].Term {
				out[i].Spans = append(out[i].Spans, [2]int{tok.Start, tok.End})
			}
		}
	}
	return out
}

func labelIndex(docs []Doc) ([]string, []int) {
	set := map[string]bool{}
	for _, d := range docs {
		set[d.Label] = true
	}
	labels := make([]string, 0, len(set))
	for l := range set {
		labels = append(labels, l)
	}
	sort.Strings(labels)
	idx := map[string]int{}
	for i, l := range labels {
		idx[l] = i
	}
	ys := make([]int, len(docs))
	for i, d := range docs {
		ys[i] = idx[d.Label]
	}
	return labels, ys
}

// stratifiedSplit keeps share of each class aside, chosen by a seeded
// shuffle.
func stratifiedSplit(ys []int, k int, share float64, seed uint64) (train, held []int) {
	byClass := make([][]int, k)
	for i, y := range ys {
		byClass[y] = append(byClass[y], i)
	}
	rng := rand.New(rand.NewPCG(seed, 7))
	for _, idx := range byClass {
		rng.Shuffle(len(idx), func(i, j int) { idx[i], idx[j] = idx[j], idx[i] })
		n := int(math.Round(share * float64(len(idx))))
		if len(idx) < 5 {
			n = 0
		}
		held = append(held, idx[:n]...)
		train = append(train, idx[n:]...)
	}
	sort.Ints(train)
	sort.Ints(held)
	return train, held
}

func probsAt(logits [][]float64, t float64) [][]float64 {
	out := make([][]float64, len(logits))
	for i, z := range logits {
		p := append([]float64(nil), z...)
		softmaxInPlace(p, t)
		out[i] = p
	}
	return out
}

// fitTop fits the recalibration of the top probability (Platt scaling
// of its log-odds) on held-out probabilities and their labels; [a, b]
// rounded to four places.
func fitTop(probs [][]float64, gold []int) []float64 {
	zs, ys := make([]float64, len(probs)), make([]int, len(probs))
	for i, p := range probs {
		c := argmax(p)
		zs[i] = logit(p[c])
		if c == gold[i] {
			ys[i] = 1
		}
	}
	a, b := fitPlatt(zs, ys)
	if a < 0 { // confidence that says nothing: the share right for all
		right := 0
		for _, y := range ys {
			right += y
		}
		a, b = 0, logit((float64(right)+1)/(float64(len(ys))+2))
	}
	return []float64{round4(a), round4(b)}
}

// recalibrateTop replaces the top probability of p by σ(a·logit(p)+b)
// for top = [a, b] and scales the others to share the rest; the top label
// stays on top. A nil top leaves p as it is.
func recalibrateTop(p []float64, top []float64) {
	if len(top) != 2 || len(p) < 2 {
		return
	}
	c := argmax(p)
	rest, second := 1-p[c], 0.0
	for j, v := range p {
		if j != c {
			second = max(second, v)
		}
	}
	q := sigmoid(top[0]*logit(p[c]) + top[1])
	if rest > 0 {
		q = max(q, second/(rest+second)) // the others must not overtake it
	}
	for j := range p {
		switch {
		case j == c:
		case rest > 0:
			p[j] *= (1 - q) / rest
		default:
			p[j] = (1 - q) / float64(len(p)-1)
		}
	}
	p[c] = q
}

// logit is log(p/(1−p)), with p kept inside (1e-9, 1−1e-9).
func logit(p float64) float64 {
	p = min(max(p, 1e-9), 1-1e-9)
	return math.Log(p / (1 - p))
}

// fitTemperature minimises the held-out negative log-likelihood over the
// temperature by golden-section search on [0.05, 20] (log scale).
func fitTemperature(logits [][]float64, gold []int) float64 {
	nll := func(logT float64) float64 {
		var s float64
		for i, p := range probsAt(logits, math.Exp(logT)) {
			s -= math.Log(math.Max(p[gold[i]], 1e-12))
		}
		return s
	}
	a, b := math.Log(0.05), math.Log(20.0)
	g := (math.Sqrt(5) - 1) / 2
	c, d := b-g*(b-a), a+g*(b-a)
	for range 60 {
		if nll(c) < nll(d) {
			b = d
		} else {
			a = c
		}
		c, d = b-g*(b-a), a+g*(b-a)
	}
	return math.Exp((a + b) / 2)
}

// chooseThreshold returns the lowest probability τ such that the
// suggestions with top probability ≥ τ are right at least target of the
// time, with their share and accuracy. If none is, τ is 1.
func chooseThreshold(probs [][]float64, gold []int, target float64) (tau, coverage, precision float64) {
	type pc struct {
		p     float64
		right bool
	}
	var xs []pc
	for i, p := range probs {
		c := argmax(p)
		xs = append(xs, pc{p[c], c == gold[i]})
	}
	sort.Slice(xs, func(i, j int) bool { return xs[i].p > xs[j].p })
	tau, right := 1.0, 0
	for i, x := range xs {
		if x.right {
			right++
		}
		if i+1 < len(xs) && xs[i+1].p == x.p {
			continue
		}
		if acc := float64(right) / float64(i+1); acc >= target {
			tau, coverage, precision = x.p, float64(i+1)/float64(len(xs)), acc
		}
	}
	return round4(tau), coverage, precision
}

// topReliability bins the top probability of each prediction against
// whether it was right, and returns the bins with the expected
// calibration error (ECE) over them.
func topReliability(probs [][]float64, gold []int) ([]ReliabilityBin, float64) {
	preds := make([]filingPred, len(probs))
	for i, p := range probs {
		c := argmax(p)
		preds[i].p = p[c]
		if c == gold[i] {
			preds[i].y = 1
		}
	}
	return reliability(preds)
}

// ece is topReliability's calibration error.
func ece(probs [][]float64, gold []int) float64 {
	_, e := topReliability(probs, gold)
	return e
}

func argmax(p []float64) int {
	best := 0
	for i, v := range p {
		if v > p[best] {
			best = i
		}
	}
	return best
}

func round4(x float64) float64 { return math.Round(x*1e4) / 1e4 }

package classify

import (
	"context"
	"math"
	"regexp"
	"sort"
	"strings"
	"unicode"

	"tian"
)

// OtherReason is the reason class of the office's rare reasons.
const OtherReason = "其他"

// FilingConfig controls training of the filing model.
type FilingConfig struct {
	Features FeatureConfig `json:"features"`
	Epochs   int           `json:"epochs"`
	Rate     float64       `json:"rate"`
	L2       float64       `json:"l2"`
	Seed     uint64        `json:"seed"`
	// MinReason is the fewest proposals a reason class needs; a rarer
	// lead clause joins a class whose lead clause it contains, or else
	// OtherReason.
	MinReason int `json:"min_reason"`
	// RejectPrecision: RejectAt is the lowest probability of not filing,
	// at least one half, at or above which the development proposals
	// were not filed at least this often.
	RejectPrecision float64 `json:"reject_precision"`
	// FilePrecision: FileAt is the highest probability at or below which
	// the development proposals were filed at least this often.
	FilePrecision float64 `json:"file_precision"`
	// A word is evidence for not filing only if its weight in the text
	// is at least EvidenceMin, at least three not-filed training
	// proposals use it, and the share of the not-filed that do is at
	// least EvidenceRatio times the share of the filed (so that words
	// both use alike, 发展 say, are never evidence).
	EvidenceMin   float64 `json:"evidence_min"`
	EvidenceRatio float64 `json:"evidence_ratio"`
	// Reason is how the reason model is trained: on the not-filed
	// proposals only, a few dozen a class.
	Reason ReasonConfig `json:"reason"`
}

// ReasonConfig controls the reason model's training (its L2 and seed are
// the filing model's).
type ReasonConfig struct {
	Epochs int     `json:"epochs"`
	Rate   float64 `json:"rate"`
	// ShapeScale multiplies the text shapes' values among the reason
	// model's features, beside the words' unit-length TF-IDF vector.
	ShapeScale float64 `json:"shape_scale"`
}

// DefaultFilingConfig are the settings the default filing model is
// trained with: words and character bigrams, the 8,000 most frequent
// (on the corpus's 2024 development year, trained on 2021–2023, this had
// the lowest Brier score and best reasons among 5,000–20,000 features
// with and without bigrams, in a file of half a megabyte). The reason
// model's settings had the best reasons on the 89 not-filed proposals of
// 2023 and 2024, each year predicted by a model of the years before it:
// top-1 0.719 and top-2 0.876, against 0.674 and 0.854 when trained as
// the filing model is (12 epochs at rate 0.1, shapes unscaled).
func DefaultFilingConfig() FilingConfig {
	return FilingConfig{
		Features: FeatureConfig{Words: true, CharNGrams: []int{2}, TitleWeight: 2, MinDF: 3, MaxFeatures: 8_000},
		Epochs:   12, Rate: 0.1, L2: 1e-5, Seed: 1,
		MinReason: 3, RejectPrecision: 0.8, FilePrecision: 0.95,
		EvidenceMin: 0.1, EvidenceRatio: 3,
		Reason: ReasonConfig{Epochs: 60, Rate: 0.1, ShapeScale: 3},
	}
}

// FilingReason is one class of the office's 不予立案 reasons: those whose
// lead clause (the text before the first "，" or "。") is Lead, and rare
// ones whose lead clause contains it.
type FilingReason struct {
	Lead string `json:"lead"`
	// Wording is how the office most often wrote a reason of the class.
	Wording  string `json:"wording"`
	Examples int    `json:"examples"`
}

// ShapeStat is how often a text shape occurs among the filed and the not
// filed proposals of the training data (the mean of its value).
type ShapeStat struct {
	Name     string  `json:"name"`
	Filed    float64 `json:"filed"`
	NotFiled float64 `json:"not_filed"`
	Weight   float64 `json:"weight"` // its weight towards not filing
}

// FilingModel advises on filing (审查立案): a calibrated probability that
// the office would not file a text, the likely reasons, and the words and
// text shapes behind them. It is immutable and safe for concurrent use.
type FilingModel struct {
	Config  FilingConfig   `json:"config"`
	Reasons []FilingReason `json:"reasons"`
	// PlattA and PlattB calibrate: P(not filed) = σ(A·z + B), z the
	// model's score.
	PlattA            float64 `json:"platt_a"`
	PlattB            float64 `json:"platt_b"`
	ReasonTemperature float64 `json:"reason_temperature"`
	RejectAt          float64 `json:"reject_at"`
	FileAt            float64 `json:"file_at"`
	// Dev is what the development proposals showed.
	Dev      *FilingEval `json:"dev,omitempty"`
	Shapes   []ShapeStat `json:"shapes"`
	Trained  int         `json:"trained"`
	Rejected int         `json:"rejected"`
	version  string
	vocab    *vocab
	filing   *linear // two classes: filed, not filed
	reason   *linear // nil with fewer than two reason classes
	// cue marks the vocabulary's words that may be evidence (see
	// FilingConfig.EvidenceRatio).
	cue []bool
	ex  extractor
}

// Version identifies the model (a digest of its saved form).
func (m *FilingModel) Version() string { return m.version }

// filingSet is the proposals training sees, with their features.
type filingSet struct {
	counts []map[string]float64
	shape  [][]float64
	year   []int
	y      []int // 1 = not filed
	reason []int // reason class of a not-filed proposal, else -1
}

// TrainFiling learns from the proposals' decisions: filed (立案 and 并案)
// against not filed (不予立案), skipping those with no status. The latest
// year serves as development data: a model of the earlier years is
// calibrated (Platt scaling) and its thresholds chosen there; then the
// model is fitted on all years. With too few not-filed proposals in
// either part a stratified fifth is held out instead.
func TrainFiling(seg tian.Segmenter, ps []*tian.Proposal, cfg FilingConfig) (*FilingModel, error) {
	m := &FilingModel{Config: cfg, PlattA: 1, ReasonTemperature: 1, RejectAt: 1, ex: extractor{seg: seg, cfg: cfg.Features}}
	var kept []*tian.Proposal
	for _, p := range ps {
		if p.Status == tian.StatusRejected {
			m.Rejected++
		}
		if p.Filed() || p.Status == tian.StatusRejected {
			kept = append(kept, p)
		}
	}
	if m.Rejected < 2 || len(kept)-m.Rejected < 2 {
		return nil, tian.Errorf(tian.EINVALID, "训练立案建议模型至少需要立案和不予立案的提案各两件，现有 %d 件和 %d 件", len(kept)-m.Rejected, m.Rejected)
	}
	m.Reasons = reasonClasses(kept, cfg.MinReason)
	set := m.featureSet(kept)
	if train, dev := devSplit(set, cfg.Seed); len(dev) > 0 {
		m.calibrate(set, train, dev)
	}
	all := make([]int, len(kept))
	for i := range all {
		all[i] = i
	}
	m.vocab, m.filing, m.reason = m.fit(set, all)
	m.Trained = len(kept)
	m.Shapes = shapeStats(set, m.filing, len(m.vocab.terms))
	m.cue = evidenceWords(set, m.vocab, cfg.EvidenceRatio)
	if err := m.seal(); err != nil {
		return nil, err
	}
	return m, nil
}

var leadClause = regexp.MustCompile(`^[^，。,]*`)

// reasonLead is a reason's lead clause.
func reasonLead(reason string) string {
	return strings.TrimSpace(leadClause.FindString(strings.TrimSpace(reason)))
}

// reasonClasses groups the not-filed proposals' reasons by lead clause,
// most examples first. A lead clause of fewer than min examples joins the
// common class whose lead clause it contains (see nearLead: 涉及国家和省
// 统一规定 joins 涉及国家统一规定); what joins none, and reasons left
// empty, fold into OtherReason, listed last.
func reasonClasses(ps []*tian.Proposal, minN int) []FilingReason {
	count := map[string]int{}
	wording := map[string]map[string]int{}
	for _, p := range ps {
		if p.Status != tian.StatusRejected {
			continue
		}
		l := reasonLead(p.StatusReason)
		count[l]++
		if wording[l] == nil {
			wording[l] = map[string]int{}
		}
		wording[l][strings.TrimSpace(p.StatusReason)]++
	}
	var out []FilingReason
	for l, n := range count {
		if n >= minN && l != "" {
			out = append(out, FilingReason{Lead: l, Wording: mostCommon(wording[l]), Examples: n})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Examples != out[j].Examples {
			return out[i].Examples > out[j].Examples
		}
		return out[i].Lead < out[j].Lead
	})
	other := 0
	for l, n := range count {
		if n >= minN && l != "" {
			continue
		}
		if c := nearLead(l, out); c >= 0 {
			out[c].Examples += n
		} else {
			other += n
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Examples > out[j].Examples })
	if other > 0 {
		out = append(out, FilingReason{Lead: OtherReason, Wording: OtherReason, Examples: other})
	}
	return out
}

// nearLead is the class whose lead clause lead contains, in the sense
// that at least three quarters of the class's character bigrams occur in
// lead (the most if several do); -1 if none.
func nearLead(lead string, classes []FilingReason) int {
	have := map[string]bool{}
	for _, b := range bigrams(lead) {
		have[b] = true
	}
	best, bestShare := -1, 0.75
	for i, c := range classes {
		bs := bigrams(c.Lead)
		if len(bs) == 0 || c.Lead == OtherReason {
			continue
		}
		n := 0
		for _, b := range bs {
			if have[b] {
				n++
			}
		}
		if share := float64(n) / float64(len(bs)); share >= bestShare {
			if share > bestShare || best < 0 {
				best, bestShare = i, share
			}
		}
	}
	return best
}

func bigrams(s string) []string {
	rs := []rune(s)
	var out []string
	for i := 0; i+2 <= len(rs); i++ {
		out = append(out, string(rs[i:i+2]))
	}
	return out
}

func mostCommon(m map[string]int) string {
	best, n := "", 0
	for s, c := range m {
		if c > n || c == n && s < best {
			best, n = s, c
		}
	}
	return best
}

// reasonIndex is the class of a reason: the class of its lead clause,
// the class that lead clause contains, or OtherReason; -1 if the model
// has none of these.
func (m *FilingModel) reasonIndex(reason string) int {
	l := reasonLead(reason)
	other := -1
	for i, r := range m.Reasons {
		if r.Lead == l && l != OtherReason {
			return i
		}
		if r.Lead == OtherReason {
			other = i
		}
	}
	if c := nearLead(l, m.Reasons); c >= 0 {
		return c
	}
	return other
}

func (m *FilingModel) featureSet(ps []*tian.Proposal) filingSet {
	s := filingSet{}
	for _, p := range ps {
		s.counts = append(s.counts, m.ex.counts(p.Title, p.Body))
		s.shape = append(s.shape, shapeValues(m.ex.seg.Normalize, p.Title, p.Body))
		s.year = append(s.year, p.Year)
		y, r := 0, -1
		if p.Status == tian.StatusRejected {
			y, r = 1, m.reasonIndex(p.StatusReason)
		}
		s.y = append(s.y, y)
		s.reason = append(s.reason, r)
	}
	return s
}

// devSplit keeps the latest year aside when it and the years before hold
// at least five not-filed proposals each, else a stratified fifth.
func devSplit(s filingSet, seed uint64) (train, dev []int) {
	latest := 0
	for _, y := range s.year {
		latest = max(latest, y)
	}
	var rejTrain, rejDev int
	for i, y := range s.year {
		if y == latest {
			dev = append(dev, i)
			rejDev += s.y[i]
		} else {
			train = append(train, i)
			rejTrain += s.y[i]
		}
	}
	if rejTrain >= 5 && rejDev >= 5 {
		return train, dev
	}
	return stratifiedSplit(s.y, 2, 0.2, seed)
}

// vectorOf is a text's features: its TF-IDF words and n-grams, then its
// shapes.
func vectorOf(v *vocab, counts map[string]float64, shape []float64) sparse {
	x := v.vector(counts)
	d := int32(len(v.terms))
	for i, s := range shape {
		if s != 0 {
			x.idx = append(x.idx, d+int32(i))
			x.val = append(x.val, float32(s))
		}
	}
	return x
}

// fit trains the filing model, and the reason model on the not-filed
// proposals, on the rows given.
func (m *FilingModel) fit(s filingSet, rows []int) (*vocab, *linear, *linear) {
	sub := make([]map[string]float64, len(rows))
	for i, n := range rows {
		sub[i] = s.counts[n]
	}
	v := buildVocab(sub, m.Config.Features)
	d := len(v.terms) + len(shapes)
	sgd := sgdConfig{epochs: m.Config.Epochs, rate: m.Config.Rate, l2: m.Config.L2, seed: m.Config.Seed}
	var xs, rxs []sparse
	var ys, rys []int
	for _, n := range rows {
		x := vectorOf(v, s.counts[n], s.shape[n])
		xs, ys = append(xs, x), append(ys, s.y[n])
		if s.y[n] == 1 && s.reason[n] >= 0 {
			rxs, rys = append(rxs, m.reasonVector(x, len(v.terms))), append(rys, s.reason[n])
		}
	}
	filing := trainLinear(xs, ys, 2, d, sgd)
	var reason *linear
	if len(m.Reasons) >= 2 {
		rc := m.Config.Reason
		reason = trainLinear(rxs, rys, len(m.Reasons), d, sgdConfig{epochs: rc.Epochs, rate: rc.Rate, l2: m.Config.L2, seed: m.Config.Seed})
	}
	return v, filing, reason
}

// reasonVector is x, a text's features, as the reason model sees them:
// the shapes, from column nw on, scaled by ShapeScale.
func (m *FilingModel) reasonVector(x sparse, nw int) sparse {
	k := float32(m.Config.Reason.ShapeScale)
	out := sparse{idx: x.idx, val: make([]float32, len(x.val))}
	for i, f := range x.idx {
		out.val[i] = x.val[i]
		if int(f) >= nw {
			out.val[i] *= k
		}
	}
	return out
}

// logOdds is the filing model's log-odds of not filing.
func logOdds(lin *linear, x sparse) float64 {
	z := make([]float64, 2)
	lin.scores(x, z)
	return z[1] - z[0]
}

// calibrate fits a model on the train rows and, on the development rows,
// the Platt scaling, the reason model's temperature and the thresholds.
func (m *FilingModel) calibrate(s filingSet, train, dev []int) {
	v, filing, reason := m.fit(s, train)
	zs := make([]float64, len(dev))
	preds := make([]filingPred, len(dev))
	var rlogits [][]float64
	var rgold []int
	for i, n := range dev {
		x := vectorOf(v, s.counts[n], s.shape[n])
		zs[i] = logOdds(filing, x)
		preds[i] = filingPred{y: s.y[n], reason: s.reason[n]}
		if reason != nil {
			z := make([]float64, len(m.Reasons))
			reason.scores(m.reasonVector(x, len(v.terms)), z)
			preds[i].ranked = topK(z, len(z))
			if s.y[n] == 1 && s.reason[n] >= 0 {
				rlogits, rgold = append(rlogits, z), append(rgold, s.reason[n])
			}
		}
	}
	ys := make([]int, len(dev))
	for i := range preds {
		ys[i] = preds[i].y
	}
	m.PlattA, m.PlattB = fitPlatt(zs, ys)
	probs := make([]float64, len(zs))
	for i, z := range zs {
		probs[i] = sigmoid(m.PlattA*z + m.PlattB)
		preds[i].p = probs[i]
	}
	m.RejectAt, m.FileAt = chooseFilingThresholds(probs, ys, m.Config.RejectPrecision, m.Config.FilePrecision)
	if len(rlogits) >= 2 {
		m.ReasonTemperature = fitTemperature(rlogits, rgold)
	}
	dv := scoreFiling(preds, m.RejectAt, m.FileAt, baseRate(s.y, train))
	dv.ReasonMisses = m.reasonMisses(preds)
	m.Dev = &dv
}

func baseRate(ys []int, rows []int) float64 {
	n := 0
	for _, r := range rows {
		n += ys[r]
	}
	return float64(n) / float64(max(len(rows), 1))
}

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// fitPlatt fits P(y=1) = σ(a·z + b) by Newton's method with
// backtracking on the log-likelihood (as Lin, Lin and Weng's note on
// Platt's method), with Platt's smoothed targets so that a separable
// development set does not send a to infinity.
func fitPlatt(zs []float64, ys []int) (a, b float64) {
	var pos, neg float64
	for _, y := range ys {
		pos += float64(y)
		neg += float64(1 - y)
	}
	hi, lo := (pos+1)/(pos+2), 1/(neg+2)
	target := func(i int) float64 {
		if ys[i] == 1 {
			return hi
		}
		return lo
	}
	loss := func(a, b float64) float64 {
		var l float64
		for i, z := range zs {
			f := a*z + b // −log σ(f)·t − log(1−σ(f))·(1−t), computed stably
			l += math.Max(f, 0) - f*target(i) + math.Log1p(math.Exp(-math.Abs(f)))
		}
		return l
	}
	a, b = 0, math.Log((pos+1)/(neg+1))
	cur := loss(a, b)
	for range 100 {
		var ga, gb, haa, hab, hbb float64
		for i, z := range zs {
			p := sigmoid(a*z + b)
			w := p * (1 - p)
			ga += (p - target(i)) * z
			gb += p - target(i)
			haa += w * z * z
			hab += w * z
			hbb += w
		}
		haa, hbb = haa+1e-12, hbb+1e-12
		det := haa*hbb - hab*hab
		da, db := (hbb*ga-hab*gb)/det, (haa*gb-hab*ga)/det
		if math.Abs(ga) < 1e-6 && math.Abs(gb) < 1e-6 || det <= 0 {
			break
		}
		step := 1.0
		for ; step >= 1e-10; step /= 2 {
			if l := loss(a-step*da, b-step*db); l < cur {
				a, b, cur = a-step*da, b-step*db, l
				break
			}
		}
		if step < 1e-10 {
			break
		}
	}
	return a, b
}

// chooseFilingThresholds returns the lowest probability, at least one
// half, at or above which not-filed precision reaches rejectPrec (1 if
// none does; so 建议不予立案 always means not filing is the likelier), and the
// highest at or below which filed precision reaches filePrec (0 if none
// does), below the first.
func chooseFilingThresholds(probs []float64, ys []int, rejectPrec, filePrec float64) (rejectAt, fileAt float64) {
	order := make([]int, len(probs))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return probs[order[a]] > probs[order[b]] })
	rejectAt, hits := 1.0, 0
	for k, i := range order {
		hits += ys[i]
		if k+1 < len(order) && probs[order[k+1]] == probs[i] {
			continue
		}
		if probs[i] >= 0.5 && hits >= 3 && float64(hits)/float64(k+1) >= rejectPrec {
			rejectAt = probs[i]
		}
	}
	fileAt, filed := 0.0, 0
	for k := len(order) - 1; k >= 0; k-- {
		i := order[k]
		filed += 1 - ys[i]
		if k > 0 && probs[order[k-1]] == probs[i] {
			continue
		}
		n := len(order) - k
		if probs[i] < rejectAt && float64(filed)/float64(n) >= filePrec {
			fileAt = probs[i]
		}
	}
	return round4(rejectAt), round4(fileAt)
}

// NotFiledProb is the calibrated probability that the office would not
// file the text.
func (m *FilingModel) NotFiledProb(title, body string) float64 {
	return sigmoid(m.PlattA*logOdds(m.filing, m.features(title, body)) + m.PlattB)
}

func (m *FilingModel) features(title, body string) sparse {
	return vectorOf(m.vocab, m.ex.counts(title, body), shapeValues(m.ex.seg.Normalize, title, body))
}

// reasonProbs are the probabilities of the reason classes, given that the
// text is not filed; nil without a reason model.
func (m *FilingModel) reasonProbs(x sparse) []float64 {
	if m.reason == nil {
		if len(m.Reasons) == 1 {
			return []float64{1}
		}
		return nil
	}
	z := make([]float64, len(m.Reasons))
	m.reason.scores(m.reasonVector(x, len(m.vocab.terms)), z)
	softmaxInPlace(z, m.ReasonTemperature)
	return z
}

var _ tian.Filer = (*FilingModel)(nil)

// AdviseFiling implements tian.Filer. A text with no letters or digits
// is EINVALID, one over the length limit ETOOLARGE.
func (m *FilingModel) AdviseFiling(_ context.Context, title, body string) (*tian.FilingAdvice, error) {
	if len(title)+len(body) > 4*tian.MaxBodyRunes {
		return nil, tian.Errorf(tian.ETOOLARGE, "文本过长，无法给出立案建议（上限 %d 字）", tian.MaxBodyRunes)
	}
	if len(tian.Letters(title+body)) == 0 {
		return nil, tian.Errorf(tian.EINVALID, "文本没有文字，无法给出立案建议")
	}
	x := m.features(title, body)
	p := sigmoid(m.PlattA*logOdds(m.filing, x) + m.PlattB)
	a := &tian.FilingAdvice{NotFiledProb: round4(p), Recommendation: tian.RecommendUnsure, Reasons: []tian.Scored{},
		RejectAt: m.RejectAt, FileAt: m.FileAt, Model: m.version}
	switch {
	case p >= m.RejectAt:
		a.Recommendation = tian.RecommendReject
	case p <= m.FileAt:
		a.Recommendation = tian.RecommendFile
	}
	rp := m.reasonProbs(x)
	for _, c := range topK(rp, 3) {
		a.Reasons = append(a.Reasons, tian.Scored{Label: m.Reasons[c].Wording, Prob: round4(rp[c])})
	}
	a.Evidence = m.evidence(x, title, body)
	return a, nil
}

// topK are the indexes of the k largest values, largest first.
func topK(p []float64, k int) []int {
	order := make([]int, len(p))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return p[order[a]] > p[order[b]] })
	return order[:min(k, len(order))]
}

// evidence returns what pushed the text most towards not filing: words
// (with their spans in title + "\n" + body, or body alone when the title
// is empty) and text shapes (with the spans of their cue words, if any).
func (m *FilingModel) evidence(x sparse, title, body string) []tian.Evidence {
	d := m.filing.d
	nw := int32(len(m.vocab.terms))
	words := map[string]float64{}
	var out []tian.Evidence
	text := title + "\n" + body
	if title == "" {
		text = body
	}
	for i, f := range x.idx {
		v := float64(x.val[i]) * (m.filing.w[d+int(f)] - m.filing.w[int(f)])
		switch {
		case v <= 0:
		case f >= nw:
			sh := shapes[f-nw]
			out = append(out, tian.Evidence{Term: sh.name, Weight: round4(v), Spans: cueSpans(text, sh.cues)})
		case v >= m.Config.EvidenceMin && m.cue[f]:
			words[m.vocab.terms[f][2:]] += v
		}
	}
	for t, w := range words {
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
	out = out[:min(len(out), 8)]
	for _, tok := range m.ex.seg.Cut(text, tian.CutOptions{Mode: tian.ModeExact, DropPunct: true}) {
		for i := range out {
			if strings.ToLower(tok.Text) == out[i].Term {
				out[i].Spans = append(out[i].Spans, [2]int{tok.Start, tok.End})
			}
		}
	}
	if out == nil {
		out = []tian.Evidence{}
	}
	return out
}

// evidenceWords marks the vocabulary's words used by at least three
// not-filed proposals, whose document frequency among the not-filed is at
// least ratio times that among the filed.
func evidenceWords(s filingSet, v *vocab, ratio float64) []bool {
	df := make([][2]float64, len(v.terms))
	var n [2]float64
	for i, c := range s.counts {
		n[s.y[i]]++
		for t := range c {
			if j, ok := v.index[t]; ok && strings.HasPrefix(t, "w:") {
				df[j][s.y[i]]++
			}
		}
	}
	out := make([]bool, len(v.terms))
	for j, t := range v.terms {
		out[j] = strings.HasPrefix(t, "w:") && df[j][1] >= 3 && df[j][1]/n[1] >= ratio*df[j][0]/n[0]
	}
	return out
}

// shapeStats measures each shape among filed and not filed proposals,
// with its learnt weight towards not filing.
func shapeStats(s filingSet, lin *linear, nw int) []ShapeStat {
	out := make([]ShapeStat, len(shapes))
	var nf, nn float64
	for i := range s.y {
		if s.y[i] == 1 {
			nn++
		} else {
			nf++
		}
	}
	for j, sh := range shapes {
		out[j].Name = sh.name
		for i, v := range s.shape {
			if s.y[i] == 1 {
				out[j].NotFiled += v[j] / nn
			} else {
				out[j].Filed += v[j] / nf
			}
		}
		out[j].Filed, out[j].NotFiled = round4(out[j].Filed), round4(out[j].NotFiled)
		out[j].Weight = round4(lin.w[lin.d+nw+j] - lin.w[nw+j])
	}
	return out
}

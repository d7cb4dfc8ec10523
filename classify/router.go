package classify

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strings"

	"tian"
)

// RouterConfig controls routing training.
type RouterConfig struct {
	Neighbours int `json:"neighbours"` // similar past proposals consulted
	MaxCoUnits int `json:"max_co_units"`
	// Folds is how many parts the training proposals are cut into for the
	// text features: each part's come from what the other parts taught.
	Folds int     `json:"folds"`
	L2    float64 `json:"l2"` // penalty of both fits, on standardised features
	Text  TrainConfig
}

// DefaultRouterConfig are the settings of the default router.
func DefaultRouterConfig() RouterConfig {
	text := DefaultTrainConfig()
	// the per-unit text model: words only, a capped vocabulary, no
	// calibration (the lead model weighs it): small and quick to train
	text.Features = FeatureConfig{Words: true, TitleWeight: 2, MinDF: 2, MaxFeatures: 8000}
	text.Epochs, text.HoldOut = 8, 0
	return RouterConfig{Neighbours: 10, MaxCoUnits: 3, Folds: 5, L2: 1, Text: text}
}

// Router suggests the lead and co-handling units of a text.
type Router struct {
	Config RouterConfig `json:"config"`
	Units  []string     `json:"units"`
	// Lead weighs the lead features (a softmax over units: no
	// intercept); Co weighs the co-handling features, intercept first.
	Lead        []float64 `json:"lead_coefficients"`
	Co          []float64 `json:"co_coefficients"`
	CoThreshold float64   `json:"co_threshold"` // co-handling probability from which a unit is suggested
	// CoCalibration maps the co-handling score z to its probability
	// σ(a·z + b), [a, b], fitted on CalibratedOn (0: none).
	CoCalibration []float64 `json:"co_calibration"`
	// LeadTemperature divides the lead model's scores for the
	// probabilities shown (the ranking does not change), fitted on
	// CalibratedOn too.
	LeadTemperature float64 `json:"lead_temperature"`
	CalibratedOn    int     `json:"calibrated_on"`
	History         history `json:"history"`
	// CoWords and LeadWords are each unit's profiles of the words of the
	// proposals it co-handled and led; WordIDF their IDF over the
	// training proposals.
	CoWords     map[string]map[string]float64 `json:"co_words"`
	LeadWords   map[string]map[string]float64 `json:"lead_words"`
	WordIDF     map[string]float64            `json:"word_idf"`
	Trained     int                           `json:"trained"`
	Rows        int                           `json:"rows"` // proposal–unit pairs the fits saw
	TextVersion string                        `json:"text_model"`

	version   string
	text      *Model // lead unit from text alone
	seg       tian.Segmenter
	duties    map[string]map[string]float64 // unit → normalised duty word vector
	dutyIDF   map[string]float64
	aliases   map[string]string   // any name → current name
	nameParts map[string][]string // unit → the short forms a text names it by
	places    map[string]bool     // the units that govern a place: districts, counties, zones
	// training only: each training proposal's word counts, and the IDF
	// of every word
	wordDocs []map[string]float64
	allIDF   map[string]float64
}

// Version identifies the router.
func (r *Router) Version() string { return r.version }

// TextModel returns the per-unit text model, saved beside the router.
func (r *Router) TextModel() *Model { return r.text }

// routed is a training proposal: text, category and units.
type routed struct {
	p    *tian.Proposal
	lead string
	co   []string
}

// TrainRouter learns routing from the filed proposals of history. nb finds
// similar past proposals: for a training proposal, those of the other
// training years (never its own year, never a later year than the
// training data), as a new proposal sees several years of history; units
// carry the duties.
//
// The lead model is a softmax over the units (a conditional logit) fitted
// by maximum likelihood; the co-handling model is a logistic regression
// over (proposal, unit) pairs, so that its score is the probability that
// the unit co-handles, calibrated on the last training year (calibrate).
// Every feature of a training proposal comes from what did not see it:
// the text model and the word profiles are cross-fitted (each fold's come
// from the other folds), and its own routing is left out of the category
// shares and the lead → co-handler counts.
func TrainRouter(ctx context.Context, seg tian.Segmenter, ps []*tian.Proposal, units []tian.Unit, nb tian.Neighbours, cfg RouterConfig) (*Router, error) {
	if cfg.Folds < 2 {
		return nil, tian.Errorf(tian.EINVALID, "承办单位推荐的交叉拟合折数至少为 2，收到 %d", cfg.Folds)
	}
	r := &Router{Config: cfg, seg: seg, CoCalibration: []float64{1, 0}, LeadTemperature: 1}
	r.setUnits(units)
	var rs []routed
	for _, p := range ps {
		if p.Status == tian.StatusFiled && p.LeadUnit != "" {
			rs = append(rs, routed{p: p, lead: r.canonical(p.LeadUnit), co: r.canonicalAll(p.CoUnits)})
		}
	}
	if len(rs) < 20 {
		return nil, tian.Errorf(tian.EINVALID, "训练承办单位推荐至少需要 20 件已立案且有主办单位的提案，现有 %d 件", len(rs))
	}
	if err := r.fit(ctx, rs, nb); err != nil {
		return nil, err
	}
	if err := r.calibrate(ctx, rs, units, nb); err != nil {
		return nil, err
	}
	return r, r.seal()
}

// fit learns everything but the calibration from the training proposals.
func (r *Router) fit(ctx context.Context, rs []routed, nb tian.Neighbours) error {
	upTo := 0
	for _, x := range rs {
		upTo = max(upTo, x.p.Year)
	}
	r.Units = r.unitNames(rs)
	r.History = learnHistory(rs)
	textProb, err := r.crossFitText(rs)
	if err != nil {
		return err
	}
	if r.text, err = Train(r.seg, unitDocs(rs), r.Config.Text); err != nil {
		return err
	}
	r.TextVersion = r.text.Version()
	r.learnWords(rs)
	folds := r.Config.Folds
	leadFolds := make([]map[string]map[string]float64, folds)
	coFolds := make([]map[string]map[string]float64, folds)
	for k := range coFolds {
		leadFolds[k], coFolds[k] = r.foldWords(rs, k)
	}
	feats := make([][][]float64, len(rs))
	for i, x := range rs {
		q := query{nb: nb, title: x.p.Title, body: x.p.Body, category: x.p.Category, exclude: x.p.Number, skipYear: x.p.Year, upTo: upTo}
		if feats[i], _, err = r.features(ctx, q, textProb[i]); err != nil {
			return err
		}
		r.leaveOut(feats[i], x)
		words, title := r.wordVector(x.p.Title, x.p.Body), r.wordVector(x.p.Title, "")
		for u, name := range r.Units {
			feats[i][u][fLeadWords] = tian.Cosine(words, leadFolds[i%folds][name])
			feats[i][u][fTitleWords] = tian.Cosine(title, leadFolds[i%folds][name])
			feats[i][u][fCoWords] = tian.Cosine(words, coFolds[i%folds][name])
		}
	}
	r.fitLead(rs, feats)
	r.fitCo(rs, feats)
	r.Trained, r.Rows = len(rs), len(rs)*len(r.Units)
	return nil
}

// calibrate sets the co-handling probabilities' scale and the threshold
// on the last training year, as a router meets a new year: a router
// trained on the years before it (at least two) routes that year's proposals (each
// consulting earlier years only), Platt scaling maps its co-handling
// scores to the share that co-handled, and the threshold maximises F1 on
// the scaled probabilities. The fits of models on fewer years carry over
// to the model on all of them: the scaling corrects what cross-fitting
// cannot (the training proposals' features come from the years around
// them, a new proposal's from the years before). With fewer than two
// earlier years, the scale stays 1 and the threshold is chosen on the
// training proposals.
func (r *Router) calibrate(ctx context.Context, rs []routed, units []tian.Unit, nb tian.Neighbours) error {
	last := 0
	for _, x := range rs {
		last = max(last, x.p.Year)
	}
	var earlier, held []routed
	years := map[int]bool{}
	for _, x := range rs {
		if x.p.Year < last {
			earlier, years[x.p.Year] = append(earlier, x), true
		} else {
			held = append(held, x)
		}
	}
	// the router trained for calibration needs two years, so that its
	// proposals have neighbours in another year
	if len(years) < 2 || len(earlier) < 20 || len(held) < 20 {
		return nil
	}
	inner := &Router{Config: r.Config, seg: r.seg, CoCalibration: []float64{1, 0}, LeadTemperature: 1}
	inner.setUnits(units)
	if err := inner.fit(ctx, earlier, nb); err != nil {
		return err
	}
	h, err := inner.heldOut(ctx, held, nb, last)
	if err != nil {
		return err
	}
	var zs []float64
	var ys []int
	for i, z := range h.co {
		for u := range z {
			if u != h.first[i] {
				zs, ys = append(zs, z[u]), append(ys, b2i(h.gold[i][u]))
			}
		}
	}
	a, b := fitPlatt(zs, ys)
	probs := make([][]float64, len(h.co))
	for i, z := range h.co {
		probs[i] = make([]float64, len(z))
		for u := range z {
			if u != h.first[i] {
				probs[i][u] = sigmoid(a*z[u] + b)
			}
		}
	}
	r.CoCalibration = roundAll([]float64{a, b})
	r.LeadTemperature = round4(fitTemperature(h.lead, h.leadGold))
	r.CoThreshold, r.CalibratedOn = chooseCoThreshold(probs, h.gold, r.Config.MaxCoUnits), last
	return nil
}

// scored are a router's scores of held-out proposals: per proposal its
// first lead candidate, every unit's co-handling score (before
// calibration) and whether it co-handled; and the lead scores of those
// whose lead the router knows, with the lead's index.
type scored struct {
	first    []int
	co       [][]float64
	gold     [][]bool
	lead     [][]float64
	leadGold []int
}

// heldOut scores proposals of the year before, each consulting the
// years before it only, as a new proposal does.
func (r *Router) heldOut(ctx context.Context, held []routed, nb tian.Neighbours, before int) (scored, error) {
	var h scored
	pos := r.unitIndex()
	for _, x := range held {
		sc, err := r.score(ctx, query{nb: nb, title: x.p.Title, body: x.p.Body, category: x.p.Category, before: before})
		if err != nil {
			return h, err
		}
		if g, ok := pos[x.lead]; ok {
			h.lead, h.leadGold = append(h.lead, r.leadLogits(sc.feats)), append(h.leadGold, g)
		}
		z, gold := make([]float64, len(r.Units)), make([]bool, len(r.Units))
		for u, f := range sc.feats {
			z[u], gold[u] = r.coLogit(f), containsString(x.co, r.Units[u])
		}
		h.first, h.co, h.gold = append(h.first, topK(sc.lead, 1)[0]), append(h.co, z), append(h.gold, gold)
	}
	return h, nil
}

// fitLead fits the lead softmax on every training proposal.
func (r *Router) fitLead(rs []routed, feats [][][]float64) {
	pos := r.unitIndex()
	cs := make([]choice, len(rs))
	for i, x := range rs {
		cs[i] = choice{x: make([][]float64, len(r.Units)), gold: pos[x.lead]}
		for u, f := range feats[i] {
			cs[i].x[u] = pick(f, leadFeatures)
		}
	}
	r.Lead = roundAll(fitSoftmax(cs, r.Config.L2))
}

// fitCo fits the co-handling model on every (proposal, unit) pair but the
// lead model's choice, then the threshold that maximises co-handling F1 on
// those pairs.
func (r *Router) fitCo(rs []routed, feats [][][]float64) {
	var rows []example
	first := make([]int, len(rs))
	for i, x := range rs {
		lead := r.leadProbs(feats[i])
		r.addLeadFeatures(feats[i], lead, &rs[i])
		first[i] = topK(lead, 1)[0]
		for u, f := range feats[i] {
			if u != first[i] {
				rows = append(rows, example{x: pick(f, coFeatures), y: containsString(x.co, r.Units[u])})
			}
		}
	}
	r.Co = roundAll(fitLogistic(rows, r.Config.L2))
	probs := make([][]float64, len(rs))
	gold := make([][]bool, len(rs))
	for i, x := range rs {
		probs[i], gold[i] = make([]float64, len(r.Units)), make([]bool, len(r.Units))
		for u, f := range feats[i] {
			gold[i][u] = containsString(x.co, r.Units[u])
			if u != first[i] {
				probs[i][u] = r.coProb(f)
			}
		}
	}
	r.CoThreshold = chooseCoThreshold(probs, gold, r.Config.MaxCoUnits)
}

func roundAll(w []float64) []float64 {
	for i := range w {
		w[i] = math.Round(w[i]*1e6) / 1e6
	}
	return w
}

// chooseCoThreshold picks the co-handling probability from which units
// are suggested (at most most a proposal), maximising F1 over proposals
// whose units' probabilities and truth are given (the first lead
// candidate's probability is zero: a co-handler taken for the lead is
// missed, as in evaluation).
func chooseCoThreshold(probs [][]float64, gold [][]bool, most int) float64 {
	best, bestF1 := 0.5, -1.0
	for t := 0.05; t <= 0.8; t += 0.01 {
		var tp, fp, fn float64
		for i, ps := range probs {
			picked := coPicks(ps, t, most, -1)
			for u, g := range gold[i] {
				in := slices.Contains(picked, u)
				switch {
				case in && g:
					tp++
				case in:
					fp++
				case g:
					fn++
				}
			}
		}
		if f1 := 2 * tp / math.Max(2*tp+fp+fn, 1); f1 > bestF1 {
			best, bestF1 = t, f1
		}
	}
	return math.Round(best*100) / 100
}

// coPicks are the units whose probability is at least t, best first, at
// most most of them, never skip.
func coPicks(probs []float64, t float64, most, skip int) []int {
	var out []int
	for _, u := range topK(probs, len(probs)) {
		if len(out) == most || probs[u] < t {
			break
		}
		if u != skip {
			out = append(out, u)
		}
	}
	return out
}

func pick(f []float64, idx []int) []float64 {
	out := make([]float64, len(idx))
	for i, j := range idx {
		out[i] = f[j]
	}
	return out
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// crossFitText returns, for each training proposal, the text model's unit
// probabilities from a model trained on the other folds.
func (r *Router) crossFitText(rs []routed) ([]map[string]float64, error) {
	out := make([]map[string]float64, len(rs))
	for k := range r.Config.Folds {
		var train []routed
		for i, x := range rs {
			if i%r.Config.Folds != k {
				train = append(train, x)
			}
		}
		m, err := Train(r.seg, unitDocs(train), r.Config.Text)
		if err != nil {
			return nil, err
		}
		for i, x := range rs {
			if i%r.Config.Folds == k {
				out[i] = labelProbs(m, x.p.Title, x.p.Body)
			}
		}
	}
	return out, nil
}

func labelProbs(m *Model, title, body string) map[string]float64 {
	p := m.Probabilities(title, body)
	out := make(map[string]float64, len(p))
	for i, l := range m.Labels {
		out[l] = p[i]
	}
	return out
}

func unitDocs(rs []routed) []Doc {
	docs := make([]Doc, len(rs))
	for i, x := range rs {
		docs[i] = Doc{Title: x.p.Title, Body: x.p.Body, Label: x.lead}
	}
	return docs
}

func (r *Router) unitIndex() map[string]int {
	pos := make(map[string]int, len(r.Units))
	for i, u := range r.Units {
		pos[u] = i
	}
	return pos
}

// unitNames are the units a router ranks: the catalogue's, plus any that
// history routed to.
func (r *Router) unitNames(rs []routed) []string {
	set := map[string]bool{}
	for name := range r.duties {
		set[name] = true
	}
	for _, x := range rs {
		set[x.lead] = true
		for _, c := range x.co {
			set[c] = true
		}
	}
	out := make([]string, 0, len(set))
	for u := range set {
		out = append(out, u)
	}
	sort.Strings(out)
	return out
}

// setUnits keeps the catalogue: aliases map to current names, and each
// unit's name, aliases and duties make its duty vector.
func (r *Router) setUnits(units []tian.Unit) {
	r.aliases, r.nameParts, r.places = map[string]string{}, map[string][]string{}, map[string]bool{}
	docs := map[string][]string{}
	df := map[string]int{}
	for _, u := range units {
		r.aliases[u.Name] = u.Name
		r.nameParts[u.Name] = unitNameParts(u)
		r.places[u.Name] = placeKinds[u.Kind]
		for _, a := range u.Aliases {
			r.aliases[a] = u.Name
		}
		words := dutyWords(r.seg, u.Name+"，"+strings.Join(u.Aliases, "，")+"，"+u.Duties)
		docs[u.Name] = words
		seen := map[string]bool{}
		for _, w := range words {
			if !seen[w] {
				seen[w] = true
				df[w]++
			}
		}
	}
	r.dutyIDF = map[string]float64{}
	for w, d := range df {
		r.dutyIDF[w] = tian.IDF(len(units), d)
	}
	r.duties = map[string]map[string]float64{}
	for name, words := range docs {
		r.duties[name] = r.weigh(words)
	}
}

func (r *Router) dutyVector(text string) map[string]float64 {
	var words []string
	for _, w := range dutyWords(r.seg, text) {
		if _, ok := r.dutyIDF[w]; ok {
			words = append(words, w)
		}
	}
	return r.weigh(words)
}

func (r *Router) weigh(words []string) map[string]float64 {
	tf := map[string]float64{}
	for _, w := range words {
		tf[w]++
	}
	return tian.TFIDF(tf, func(w string) float64 { return r.dutyIDF[w] })
}

// dutyWords are the words of a duty text or a proposal that duties can
// match: search-mode words of two or more characters (so that 专精特新企业培育
// matches 专精特新), without stop words and the name parts every unit has.
func dutyWords(seg tian.Segmenter, text string) []string {
	var out []string
	for _, t := range seg.Cut(text, tian.CutOptions{Mode: tian.ModeSearch, DropStop: true, DropPunct: true}) {
		w := strings.ToLower(t.Text)
		if len([]rune(w)) >= 2 && !genericUnitWords[w] {
			out = append(out, w)
		}
	}
	return out
}

// placeKinds are the kinds of the units that govern a place.
var placeKinds = map[string]bool{"区县政府": true, "开发区": true}

var genericUnitWords = map[string]bool{"人民政府": true, "政府": true, "委员会": true, "管理": true, "服务": true,
	"工作": true, "建设": true, "问题": true, "事项": true, "具体": true, "辖区": true, "城中": true}

func (r *Router) canonical(name string) string {
	if c, ok := r.aliases[name]; ok {
		return c
	}
	return name
}

func (r *Router) canonicalAll(names []string) []string {
	out := make([]string, 0, len(names))
	for _, n := range names {
		out = append(out, r.canonical(n))
	}
	return out
}

// Route suggests the lead unit (ranked, best first) and the co-handling
// units of a text, each unit once: the first lead candidate, then the
// co-handlers that pass the co-handling threshold, then the other lead
// candidates up to req.K (default 3). req.Category may be empty; nb may be
// nil (no history); req.Exclude names a stored proposal left out of the
// history (the one under review) and req.BeforeYear keeps it to earlier
// years. EINVALID for an empty text, ETOOLARGE for an oversized one.
func (r *Router) Route(ctx context.Context, nb tian.Neighbours, req tian.RouteRequest) (*tian.Routing, error) {
	title, body, category, k := req.Title, req.Body, req.Category, req.K
	if strings.TrimSpace(title+body) == "" {
		return nil, tian.Errorf(tian.EINVALID, "文本为空，无法推荐承办单位")
	}
	if len(title)+len(body) > 4*tian.MaxBodyRunes {
		return nil, tian.Errorf(tian.ETOOLARGE, "文本过长，无法推荐承办单位（上限 %d 字）", tian.MaxBodyRunes)
	}
	if k <= 0 {
		k = 3
	}
	q := query{nb: nb, title: title, body: body, category: category, before: req.BeforeYear, exclude: req.Exclude}
	sc, err := r.score(ctx, q)
	if err != nil {
		return nil, err
	}
	ev := evidence{similar: sc.similar, text: dutySet(r.seg, title+"\n"+body), category: category}
	lead, co := r.choose(sc, k)
	// never nil lists: the API serialises them, and pages iterate them
	out := &tian.Routing{Lead: []tian.UnitSuggestion{}, Co: []tian.UnitSuggestion{}, Model: r.version}
	for i, u := range lead {
		out.Lead = append(out.Lead, r.suggestion(u, i+1, sc, ev, true))
	}
	for i, u := range co {
		out.Co = append(out.Co, r.suggestion(u, i+1, sc, ev, false))
	}
	return out, nil
}

// scores are a text's features and each unit's probabilities of leading
// (as the co-handling model reads them, and calibrated, as shown) and of
// co-handling, with the similar past proposals consulted.
type scores struct {
	feats           [][]float64
	lead, shown, co []float64
	similar         []tian.Match
}

func (r *Router) score(ctx context.Context, q query) (scores, error) {
	feats, similar, err := r.features(ctx, q, labelProbs(r.text, q.title, q.body))
	if err != nil {
		return scores{}, err
	}
	z := r.leadLogits(feats)
	sc := scores{feats: feats, lead: softmaxAt(z, 1), shown: softmaxAt(z, r.LeadTemperature), co: make([]float64, len(feats)), similar: similar}
	r.addLeadFeatures(feats, sc.lead, nil)
	for u, f := range feats {
		sc.co[u] = r.coProb(f)
	}
	return sc, nil
}

// choose picks the lead candidates and the co-handlers, no unit in both:
// the likeliest lead first, the co-handlers at or above the threshold (at
// most MaxCoUnits), then the next lead candidates that are not
// co-handlers.
func (r *Router) choose(sc scores, k int) (lead, co []int) {
	ranked := topK(sc.lead, len(sc.lead))
	lead = ranked[:1]
	co = coPicks(sc.co, r.CoThreshold, r.Config.MaxCoUnits, ranked[0])
	for _, u := range ranked[1:] {
		if len(lead) == k {
			break
		}
		if !slices.Contains(co, u) {
			lead = append(lead, u)
		}
	}
	return lead, co
}

// evidence is what a routing's suggestions cite: the similar past
// proposals consulted, the text's duty words and its category.
type evidence struct {
	similar  []tian.Match
	text     map[string]bool
	category string
}

// Strength bands of the probabilities. On the 2023 validation year (a
// router trained on 2021–2022) the first lead candidate was right 85% of
// the time at 较强 (P ≥ 0.8), 65% at 一般 and 50% at 较弱; a suggested
// co-handler 44% of the time at P ≥ 0.5 and 26% below.
const (
	leadHigh, leadMedium = 0.8, 0.45
	coHigh, coMedium     = 0.5, 0.3
)

// coLikelyAt is the co-handling probability from which a co-handler is
// CoLikely: more likely than not.
const coLikelyAt = 0.5

func coBand(p float64) string {
	if p >= coLikelyAt {
		return tian.CoLikely
	}
	return tian.CoPossible
}

func strength(score, high, medium float64) string {
	switch {
	case score >= high:
		return tian.StrengthHigh
	case score >= medium:
		return tian.StrengthMedium
	}
	return tian.StrengthLow
}

// suggestion builds one unit's suggestion with its evidence: the similar
// past proposals it handled, the duties the text matched, how often it
// led the category, all said in words.
func (r *Router) suggestion(u, rank int, sc scores, ev evidence, lead bool) tian.UnitSuggestion {
	name, f := r.Units[u], sc.feats[u]
	p, coef, idx, high, medium := sc.shown[u], r.Lead, leadFeatures, leadHigh, leadMedium
	if !lead {
		p, coef, idx, high, medium = sc.co[u], r.Co[1:], coFeatures, coHigh, coMedium
	}
	p = math.Round(p*1000) / 1000 // the words say what the number shown says
	s := tian.UnitSuggestion{Unit: name, Rank: rank, Strength: strength(p, high, medium), Probability: p, Score: p,
		Reasons: []string{}, Cases: []tian.UnitCase{}, Duties: []string{}, Features: []string{}}
	if !lead {
		s.Likelihood = coBand(p)
	}
	var led, coHandled int
	for _, m := range ev.similar {
		role := ""
		if r.canonical(m.LeadUnit) == name {
			role, led = "主办", led+1
		} else if slices.Contains(r.canonicalAll(m.CoUnits), name) {
			role, coHandled = "协办", coHandled+1
		}
		if role != "" {
			s.Cases = append(s.Cases, tian.UnitCase{Number: m.Number, Year: m.Year, Title: m.Title, Role: role})
		}
	}
	for w := range r.duties[name] {
		if ev.text[w] {
			s.Duties = append(s.Duties, w)
		}
	}
	sort.Strings(s.Duties)
	s.Reasons = reasons(led, coHandled, s.Duties, ev.category, r.History.CatLead[ev.category][name])
	for i, j := range idx {
		if v := coef[i] * f[j]; math.Abs(v) >= 0.01 {
			s.Features = append(s.Features, fmt.Sprintf("%s %.2f", featureNames[j], v))
		}
	}
	return s
}

// reasons says a unit's evidence in words.
func reasons(led, coHandled int, duties []string, category string, catLead float64) []string {
	out := []string{}
	if led > 0 {
		out = append(out, fmt.Sprintf("以往同类提案%d件由该单位主办", led))
	}
	if coHandled > 0 {
		out = append(out, fmt.Sprintf("以往同类提案%d件由该单位协办", coHandled))
	}
	if len(duties) > 0 {
		out = append(out, "职责相符："+strings.Join(duties[:min(6, len(duties))], "、"))
	}
	if category != "" && catLead >= 0.05 {
		out = append(out, fmt.Sprintf("以往%s类提案有%.0f%%由该单位主办", category, catLead*100))
	}
	if len(out) == 0 {
		out = append(out, "文本用词与该单位以往主办的提案相近")
	}
	return out
}

func dutySet(seg tian.Segmenter, text string) map[string]bool {
	out := map[string]bool{}
	for _, w := range dutyWords(seg, text) {
		out[w] = true
	}
	return out
}

// seal computes the version from the saved form.
func (r *Router) seal() error {
	var buf bytes.Buffer
	if _, err := r.WriteTo(&buf); err != nil {
		return err
	}
	sum := sha256.Sum256(buf.Bytes())
	r.version = "router-" + hex.EncodeToString(sum[:6])
	return nil
}

// WriteTo saves the router's combination (the text model is saved apart,
// with its own WriteTo).
func (r *Router) WriteTo(w io.Writer) (int64, error) {
	b, err := json.MarshalIndent(struct {
		Format int     `json:"format"`
		Router *Router `json:"router"`
	}{formatVersion, r}, "", " ")
	if err != nil {
		return 0, err
	}
	n, err := w.Write(append(b, '\n'))
	return int64(n), err
}

// ReadRouter loads a router saved by WriteTo with its text model, for the
// given unit catalogue.
func ReadRouter(router io.Reader, text *Model, units []tian.Unit, seg tian.Segmenter) (*Router, error) {
	var saved struct {
		Format int     `json:"format"`
		Router *Router `json:"router"`
	}
	if err := json.NewDecoder(router).Decode(&saved); err != nil || saved.Router == nil {
		return nil, tian.Errorf(tian.EINVALID, "不是 tian 的承办单位推荐模型（%v）", err)
	}
	if saved.Format != formatVersion {
		return nil, tian.Errorf(tian.EINVALID, "承办单位推荐模型格式为第 %d 版，本程序读取第 %d 版：请用 tian train 重新训练", saved.Format, formatVersion)
	}
	r := saved.Router
	if len(r.Lead) != len(leadFeatures) || len(r.Co) != len(coFeatures)+1 || len(r.CoCalibration) != 2 || r.LeadTemperature <= 0 || len(r.Units) == 0 {
		return nil, tian.Errorf(tian.EINVALID, "承办单位推荐模型已损坏")
	}
	if text == nil || text.Version() != r.TextVersion {
		return nil, tian.Errorf(tian.EINVALID, "承办单位推荐模型与其文本模型不配套：请用 tian train 重新训练")
	}
	r.text, r.seg = text, seg
	r.setUnits(units)
	return r, r.seal()
}

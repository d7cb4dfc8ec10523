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
	"math/rand/v2"
	"slices"
	"sort"
	"strings"

	"github.com/sajari/regression"

	"tian"
)

// Routing features of a (proposal, unit) pair. They are few and measure
// different things, as a least-squares fit needs.
const (
	fSimLead = iota // share of the similar past proposals' weight this unit led
	fSimCo          // share it co-handled
	fText           // the per-unit text model's probability that it leads
	fCatLead        // how often it led proposals of the category
	fDuty           // cosine of the text with the unit's duties
	nFeatures
)

var featureNames = [nFeatures]string{"similar_lead", "similar_co", "text", "category_lead", "duties"}

// The lead score uses these features, the co-handling score those. How
// often a unit co-handled the category was a co-handling feature too, but
// it made frequent co-handlers (市财政局) pass everywhere: without it
// co-handling F1 on the 2023 validation year rose from 0.22 to 0.29.
var (
	leadFeatures = []int{fSimLead, fText, fCatLead, fDuty}
	coFeatures   = []int{fSimCo, fSimLead, fText, fDuty}
)

// RouterConfig controls routing training.
type RouterConfig struct {
	Neighbours int    `json:"neighbours"` // similar past proposals consulted
	MaxRows    int    `json:"max_rows"`   // proposal–unit pairs the regression sees (it holds an n×n matrix)
	Negatives  int    `json:"negatives"`  // hard negatives per proposal
	MaxCoUnits int    `json:"max_co_units"`
	Seed       uint64 `json:"seed"`
	Text       TrainConfig
}

// DefaultRouterConfig are the settings of the default router.
func DefaultRouterConfig() RouterConfig {
	text := DefaultTrainConfig()
	// the per-unit text model: words only, a capped vocabulary, no
	// calibration (the regression weighs it): small and quick to train
	text.Features = FeatureConfig{Words: true, TitleWeight: 2, MinDF: 2, MaxFeatures: 8000}
	text.Epochs, text.HoldOut = 8, 0
	return RouterConfig{Neighbours: 10, MaxRows: 3000, Negatives: 5, MaxCoUnits: 3, Seed: 1, Text: text}
}

// Router suggests the lead and co-handling units of a text.
type Router struct {
	Config      RouterConfig                  `json:"config"`
	Units       []string                      `json:"units"`
	Lead        []float64                     `json:"lead_coefficients"` // intercept first
	Co          []float64                     `json:"co_coefficients"`
	CoThreshold float64                       `json:"co_threshold"`
	CatLead     map[string]map[string]float64 `json:"category_lead"`
	Trained     int                           `json:"trained"`
	Rows        int                           `json:"rows"`
	TextVersion string                        `json:"text_model"`

	version string
	text    *Model // lead unit from text alone
	seg     tian.Segmenter
	duties  map[string]map[string]float64 // unit → normalised duty word vector
	dutyIDF map[string]float64
	aliases map[string]string // any name → current name
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
// similar past proposals (only of earlier years than each proposal, so
// that no proposal votes for itself); units carry the duties.
func TrainRouter(ctx context.Context, seg tian.Segmenter, ps []*tian.Proposal, units []tian.Unit, nb tian.Neighbours, cfg RouterConfig) (*Router, error) {
	r := &Router{Config: cfg, seg: seg}
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
	r.Units = r.unitNames(rs)
	r.CatLead = priors(rs)
	// The text feature of a training proposal comes from a model that did
	// not see it (two folds, each predicting the other).
	textProb, err := r.crossFitText(rs, cfg)
	if err != nil {
		return nil, err
	}
	if r.text, err = Train(seg, unitDocs(rs), cfg.Text); err != nil {
		return nil, err
	}
	r.TextVersion = r.text.Version()
	rng := rand.New(rand.NewPCG(cfg.Seed, 5))
	order := rng.Perm(len(rs))
	perProposal := 1 + 1 + cfg.Negatives + 2
	if n := cfg.MaxRows / perProposal; len(order) > n {
		order = order[:n]
	}
	var leadX, coX [][]float64
	var leadY, coY []float64
	var coCands [][]candidateScore
	for _, i := range order {
		x := rs[i]
		feats, _, err := r.features(ctx, nb, x.p.Title, x.p.Body, x.p.Category, x.p.Year, "", textProb[i])
		if err != nil {
			return nil, err
		}
		for _, u := range r.sampleUnits(x, feats, rng, cfg.Negatives) {
			f := feats[u]
			leadX, leadY = append(leadX, pick(f, leadFeatures)), append(leadY, b2f(r.Units[u] == x.lead))
			coX, coY = append(coX, pick(f, coFeatures)), append(coY, b2f(slices.Contains(x.co, r.Units[u])))
		}
		coCands = append(coCands, r.coCandidates(feats, x))
	}
	r.Rows = len(leadY)
	if r.Lead, err = fit(leadX, leadY, leadFeatures); err != nil {
		return nil, err
	}
	if r.Co, err = fit(coX, coY, coFeatures); err != nil {
		return nil, err
	}
	r.CoThreshold = chooseCoThreshold(coCands, r.Co, cfg.MaxCoUnits)
	r.Trained = len(rs)
	return r, r.seal()
}

// candidateScore is a unit's co-handling features for threshold choice.
type candidateScore struct {
	f    []float64
	gold bool
	lead bool
}

func (r *Router) coCandidates(feats [][]float64, x routed) []candidateScore {
	out := make([]candidateScore, len(r.Units))
	for u := range r.Units {
		out[u] = candidateScore{f: pick(feats[u], coFeatures), gold: slices.Contains(x.co, r.Units[u]), lead: r.Units[u] == x.lead}
	}
	return out
}

// chooseCoThreshold picks the co-handling score above which units are
// suggested, maximising F1 of the co-handling units of the sample.
func chooseCoThreshold(cands [][]candidateScore, coef []float64, most int) float64 {
	best, bestF1 := 1.0, -1.0
	for t := 0.05; t <= 0.8; t += 0.01 {
		var tp, fp, fn float64
		for _, cs := range cands {
			type us struct {
				s    float64
				gold bool
			}
			var picked []us
			for _, c := range cs {
				if c.lead {
					continue
				}
				if c.gold {
					fn++
				}
				if s := predict(coef, c.f); s >= t {
					picked = append(picked, us{s, c.gold})
				}
			}
			sort.Slice(picked, func(i, j int) bool { return picked[i].s > picked[j].s })
			if len(picked) > most {
				picked = picked[:most]
			}
			for _, p := range picked {
				if p.gold {
					tp++
					fn--
				} else {
					fp++
				}
			}
		}
		if f1 := 2 * tp / math.Max(2*tp+fp+fn, 1); f1 > bestF1 {
			best, bestF1 = t, f1
		}
	}
	return math.Round(best*100) / 100
}

// fit runs least squares with github.com/sajari/regression and returns
// the intercept and coefficients.
func fit(xs [][]float64, ys []float64, feats []int) ([]float64, error) {
	var r regression.Regression
	r.SetObserved("handled")
	for i, f := range feats {
		r.SetVar(i, featureNames[f])
	}
	for i := range xs {
		r.Train(regression.DataPoint(ys[i], xs[i]))
	}
	if err := r.Run(); err != nil {
		return nil, tian.Errorf(tian.EINVALID, "承办单位推荐模型训练失败：%v", err)
	}
	out := make([]float64, len(feats)+1)
	for i := range out {
		out[i] = math.Round(r.Coeff(i)*1e6) / 1e6
	}
	return out, nil
}

func predict(coef, f []float64) float64 {
	s := coef[0]
	for i, x := range f {
		s += coef[i+1] * x
	}
	return s
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

// sampleUnits are the units a training proposal contributes rows for: its
// own, the hardest wrong ones by the text and similarity features, and
// two at random.
func (r *Router) sampleUnits(x routed, feats [][]float64, rng *rand.Rand, negatives int) []int {
	own := map[string]bool{x.lead: true}
	for _, c := range x.co {
		own[c] = true
	}
	var out, others []int
	for u, name := range r.Units {
		if own[name] {
			out = append(out, u)
		} else {
			others = append(others, u)
		}
	}
	sort.SliceStable(others, func(i, j int) bool {
		a, b := feats[others[i]], feats[others[j]]
		return a[fText]+a[fSimLead]+a[fDuty] > b[fText]+b[fSimLead]+b[fDuty]
	})
	n := min(negatives, len(others))
	out = append(out, others[:n]...)
	rest := others[n:]
	for range 2 {
		if len(rest) > 0 {
			out = append(out, rest[rng.IntN(len(rest))])
		}
	}
	return out
}

// crossFitText returns, for each training proposal, the text model's unit
// probabilities from a model trained on the other half.
func (r *Router) crossFitText(rs []routed, cfg RouterConfig) ([]map[string]float64, error) {
	out := make([]map[string]float64, len(rs))
	for fold := range 2 {
		var train []routed
		for i, x := range rs {
			if i%2 != fold {
				train = append(train, x)
			}
		}
		m, err := Train(r.seg, unitDocs(train), cfg.Text)
		if err != nil {
			return nil, err
		}
		for i, x := range rs {
			if i%2 == fold {
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

// priors are P(unit leads | category).
func priors(rs []routed) map[string]map[string]float64 {
	lead := map[string]map[string]float64{}
	n := map[string]float64{}
	for _, x := range rs {
		c := x.p.Category
		if lead[c] == nil {
			lead[c] = map[string]float64{}
		}
		n[c]++
		lead[c][x.lead]++
	}
	for c := range lead {
		for u := range lead[c] {
			lead[c][u] = math.Round(lead[c][u]/n[c]*1e4) / 1e4
		}
	}
	return lead
}

// features computes every unit's features for a text, and returns the
// similar past proposals it consulted: the evidence of the suggestions.
func (r *Router) features(ctx context.Context, nb tian.Neighbours, title, body, category string, before int, exclude string, textProb map[string]float64) ([][]float64, []tian.Match, error) {
	feats := make([][]float64, len(r.Units))
	for u := range feats {
		feats[u] = make([]float64, nFeatures)
	}
	pos := r.unitIndex()
	var ms []tian.Match
	if nb != nil {
		var err error
		if ms, err = nb.SimilarText(ctx, title, body, r.Config.Neighbours, before, exclude); err != nil {
			return nil, nil, err
		}
		var total float64
		for _, m := range ms {
			if m.LeadUnit == "" {
				continue
			}
			total += m.Score
			if u, ok := pos[r.canonical(m.LeadUnit)]; ok {
				feats[u][fSimLead] += m.Score
			}
			for _, c := range r.canonicalAll(m.CoUnits) {
				if u, ok := pos[c]; ok {
					feats[u][fSimCo] += m.Score
				}
			}
		}
		if total > 0 {
			for u := range feats {
				feats[u][fSimLead] /= total
				feats[u][fSimCo] /= total
			}
		}
	}
	words := r.dutyVector(title + "\n" + body)
	for u, name := range r.Units {
		feats[u][fText] = textProb[name]
		feats[u][fCatLead] = r.CatLead[category][name]
		feats[u][fDuty] = tian.Cosine(words, r.duties[name])
	}
	return feats, ms, nil
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
	r.aliases = map[string]string{}
	docs := map[string][]string{}
	df := map[string]int{}
	for _, u := range units {
		r.aliases[u.Name] = u.Name
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
	feats, similar, err := r.features(ctx, nb, title, body, category, req.BeforeYear, req.Exclude, labelProbs(r.text, title, body))
	if err != nil {
		return nil, err
	}
	ev := evidence{similar: similar, text: dutySet(r.seg, title+"\n"+body), category: category}
	lead, co := r.choose(feats, k)
	// never nil lists: the API serialises them, and pages iterate them
	out := &tian.Routing{Lead: []tian.UnitSuggestion{}, Co: []tian.UnitSuggestion{}, Model: r.version}
	for i, u := range lead {
		out.Lead = append(out.Lead, r.suggestion(u, i+1, feats[u], ev, true))
	}
	for i, u := range co {
		out.Co = append(out.Co, r.suggestion(u, i+1, feats[u], ev, false))
	}
	return out, nil
}

// choose picks the lead candidates and the co-handlers, no unit in both:
// the best lead first, the co-handlers above the threshold (at most
// MaxCoUnits), then the next lead candidates that are not co-handlers.
func (r *Router) choose(feats [][]float64, k int) (lead, co []int) {
	ranked := r.rank(feats, r.Lead, leadFeatures)
	lead = []int{ranked[0]}
	for _, u := range r.rank(feats, r.Co, coFeatures) {
		if len(co) == r.Config.MaxCoUnits || predict(r.Co, pick(feats[u], coFeatures)) < r.CoThreshold {
			break
		}
		if u != ranked[0] {
			co = append(co, u)
		}
	}
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

func (r *Router) rank(feats [][]float64, coef []float64, idx []int) []int {
	order := make([]int, len(r.Units))
	score := make([]float64, len(r.Units))
	for u := range order {
		order[u], score[u] = u, predict(coef, pick(feats[u], idx))
	}
	sort.SliceStable(order, func(a, b int) bool { return score[order[a]] > score[order[b]] })
	return order
}

// evidence is what a routing's suggestions cite: the similar past
// proposals consulted, the text's duty words and its category.
type evidence struct {
	similar  []tian.Match
	text     map[string]bool
	category string
}

// Strength bands of the raw scores. The scores estimate how likely the
// unit is to lead (or co-handle) a proposal like the text; the bands were
// read off the 2024–2025 routings of a router trained on 2021–2023, each
// proposal routed as a review routes it (TestRouterByYear): the first lead
// candidate was right 88% of the time at 较强, 72% at 一般 and 51% at 较弱;
// a co-handler 45%, 29% and 18%.
const (
	leadHigh, leadMedium = 0.8, 0.45
	coHigh, coMedium     = 0.45, 0.3
)

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
func (r *Router) suggestion(u, rank int, f []float64, ev evidence, lead bool) tian.UnitSuggestion {
	name := r.Units[u]
	coef, idx, high, medium := r.Lead, leadFeatures, leadHigh, leadMedium
	if !lead {
		coef, idx, high, medium = r.Co, coFeatures, coHigh, coMedium
	}
	score := predict(coef, pick(f, idx))
	s := tian.UnitSuggestion{Unit: name, Rank: rank, Strength: strength(score, high, medium), Score: math.Round(score*1000) / 1000,
		Reasons: []string{}, Cases: []tian.UnitCase{}, Duties: []string{}, Features: []string{}}
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
	s.Reasons = reasons(led, coHandled, s.Duties, ev.category, r.CatLead[ev.category][name])
	for i, j := range idx {
		if v := coef[i+1] * f[j]; math.Abs(v) >= 0.01 {
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
	if len(r.Lead) != len(leadFeatures)+1 || len(r.Co) != len(coFeatures)+1 || len(r.Units) == 0 {
		return nil, tian.Errorf(tian.EINVALID, "承办单位推荐模型已损坏")
	}
	if text == nil || text.Version() != r.TextVersion {
		return nil, tian.Errorf(tian.EINVALID, "承办单位推荐模型与其文本模型不配套：请用 tian train 重新训练")
	}
	r.text, r.seg = text, seg
	r.setUnits(units)
	return r, r.seal()
}

// RouteEval is the quality of routing on labelled proposals.
type RouteEval struct {
	N          int     `json:"n"`
	Top1       float64 `json:"top1"`
	Top3       float64 `json:"top3"`
	CoRecall   float64 `json:"co_recall"`
	CoPrecison float64 `json:"co_precision"`
}

// EvaluateRouter routes each filed proposal (looking only at earlier
// years' history) and compares with its real routing.
func EvaluateRouter(ctx context.Context, r *Router, nb tian.Neighbours, ps []*tian.Proposal) (RouteEval, error) {
	var ev RouteEval
	var coGold, coHit, coPicked int
	for _, p := range ps {
		if p.Status != tian.StatusFiled || p.LeadUnit == "" {
			continue
		}
		feats, _, err := r.features(ctx, nb, p.Title, p.Body, p.Category, p.Year, "", labelProbs(r.text, p.Title, p.Body))
		if err != nil {
			return ev, err
		}
		lead := r.rank(feats, r.Lead, leadFeatures)
		gold := r.canonical(p.LeadUnit)
		ev.N++
		for i := 0; i < 3 && i < len(lead); i++ {
			if r.Units[lead[i]] == gold {
				if i == 0 {
					ev.Top1++
				}
				ev.Top3++
			}
		}
		co := r.canonicalAll(p.CoUnits)
		coGold += len(co)
		_, picked := r.choose(feats, 1)
		coPicked += len(picked)
		for _, u := range picked {
			if slices.Contains(co, r.Units[u]) {
				coHit++
			}
		}
	}
	if ev.N > 0 {
		ev.Top1 /= float64(ev.N)
		ev.Top3 /= float64(ev.N)
	}
	if coGold > 0 {
		ev.CoRecall = float64(coHit) / float64(coGold)
	}
	if coPicked > 0 {
		ev.CoPrecison = float64(coHit) / float64(coPicked)
	}
	return ev, nil
}

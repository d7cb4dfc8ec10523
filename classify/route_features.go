package classify

import (
	"context"
	"math"
	"regexp"
	"slices"
	"strings"

	"tian"
)

// Routing features of a (proposal, unit) pair.
const (
	fSimLead     = iota // share of the similar past proposals' weight this unit led
	fSimCo              // share it co-handled
	fText               // the per-unit text model's probability that it leads
	fLogText            // its logarithm: the softmax adds log-probabilities
	fCatLead            // how often it led proposals of the category (smoothed, log)
	fCatCo              // how often it co-handled proposals of the category
	fDuty               // cosine of the text with the unit's duties
	fNameTitle          // the title names the unit (a short form such as 住建 or 城东区)
	fNameBody           // the body names it
	fCoWords            // cosine of the text with the words of proposals it co-handled
	fLeadWords          // cosine of the text with the words of proposals it led
	fLeadPrior          // how often it led at all (log)
	fCoPrior            // how often it co-handled at all
	fLeadProb           // the lead model's probability that it leads (co-handling only)
	fCoGivenLead        // how often it co-handled for the likely leads (co-handling only)
	fAgency             // the text names it as an agency: 住建部门, 由教育局牵头, 会同住建、自然资源等部门
	fLeadCue            // it is named as the agency that leads: 由住建部门牵头, 建议教育局会同…
	fCoCue              // it is named as one that assists: 会同住建部门, 配合…
	fPlaceTitle         // the unit governs a place (a district, county or zone) the title names
	fPlaceBody          // … the body names
	fTitleWords         // cosine of the title alone with the words of proposals it led
	nFeatures
)

var featureNames = [nFeatures]string{"similar_lead", "similar_co", "text", "log_text", "category_lead", "category_co",
	"duties", "named_in_title", "named_in_body", "co_words", "lead_words", "lead_prior", "co_prior", "lead_prob", "co_given_lead", "named_as_agency", "named_to_lead", "named_to_assist", "place_in_title", "place_in_body", "title_lead_words"}

// The lead model ranks units by these features, the co-handling model
// scores each unit by those (fLeadProb and fCoGivenLead come from the lead
// model's answer).
var (
	leadFeatures = []int{fSimLead, fLogText, fCatLead, fDuty, fNameTitle, fNameBody, fLeadWords, fLeadPrior, fAgency, fLeadCue, fCoCue, fSimCo, fCoWords, fPlaceTitle, fPlaceBody, fTitleWords}
	coFeatures   = []int{fSimCo, fSimLead, fText, fCatCo, fDuty, fNameTitle, fNameBody, fCoWords, fCoPrior, fLeadProb, fCoGivenLead, fAgency, fLeadCue, fCoCue, fPlaceTitle, fPlaceBody}
)

// history is what routing learnt from past routings beyond the text
// model: how often each unit led and co-handled each category, and how
// often each unit co-handled for each lead.
type history struct {
	CatLead map[string]map[string]float64 `json:"category_lead"` // category → unit → share led
	CatCo   map[string]map[string]float64 `json:"category_co"`   // category → unit → share co-handled
	// LeadN counts the proposals each unit led, CoN how often each unit
	// co-handled for each lead, Co how often each unit co-handled at all.
	LeadN map[string]float64            `json:"lead_n"`
	CoN   map[string]map[string]float64 `json:"co_n"`
	Co    map[string]float64            `json:"co"`
	N     float64                       `json:"n"`
	CatN  map[string]float64            `json:"category_n"` // proposals of each category
}

func learnHistory(rs []routed) history {
	h := history{CatLead: map[string]map[string]float64{}, CatCo: map[string]map[string]float64{},
		LeadN: map[string]float64{}, CoN: map[string]map[string]float64{}, Co: map[string]float64{}, N: float64(len(rs))}
	perCat := map[string]float64{}
	h.CatN = perCat
	for _, x := range rs {
		c := x.p.Category
		perCat[c]++
		add(h.CatLead, c, x.lead, 1)
		h.LeadN[x.lead]++
		for _, u := range x.co {
			add(h.CatCo, c, u, 1)
			add(h.CoN, x.lead, u, 1)
			h.Co[u]++
		}
	}
	for _, m := range []map[string]map[string]float64{h.CatLead, h.CatCo} {
		for c := range m {
			for u := range m[c] {
				m[c][u] = round4(m[c][u] / perCat[c])
			}
		}
	}
	return h
}

func add(m map[string]map[string]float64, a, b string, v float64) {
	if m[a] == nil {
		m[a] = map[string]float64{}
	}
	m[a][b] += v
}

func catLeadFeature(share float64) float64 { return math.Log(share + 0.005) }

// leaveOut takes a training proposal's own routing out of its category
// features.
func (r *Router) leaveOut(feats [][]float64, x routed) {
	n := r.History.CatN[x.p.Category]
	if n < 2 {
		return
	}
	for u, name := range r.Units {
		lead := r.History.CatLead[x.p.Category][name]*n - b2f(name == x.lead)
		feats[u][fCatLead] = catLeadFeature(max(lead, 0) / (n - 1))
		co := r.History.CatCo[x.p.Category][name]*n - b2f(containsString(x.co, name))
		feats[u][fCatCo] = max(co, 0) / (n - 1)
		feats[u][fLeadPrior] = catLeadFeature((r.History.LeadN[name] - b2f(name == x.lead)) / (r.History.N - 1))
		feats[u][fCoPrior] = (r.History.Co[name] - b2f(containsString(x.co, name))) / (r.History.N - 1)
	}
}

// coRate is how often unit co-handled for lead, smoothed towards how
// often it co-handled at all (as if lead had led coPrior more proposals
// at that rate). self, when not nil, is a training proposal left out of
// the counts.
func (h history) coRate(lead, unit string, self *routed) float64 {
	n, k := h.LeadN[lead], h.CoN[lead][unit]
	if self != nil && self.lead == lead {
		n--
		if containsString(self.co, unit) {
			k--
		}
	}
	const coPrior = 5
	base := h.Co[unit] / math.Max(h.N, 1)
	return (k + coPrior*base) / (n + coPrior)
}

func containsString(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// unitNameParts are the short forms of a unit's name and aliases that a
// text names it by: 市住房和城乡建设局 → 住房和城乡建设, 市住建局 → 住建.
var unitAffixes = regexp.MustCompile(`^(市委|市)|(人民政府|政府|管理委员会|委员会|管委会|联合会|市委|局|委|办|中心|支队|公司)$`)

func unitNameParts(u tian.Unit) []string {
	var out []string
	for _, n := range append([]string{u.Name}, u.Aliases...) {
		s := unitAffixes.ReplaceAllString(n, "")
		s = unitAffixes.ReplaceAllString(s, "")
		if len([]rune(s)) >= 2 && !containsString(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// agencyAfter follows a short form that names an agency: a unit word
// (住建部门, 教育局), or a list of such forms that ends in one (住建、自然资源等部门).
var agencyAfter = regexp.MustCompile(`^(?:(?:[、和及与]\p{Han}{1,8}?){0,4}等?(?:部门|单位)|局|委|办|中心|支队|公司|政府|管委会|系统|执法)`)

// leadAfter and leadBefore surround an agency the text asks to lead
// (住建部门牵头, 由教育局…, 建议民政部门…), coBefore precedes one asked to assist.
var (
	leadAfter  = regexp.MustCompile(`^[^，。；]{0,8}?(?:牵头|会同|负责|统筹)`)
	leadBefore = regexp.MustCompile(`(?:由|建议)$`)
	coBefore   = regexp.MustCompile(`(?:会同|配合|协同|联合|协调)$`)
)

// namedAgency says whether text names one of parts as an agency (1 or
// 0), as the one to lead and as one to assist.
func namedAgency(parts []string, text string) (agency, lead, co float64) {
	for _, p := range parts {
		for at := 0; ; {
			i := strings.Index(text[at:], p)
			if i < 0 {
				break
			}
			start, end := at+i, at+i+len(p)
			at = end
			rest := text[end:]
			if !agencyAfter.MatchString(rest) {
				continue
			}
			agency = 1
			before := text[max(0, start-12):start] // four characters
			if leadAfter.MatchString(rest) || leadBefore.MatchString(before) {
				lead = 1
			}
			if coBefore.MatchString(before) {
				co = 1
			}
		}
	}
	return agency, lead, co
}

func names(parts []string, text string) float64 {
	for _, p := range parts {
		if strings.Contains(text, p) {
			return 1
		}
	}
	return 0
}

// features computes every unit's features for a text (all but the two the
// lead model's answer gives), and returns the similar past proposals it
// consulted: the evidence of the suggestions.
func (r *Router) features(ctx context.Context, q query, textProb map[string]float64) ([][]float64, []tian.Match, error) {
	feats := make([][]float64, len(r.Units))
	for u := range feats {
		feats[u] = make([]float64, nFeatures)
	}
	ms, err := q.neighbours(ctx, r.Config.Neighbours)
	if err != nil {
		return nil, nil, err
	}
	r.voteNeighbours(feats, ms)
	words, duty := r.wordVector(q.title, q.body), r.dutyVector(q.title+"\n"+q.body)
	title := r.wordVector(q.title, "")
	for u, name := range r.Units {
		f := feats[u]
		f[fText] = textProb[name]
		f[fLogText] = math.Log(textProb[name] + 1e-4)
		f[fCatLead] = catLeadFeature(r.History.CatLead[q.category][name])
		f[fCatCo] = r.History.CatCo[q.category][name]
		f[fLeadPrior] = catLeadFeature(r.History.LeadN[name] / math.Max(r.History.N, 1))
		f[fCoPrior] = r.History.Co[name] / math.Max(r.History.N, 1)
		f[fDuty] = tian.Cosine(duty, r.duties[name])
		f[fCoWords] = tian.Cosine(words, r.CoWords[name])
		f[fLeadWords] = tian.Cosine(words, r.LeadWords[name])
		f[fTitleWords] = tian.Cosine(title, r.LeadWords[name])
		f[fNameTitle] = names(r.nameParts[name], q.title)
		f[fNameBody] = names(r.nameParts[name], q.body)
		if r.places[name] {
			f[fPlaceTitle], f[fPlaceBody] = f[fNameTitle], f[fNameBody]
		}
		f[fAgency], f[fLeadCue], f[fCoCue] = namedAgency(r.nameParts[name], q.title+"。"+q.body)
	}
	return feats, ms, nil
}

// voteNeighbours adds each unit's share of the neighbours' weight it led
// and co-handled.
func (r *Router) voteNeighbours(feats [][]float64, ms []tian.Match) {
	pos := r.unitIndex()
	var total float64
	for _, m := range ms {
		if m.LeadUnit == "" {
			continue
		}
		w := m.Score * m.Score
		total += w
		if u, ok := pos[r.canonical(m.LeadUnit)]; ok {
			feats[u][fSimLead] += w
		}
		for _, c := range r.canonicalAll(m.CoUnits) {
			if u, ok := pos[c]; ok {
				feats[u][fSimCo] += w
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

// leadProbs are the lead model's probabilities over the units.
func (r *Router) leadProbs(feats [][]float64) []float64 {
	return softmaxAt(r.leadLogits(feats), 1)
}

// leadLogits are the lead model's scores of the units.
func (r *Router) leadLogits(feats [][]float64) []float64 {
	z := make([]float64, len(feats))
	for u, f := range feats {
		z[u] = dot(r.Lead, pick(f, leadFeatures))
	}
	return z
}

// softmaxAt is the softmax of z at temperature t, in a new slice.
func softmaxAt(z []float64, t float64) []float64 {
	p := slices.Clone(z)
	softmaxInPlace(p, t)
	return p
}

// addLeadFeatures fills in what the lead model's answer tells the
// co-handling model: each unit's probability of leading, and how often it
// co-handled for the likely leads (the three likeliest, by probability).
func (r *Router) addLeadFeatures(feats [][]float64, lead []float64, self *routed) {
	top := topK(lead, 3)
	var mass float64
	for _, l := range top {
		mass += lead[l]
	}
	for u, f := range feats {
		f[fLeadProb] = lead[u]
		f[fCoGivenLead] = 0
		for _, l := range top {
			if l != u {
				f[fCoGivenLead] += lead[l] / mass * r.History.coRate(r.Units[l], r.Units[u], self)
			}
		}
	}
}

// coProb is the co-handling model's calibrated probability for one
// unit's features.
func (r *Router) coProb(f []float64) float64 {
	return sigmoid(r.CoCalibration[0]*r.coLogit(f) + r.CoCalibration[1])
}

// coLogit is the co-handling model's score before calibration.
func (r *Router) coLogit(f []float64) float64 {
	return r.Co[0] + dot(r.Co[1:], pick(f, coFeatures))
}

// query is a text to route and the history it may consult.
type query struct {
	nb                    tian.Neighbours
	title, body, category string
	before                int    // only neighbours of earlier years
	exclude               string // leave this stored proposal out
	// skipYear and upTo, when set, keep training neighbours to the other
	// training years (a training proposal sees the years before and after
	// its own, as a new proposal sees several years of history).
	skipYear, upTo int
}

func (q query) neighbours(ctx context.Context, k int) ([]tian.Match, error) {
	if q.nb == nil {
		return nil, nil
	}
	if q.skipYear == 0 {
		return q.nb.SimilarText(ctx, q.title, q.body, k, q.before, q.exclude)
	}
	ms, err := q.nb.SimilarText(ctx, q.title, q.body, 3*k, q.upTo+1, q.exclude)
	if err != nil {
		return nil, err
	}
	var out []tian.Match
	for _, m := range ms {
		if m.Year != q.skipYear && len(out) < k {
			out = append(out, m)
		}
	}
	return out, nil
}

package relate_test

import (
	"context"
	"math"
	"sort"
	"strconv"
	"strings"

	"tian"
	"tian/relate"
)

// fakeEngine is a relate.Engine in memory: what a second engine (an
// Elasticsearch or OpenSearch adapter) would implement, in a few lines.
// Its candidate scores follow the classic Lucene TF-IDF that bleve uses
// (√tf · idf² · boost / √field length, times the share of clauses
// matched), so it ranks candidates much as bleve does; phrases match as
// substrings of the normalised text.
type fakeEngine struct {
	seg  tian.Segmenter
	docs map[string]*fakeDoc
}

type fakeDoc struct {
	p        *tian.Proposal
	text     map[string]map[string]int // field → term → frequency
	length   map[string]int            // field → terms
	keywords map[string][]string       // field → values
	norm     map[string]string         // field → normalised text, for phrases
}

var _ relate.Engine = (*fakeEngine)(nil)

func newFakeEngine(seg tian.Segmenter) *fakeEngine {
	return &fakeEngine{seg: seg, docs: map[string]*fakeDoc{}}
}

// add indexes a proposal as the bleve mapping does.
func (e *fakeEngine) add(p *tian.Proposal) {
	d := &fakeDoc{p: p, text: map[string]map[string]int{}, length: map[string]int{}, keywords: map[string][]string{},
		norm: map[string]string{}}
	for f, text := range map[string]string{relate.FieldTitle: p.Title, relate.FieldBody: p.Body, relate.FieldReply: p.Reply} {
		d.norm[f] = e.seg.Normalize(text)
		d.text[f] = map[string]int{}
		for _, t := range e.analyse(text) {
			d.text[f][t]++
			d.length[f]++
		}
	}
	status := string(p.Status)
	if status == "" {
		status = "未标注"
	}
	for f, v := range map[string]string{relate.FieldNumber: p.Number, relate.FieldCategory: p.Category,
		relate.FieldLeadUnit: p.LeadUnit, relate.FieldProposerType: string(p.ProposerType), relate.FieldSession: p.Session,
		relate.FieldProposer: p.Proposer, relate.FieldStatus: status, relate.FieldYear: strconv.Itoa(p.Year)} {
		if v != "" && v != "0" {
			d.keywords[f] = []string{v}
		}
	}
	d.keywords[relate.FieldUnits] = p.Units()
	e.docs[p.Number] = d
}

func (e *fakeEngine) analyse(text string) []string {
	var out []string
	for _, t := range e.seg.Cut(text, relate.IndexCut) {
		out = append(out, strings.ToLower(t.Text))
	}
	return out
}

func (e *fakeEngine) DocFreqs(context.Context) (int, map[string]int, error) {
	df := map[string]int{}
	for _, d := range e.docs {
		for t := range d.text[relate.FieldBody] {
			df[t]++
		}
	}
	return len(e.docs), df, nil
}

func (e *fakeEngine) Select(_ context.Context, f relate.Filter, limit int) ([]string, error) {
	var out []string
	for n, d := range e.docs {
		if d.within(f) {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out[:min(limit, len(out))], nil
}

func (d *fakeDoc) has(field, value string) bool {
	for _, v := range d.keywords[field] {
		if v == value {
			return true
		}
	}
	return false
}

func (d *fakeDoc) inYears(r *relate.YearRange) bool {
	return r != nil && d.p.Year >= r.From && d.p.Year <= r.To
}

func (d *fakeDoc) within(f relate.Filter) bool {
	for field, v := range map[string]string{relate.FieldSession: f.Session, relate.FieldCategory: f.Category,
		relate.FieldUnits: f.Unit, relate.FieldLeadUnit: f.LeadUnit, relate.FieldProposerType: f.ProposerType,
		relate.FieldStatus: f.Status} {
		if v != "" && !d.has(field, v) {
			return false
		}
	}
	if f.Years != nil && !d.inYears(f.Years) {
		return false
	}
	if f.Numbers != nil && !d.hasNumber(f.Numbers) {
		return false
	}
	return f.NotStatus == "" || !d.has(relate.FieldStatus, f.NotStatus)
}

func (d *fakeDoc) hasNumber(numbers []string) bool {
	for _, n := range numbers {
		if n == d.p.Number {
			return true
		}
	}
	return false
}

// idf is Lucene's classic 1 + ln(N/(df+1)) over a field.
func (e *fakeEngine) idf(field, term string) float64 {
	df := 0
	for _, d := range e.docs {
		if d.text[field][term] > 0 {
			df++
		}
	}
	return 1 + math.Log(float64(len(e.docs))/float64(df+1))
}

func (e *fakeEngine) Candidates(_ context.Context, q relate.CandidateQuery) ([]string, error) {
	type weighted struct {
		field, term string
		boost, idf  float64
	}
	var clauses []weighted
	for _, t := range q.Terms {
		for _, f := range []string{relate.FieldTitle, relate.FieldBody} {
			boost := t.Weight
			if f == relate.FieldTitle {
				boost *= relate.TitleBoost
			}
			clauses = append(clauses, weighted{f, t.Term, boost, e.idf(f, t.Term)})
		}
	}
	var hits []relate.Scored
	for n, d := range e.docs {
		if n == q.Exclude || !d.within(q.Filter) {
			continue
		}
		var score float64
		matched := 0
		for _, c := range clauses {
			if tf := d.text[c.field][c.term]; tf > 0 {
				matched++
				score += c.boost * math.Sqrt(float64(tf)) * c.idf * c.idf / math.Sqrt(float64(d.length[c.field]))
			}
		}
		if matched > 0 {
			hits = append(hits, relate.Scored{Number: n, Score: score * float64(matched) / float64(len(clauses))})
		}
	}
	sort.Slice(hits, func(i, j int) bool {
		if hits[i].Score != hits[j].Score {
			return hits[i].Score > hits[j].Score
		}
		return hits[i].Number < hits[j].Number
	})
	out := make([]string, 0, q.N)
	for i := 0; i < len(hits) && i < q.N; i++ {
		out = append(out, hits[i].Number)
	}
	return out, nil
}

func (e *fakeEngine) Search(_ context.Context, q relate.Query) (*relate.Result, error) {
	var hits []relate.Scored
	for n, d := range e.docs {
		if score, ok := e.match(d, q); ok {
			hits = append(hits, relate.Scored{Number: n, Score: score})
		}
	}
	sort.Slice(hits, func(i, j int) bool {
		a, b := e.docs[hits[i].Number].p, e.docs[hits[j].Number].p
		switch {
		case q.ByDate && a.Year != b.Year:
			return a.Year > b.Year
		case !q.ByDate && hits[i].Score != hits[j].Score:
			return hits[i].Score > hits[j].Score
		}
		return a.Number > b.Number
	})
	res := &relate.Result{Total: len(hits), Facets: map[string]relate.Facet{}}
	for _, f := range q.Facets {
		res.Facets[f] = e.facet(hits, f, q.FacetSize)
	}
	res.Hits = hits[min(q.From, len(hits)):min(q.From+q.Size, len(hits))]
	return res, nil
}

func (e *fakeEngine) match(d *fakeDoc, q relate.Query) (float64, bool) {
	if !d.within(q.Filter) {
		return 0, false
	}
	for _, c := range q.None {
		if _, ok := e.clause(d, c); ok {
			return 0, false
		}
	}
	if len(q.Any) == 0 {
		return 1, true
	}
	best, found := 0.0, false
	for _, group := range q.Any {
		sum, all := 0.0, true
		for _, c := range group {
			s, ok := e.clause(d, c)
			sum, all = sum+s, all && ok
		}
		if all {
			best, found = max(best, sum), true
		}
	}
	return best, found
}

// clause matches one clause: text by all its words (a phrase as a
// substring), a year by range, a keyword exactly.
func (e *fakeEngine) clause(d *fakeDoc, c relate.Clause) (float64, bool) {
	switch c.Field {
	case "", relate.FieldTitle, relate.FieldBody, relate.FieldReply:
		fields := []string{c.Field}
		if c.Field == "" {
			fields = []string{relate.FieldTitle, relate.FieldBody}
		}
		score := 0.0
		for _, f := range fields {
			if e.textMatch(d, f, c) {
				score += map[bool]float64{true: relate.TitleBoost, false: 1}[f == relate.FieldTitle]
			}
		}
		if c.Unit != "" && c.Field == "" {
			score = e.unitMatch(d, c, fields)
		}
		return score, score > 0
	case relate.FieldYear:
		return 1, d.inYears(c.Years)
	}
	return 1, d.has(c.Field, c.Text)
}

// unitMatch scores a unit clause: led or co-handled by the unit, or
// naming it (as typed or by its current name) in a field.
func (e *fakeEngine) unitMatch(d *fakeDoc, c relate.Clause, fields []string) float64 {
	score := 0.0
	if d.has(relate.FieldUnits, c.Unit) {
		score += 4
	}
	if d.has(relate.FieldLeadUnit, c.Unit) {
		score += 4
	}
	for _, f := range fields {
		for _, name := range []string{c.Unit, c.Text} {
			if e.textMatch(d, f, relate.Clause{Text: name, Phrase: true}) {
				score++
			}
		}
	}
	return score
}

func (e *fakeEngine) textMatch(d *fakeDoc, field string, c relate.Clause) bool {
	if c.Phrase {
		return strings.Contains(d.norm[field], e.seg.Normalize(c.Text))
	}
	for _, t := range e.analyse(c.Text) {
		if d.text[field][t] == 0 {
			return false
		}
	}
	return true
}

func (e *fakeEngine) facet(hits []relate.Scored, field string, size int) relate.Facet {
	counts := map[string]int{}
	var f relate.Facet
	for _, h := range hits {
		for _, v := range e.docs[h.Number].keywords[field] {
			counts[v]++
			f.Total++
		}
	}
	for v, n := range counts {
		f.Terms = append(f.Terms, tian.Count{Name: v, Count: n})
	}
	sort.Slice(f.Terms, func(i, j int) bool {
		if f.Terms[i].Count != f.Terms[j].Count {
			return f.Terms[i].Count > f.Terms[j].Count
		}
		return f.Terms[i].Name < f.Terms[j].Name
	})
	f.Terms = f.Terms[:min(size, len(f.Terms))]
	return f
}

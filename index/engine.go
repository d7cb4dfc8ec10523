package index

import (
	"context"
	"sort"
	"strconv"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"tian"
	"tian/relate"
)

// engine is the bleve adapter the relate.Service runs on: it turns
// relate's queries into bleve's, and reads document frequencies from the
// term dictionary of the body field.
type engine struct{ b bleve.Index }

var _ relate.Engine = engine{}

// Search implements relate.Engine.
func (e engine) Search(ctx context.Context, q relate.Query) (*relate.Result, error) {
	sr := bleve.NewSearchRequestOptions(searchQuery(q), q.Size, q.From, false)
	if q.ByDate {
		sr.SortBy([]string{"-" + fYear, "-" + fNumber})
	} else {
		sr.SortBy([]string{"-_score", "-" + fNumber})
	}
	for _, f := range q.Facets {
		sr.AddFacet(f, bleve.NewFacetRequest(f, q.FacetSize))
	}
	res, err := e.b.SearchInContext(ctx, sr)
	if err != nil {
		return nil, &tian.Error{Code: tian.EINTERNAL, Op: "index.Search", Err: err}
	}
	out := &relate.Result{Total: int(res.Total), Hits: make([]relate.Scored, len(res.Hits))}
	for i, h := range res.Hits {
		out.Hits[i] = relate.Scored{Number: h.ID, Score: h.Score}
	}
	if len(res.Facets) > 0 {
		out.Facets = make(map[string]relate.Facet, len(res.Facets))
		for name, fr := range res.Facets {
			out.Facets[name] = relate.Facet{Total: fr.Total, Terms: facetTerms(fr.Terms.Terms())}
		}
	}
	return out, nil
}

func facetTerms(terms []*search.TermFacet) []tian.Count {
	out := make([]tian.Count, len(terms))
	for i, t := range terms {
		out[i] = tian.Count{Name: t.Term, Count: t.Count}
	}
	return out
}

// searchQuery is the bleve query of a relate query: the groups of clauses
// (any), the filters, and the exclusions.
func searchQuery(rq relate.Query) query.Query {
	var must []query.Query
	var anyOf []query.Query
	for _, group := range rq.Any {
		all := make([]query.Query, len(group))
		for i, c := range group {
			all[i] = clauseQuery(c)
		}
		anyOf = append(anyOf, bleve.NewConjunctionQuery(all...))
	}
	if len(anyOf) > 0 {
		must = append(must, bleve.NewDisjunctionQuery(anyOf...))
	}
	must = append(must, filterQueries(rq.Filter)...)
	var q query.Query = bleve.NewMatchAllQuery()
	if len(must) > 0 {
		q = bleve.NewConjunctionQuery(must...)
	}
	if len(rq.None) == 0 {
		return q
	}
	b := bleve.NewBooleanQuery()
	b.AddMust(q)
	for _, c := range rq.None {
		b.AddMustNot(clauseQuery(c))
	}
	return b
}

// clauseQuery is the bleve query of one clause.
func clauseQuery(c relate.Clause) query.Query {
	switch c.Field {
	case "", fTitle, fBody, fReply:
		fields := []string{c.Field}
		if c.Field == "" {
			fields = []string{fTitle, fBody}
		}
		var alts []query.Query
		for _, f := range fields {
			alts = append(alts, textQuery(f, c.Text, c.Phrase))
		}
		if c.Unit != "" && c.Field == "" {
			alts = unitQueries(c, fields)
		}
		return bleve.NewDisjunctionQuery(alts...)
	case fYear:
		if c.Years == nil {
			return bleve.NewMatchNoneQuery()
		}
		return years(c.Years.From, c.Years.To)
	default:
		return termQuery(c.Field, c.Text)
	}
}

func textQuery(field, text string, phrase bool) query.Query {
	boost := 1.0
	if field == fTitle {
		boost = relate.TitleBoost
	}
	if phrase {
		q := bleve.NewMatchPhraseQuery(text)
		q.SetField(field)
		q.Analyzer = ExactAnalyzerName
		q.SetBoost(boost)
		return q
	}
	q := bleve.NewMatchQuery(text)
	q.SetField(field)
	q.SetOperator(query.MatchQueryOperatorAnd)
	q.SetBoost(boost)
	return q
}

// Boosts of a unit clause: the unit's own proposals outrank those that
// only name it, and those it leads outrank those it co-handles.
const (
	unitHandlesBoost = 4.0
	unitLeadsBoost   = 4.0
)

// unitQueries are the alternatives of a unit clause: led or co-handled by
// the unit, or its name (as typed, or current) as a phrase in fields.
func unitQueries(c relate.Clause, fields []string) []query.Query {
	handles, leads := termQuery(fUnits, c.Unit), termQuery(fLead, c.Unit)
	handles.SetBoost(unitHandlesBoost)
	leads.SetBoost(unitLeadsBoost)
	alts := []query.Query{handles, leads}
	names := []string{c.Unit}
	if c.Text != c.Unit {
		names = append(names, c.Text)
	}
	for _, name := range names {
		for _, f := range fields {
			alts = append(alts, textQuery(f, name, true))
		}
	}
	return alts
}

func termQuery(field, value string) *query.TermQuery {
	tq := bleve.NewTermQuery(value)
	tq.SetField(field)
	return tq
}

func years(from, to int) query.Query {
	var qs []query.Query
	for y := from; y <= to; y++ {
		qs = append(qs, termQuery(fYear, strconv.Itoa(y)))
	}
	return bleve.NewDisjunctionQuery(qs...)
}

// filterQueries are a filter's conditions, all of which must hold.
func filterQueries(f relate.Filter) []query.Query {
	var qs []query.Query
	term := func(field, value string) {
		if value != "" {
			qs = append(qs, termQuery(field, value))
		}
	}
	term(fSession, f.Session)
	term(fCategory, f.Category)
	term(fUnits, f.Unit)
	term(fLead, f.LeadUnit)
	term(fType, f.ProposerType)
	term(fStatus, f.Status)
	if f.Years != nil {
		qs = append(qs, years(f.Years.From, f.Years.To))
	}
	if f.Numbers != nil {
		qs = append(qs, bleve.NewDocIDQuery(f.Numbers))
	}
	if f.NotStatus != "" {
		b := bleve.NewBooleanQuery()
		b.AddMust(bleve.NewMatchAllQuery())
		b.AddMustNot(termQuery(fStatus, f.NotStatus))
		qs = append(qs, b)
	}
	return qs
}

// Candidates implements relate.Engine: a boolean query whose optional
// clauses are the terms on title and body, boosted by their weights.
func (e engine) Candidates(ctx context.Context, q relate.CandidateQuery) ([]string, error) {
	var should []query.Query
	for _, t := range q.Terms {
		for _, f := range []string{fTitle, fBody} {
			tq := termQuery(f, t.Term)
			boost := t.Weight
			if f == fTitle {
				boost *= relate.TitleBoost
			}
			tq.SetBoost(boost)
			should = append(should, tq)
		}
	}
	if len(should) == 0 {
		return nil, nil
	}
	b := bleve.NewBooleanQuery()
	b.AddShould(should...)
	// at least one of the terms: beside a must clause bleve takes the
	// should clauses as optional, and documents holding none of the terms
	// would fill the candidates left over
	b.SetMinShould(1)
	if restrict := filterQueries(q.Filter); len(restrict) > 0 {
		b.AddMust(restrict...)
	}
	if q.Exclude != "" {
		b.AddMustNot(bleve.NewDocIDQuery([]string{q.Exclude}))
	}
	// by score alone: sorting by number as well made the collector read
	// every matching document's number (a fifth of Similar at 100,000
	// proposals); ties are put in number order among twice as many
	// fetched, which settles them unless a tie runs past those
	sr := bleve.NewSearchRequestOptions(b, 2*q.N, 0, false)
	res, err := e.b.SearchInContext(ctx, sr)
	if err != nil {
		return nil, &tian.Error{Code: tian.EINTERNAL, Op: "index.Similar", Err: err}
	}
	hits := res.Hits
	sort.SliceStable(hits, func(i, j int) bool {
		if hits[i].Score != hits[j].Score {
			return hits[i].Score > hits[j].Score
		}
		return hits[i].ID < hits[j].ID
	})
	if len(hits) > q.N {
		res.Hits = hits[:q.N]
	}
	return hitIDs(res), nil
}

// Select implements relate.Engine.
func (e engine) Select(ctx context.Context, f relate.Filter, limit int) ([]string, error) {
	var q query.Query = bleve.NewMatchAllQuery()
	if qs := filterQueries(f); len(qs) > 0 {
		q = bleve.NewConjunctionQuery(qs...)
	}
	sr := bleve.NewSearchRequestOptions(q, limit, 0, false)
	sr.SortBy([]string{fNumber})
	res, err := e.b.SearchInContext(ctx, sr)
	if err != nil {
		return nil, &tian.Error{Code: tian.EINTERNAL, Op: "index.Select", Err: err}
	}
	return hitIDs(res), nil
}

// hitIDs are the proposal numbers of search hits, in order.
func hitIDs(res *bleve.SearchResult) []string {
	out := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		out[i] = h.ID
	}
	return out
}

// DocFreqs implements relate.Engine from bleve's term dictionary of the
// body field.
func (e engine) DocFreqs(context.Context) (int, map[string]int, error) {
	n, err := e.b.DocCount()
	if err != nil {
		return 0, nil, &tian.Error{Code: tian.EINTERNAL, Op: "index.corpus", Err: err}
	}
	dict, err := e.b.FieldDict(fBody)
	if err != nil {
		return 0, nil, &tian.Error{Code: tian.EINTERNAL, Op: "index.corpus", Err: err}
	}
	defer dict.Close()
	df := make(map[string]int, 1<<14)
	for {
		entry, err := dict.Next()
		if err != nil {
			return 0, nil, &tian.Error{Code: tian.EINTERNAL, Op: "index.corpus", Err: err}
		}
		if entry == nil {
			return int(n), df, nil
		}
		df[entry.Term] = int(entry.Count)
	}
}

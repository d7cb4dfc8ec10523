package relate

import (
	"context"
	"sort"
	"strings"
	"time"

	"tian"
)

// Search runs a search request: the query string, the filters, facets,
// highlighted snippets, relevance or date order, one page. Unit names and
// aliases in the query find the proposals the units handle (Units says
// which were read so). A search that finds nothing comes with a Hint. It
// returns EINVALID for a malformed request.
func (s *Service) Search(ctx context.Context, req tian.SearchRequest) (*tian.SearchResult, error) {
	start := time.Now()
	if err := normalizeRequest(&req); err != nil {
		return nil, err
	}
	pq, err := parseQuery(req.Query)
	if err != nil {
		return nil, err
	}
	names, err := s.unitCatalogue(ctx)
	if err != nil {
		return nil, err
	}
	unitTerms := s.readUnits(pq, names)
	req.Unit = orName(names.resolve(req.Unit, s.seg.Normalize), req.Unit)
	req.LeadUnit = orName(names.resolve(req.LeadUnit, s.seg.Normalize), req.LeadUnit)
	q, terms, searchable := s.engineQuery(pq, req)
	res := &Result{Facets: map[string]Facet{}}
	if searchable {
		if res, err = s.engine.Search(ctx, q); err != nil {
			return nil, err
		}
	}
	out := &tian.SearchResult{Total: res.Total, Page: req.Page, Size: req.Size, Hits: []tian.Hit{}, Units: unitTerms,
		Facets: requestedFacets(req, res)}
	if out.Hits, err = s.hits(ctx, res.Hits, terms); err != nil {
		return nil, err
	}
	if out.Total == 0 {
		if out.Hint, err = s.hint(ctx, pq, req, searchable); err != nil {
			return nil, err
		}
	}
	out.TookMS = float64(time.Since(start).Microseconds()) / 1000
	return out, nil
}

// orName is name, or else text.
func orName(name, text string) string {
	if name != "" {
		return name
	}
	return text
}

// hits reads the proposals of scored hits, skipping any deleted since
// they were indexed.
func (s *Service) hits(ctx context.Context, scored []Scored, terms map[string]bool) ([]tian.Hit, error) {
	numbers := make([]string, len(scored))
	for i, h := range scored {
		numbers[i] = h.Number
	}
	ps, err := s.store.ProposalsByNumber(ctx, numbers)
	if err != nil {
		return nil, err
	}
	out := []tian.Hit{}
	for _, h := range scored {
		if p, ok := ps[h.Number]; ok {
			out = append(out, s.hit(p, h.Score, terms))
		}
	}
	return out, nil
}

// requestedFacets are the facets a request asked for, each cut to its
// facet size: years newest first (a time line reads so), the others
// most frequent first, then by name.
func requestedFacets(req tian.SearchRequest, res *Result) map[string][]tian.Count {
	if len(req.Facets) == 0 {
		return nil
	}
	out := map[string][]tian.Count{}
	for _, name := range req.Facets {
		counts := facetCounts(res.Facets[facetFields[name]])
		sort.SliceStable(counts, func(i, j int) bool {
			a, b := counts[i], counts[j]
			switch {
			case name == "year":
				return a.Name > b.Name
			case a.Count != b.Count:
				return a.Count > b.Count
			}
			return a.Name < b.Name
		})
		out[name] = counts[:min(len(counts), req.FacetSize)]
	}
	return out
}

func facetCounts(f Facet) []tian.Count {
	out := make([]tian.Count, 0, len(f.Terms))
	for _, t := range f.Terms {
		out = append(out, tian.Count{Name: t.Name, Count: t.Count, Share: tian.Percent(t.Count, f.Total)})
	}
	return out
}

// engineQuery turns the parsed query and the request into an engine's
// query, and returns the analysed terms of the positive text clauses, for
// highlighting. Clauses without a searchable word (only stop words or
// punctuation) are dropped; searchable is false when the query had words
// and all were dropped (it finds nothing, rather than everything). The
// year facet is asked for in full, to be ordered by year.
func (s *Service) engineQuery(pq *parsedQuery, req tian.SearchRequest) (q Query, terms map[string]bool, searchable bool) {
	terms = map[string]bool{}
	q = Query{Filter: requestFilter(req), ByDate: req.Sort == "date", From: (req.Page - 1) * req.Size,
		Size: req.Size, FacetSize: req.FacetSize}
	for _, name := range req.Facets {
		q.Facets = append(q.Facets, facetFields[name])
		if name == "year" {
			q.FacetSize = MaxFacetSize
		}
	}
	for _, group := range pq.any {
		if all := s.engineGroup(group, terms); len(all) > 0 {
			q.Any = append(q.Any, all)
		}
	}
	for _, c := range pq.none {
		if ec, ok := s.engineClause(c, map[string]bool{}); ok {
			q.None = append(q.None, ec)
		}
	}
	return q, terms, len(pq.any) == 0 || len(q.Any) > 0
}

// engineGroup is the engine's clauses of an AND-group of parsed clauses.
func (s *Service) engineGroup(group []clause, terms map[string]bool) []Clause {
	var all []Clause
	for _, c := range group {
		if ec, ok := s.engineClause(c, terms); ok {
			all = append(all, ec)
		}
	}
	return all
}

// engineClause is the engine's clause of one parsed clause, adding the
// words of a text clause to terms; false when it holds no searchable word.
func (s *Service) engineClause(c clause, terms map[string]bool) (Clause, bool) {
	ec := Clause{Field: c.field, Text: c.text, Phrase: c.phrase, Unit: c.unit}
	switch c.field {
	case "", FieldTitle, FieldBody, FieldReply:
		if c.unit != "" {
			for _, name := range []string{c.text, c.unit} {
				for _, t := range s.seg.Cut(name, ExactCut) {
					terms[strings.ToLower(t.Text)] = true
				}
			}
			return ec, true
		}
		words := s.analyse(c.text)
		if len(words) == 0 {
			return ec, false
		}
		for _, w := range words {
			terms[w] = true
		}
	case FieldYear:
		ec.Years = parseYears(c.text)
	}
	return ec, true
}

// analyse returns the index terms of text: what the engine makes of it.
func (s *Service) analyse(text string) []string {
	toks := s.seg.Cut(text, IndexCut)
	out := make([]string, 0, len(toks))
	for _, t := range toks {
		out = append(out, strings.ToLower(t.Text))
	}
	return out
}

func (s *Service) hit(p *tian.Proposal, score float64, terms map[string]bool) tian.Hit {
	h := tian.Hit{Number: p.Number, Score: score, Year: p.Year, Title: p.Title, Category: p.Category,
		LeadUnit: p.LeadUnit, CoUnits: append([]string{}, p.CoUnits...), Proposer: p.Proposer, ProposerType: string(p.ProposerType), Status: string(p.Status),
		HasReply: p.Reply != "", NotProposal: p.NotProposal}
	var matched map[string]bool
	h.TitleHTML, matched = s.highlight(p.Title, terms, 0)
	snippet, more := s.highlight(p.Body, terms, snippetRunes)
	h.Snippet = snippet
	for t := range more {
		matched[t] = true
	}
	for t := range matched {
		h.Terms = append(h.Terms, t)
	}
	sort.Strings(h.Terms)
	return h
}

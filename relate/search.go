package relate

import (
	"context"
	"sort"
	"strings"
	"time"

	"tian"
)

// Search runs a search request: the query string, the filters, facets,
// highlighted snippets, relevance or date order, one page. It returns
// EINVALID for a malformed request.
func (s *Service) Search(ctx context.Context, req tian.SearchRequest) (*tian.SearchResult, error) {
	start := time.Now()
	if err := normalizeRequest(&req); err != nil {
		return nil, err
	}
	pq, err := parseQuery(req.Query)
	if err != nil {
		return nil, err
	}
	q, terms := s.engineQuery(pq, req)
	res, err := s.engine.Search(ctx, q)
	if err != nil {
		return nil, err
	}
	out := &tian.SearchResult{Total: res.Total, Page: req.Page, Size: req.Size, Hits: []tian.Hit{}}
	if len(req.Facets) > 0 {
		out.Facets = map[string][]tian.Count{}
		for _, name := range req.Facets {
			if fr, ok := res.Facets[facetFields[name]]; ok {
				out.Facets[name] = facetCounts(fr)
			}
		}
	}
	numbers := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		numbers[i] = h.Number
	}
	ps, err := s.store.ProposalsByNumber(ctx, numbers)
	if err != nil {
		return nil, err
	}
	for _, h := range res.Hits {
		if p, ok := ps[h.Number]; ok { // a proposal deleted since it was indexed is skipped
			out.Hits = append(out.Hits, s.hit(p, h.Score, terms))
		}
	}
	out.TookMS = float64(time.Since(start).Microseconds()) / 1000
	return out, nil
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
// punctuation) are dropped.
func (s *Service) engineQuery(pq *parsedQuery, req tian.SearchRequest) (Query, map[string]bool) {
	terms := map[string]bool{}
	q := Query{Filter: requestFilter(req), ByDate: req.Sort == "date", From: (req.Page - 1) * req.Size,
		Size: req.Size, FacetSize: req.FacetSize}
	for _, name := range req.Facets {
		q.Facets = append(q.Facets, facetFields[name])
	}
	for _, group := range pq.any {
		var all []Clause
		for _, c := range group {
			if ec, ok := s.engineClause(c, terms); ok {
				all = append(all, ec)
			}
		}
		if len(all) > 0 {
			q.Any = append(q.Any, all)
		}
	}
	for _, c := range pq.none {
		if ec, ok := s.engineClause(c, map[string]bool{}); ok {
			q.None = append(q.None, ec)
		}
	}
	return q, terms
}

// engineClause is the engine's clause of one parsed clause, adding the
// words of a text clause to terms; false when it holds no searchable word.
func (s *Service) engineClause(c clause, terms map[string]bool) (Clause, bool) {
	ec := Clause{Field: c.field, Text: c.text, Phrase: c.phrase}
	switch c.field {
	case "", FieldTitle, FieldBody, FieldReply:
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
		LeadUnit: p.LeadUnit, Proposer: p.Proposer, ProposerType: string(p.ProposerType), Status: string(p.Status),
		HasReply: p.Reply != ""}
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

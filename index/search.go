package index

import (
	"context"
	"html"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"tian"
)

// Search limits: pages are bounded, and so is how deep one can page.
const (
	DefaultPageSize = 10
	MaxPageSize     = 100
	MaxResultWindow = 10_000
	MaxFacetSize    = 200
)

// facetFields are the facets a search may ask for, by name.
var facetFields = map[string]string{
	"category": fCategory, "year": fYear, "lead_unit": fLead, "unit": fUnits,
	"proposer_type": fType, "status": fStatus, "session": fSession,
}

// DefaultFacets are computed when a request names none.
var DefaultFacets = []string{"category", "year", "lead_unit"}

// Search runs a search request: the query string, the filters, facets,
// highlighted snippets, relevance or date order, one page.
func (ix *Index) Search(ctx context.Context, req tian.SearchRequest) (*tian.SearchResult, error) {
	start := time.Now()
	if err := normalizeRequest(&req); err != nil {
		return nil, err
	}
	pq, err := parseQuery(req.Query)
	if err != nil {
		return nil, err
	}
	q, terms := ix.buildQuery(pq, req)
	sr := bleve.NewSearchRequestOptions(q, req.Size, (req.Page-1)*req.Size, false)
	if req.Sort == "date" {
		sr.SortBy([]string{"-" + fYear, "-" + fNumber})
	} else {
		sr.SortBy([]string{"-_score", "-" + fNumber})
	}
	for _, name := range req.Facets {
		sr.AddFacet(name, bleve.NewFacetRequest(facetFields[name], req.FacetSize))
	}
	res, err := ix.bleve.SearchInContext(ctx, sr)
	if err != nil {
		return nil, &tian.Error{Code: tian.EINTERNAL, Op: "index.Search", Err: err}
	}
	out := &tian.SearchResult{Total: int(res.Total), Page: req.Page, Size: req.Size, Hits: []tian.Hit{}}
	if len(req.Facets) > 0 {
		out.Facets = map[string][]tian.Count{}
		for name, fr := range res.Facets {
			out.Facets[name] = facetCounts(fr.Terms.Terms(), fr.Total)
		}
	}
	ps, err := ix.store.ProposalsByNumber(ctx, hitIDs(res))
	if err != nil {
		return nil, err
	}
	for _, h := range res.Hits {
		if p, ok := ps[h.ID]; ok { // a proposal deleted since it was indexed is skipped
			out.Hits = append(out.Hits, ix.hit(p, h.Score, terms))
		}
	}
	out.TookMS = float64(time.Since(start).Microseconds()) / 1000
	return out, nil
}

func normalizeRequest(req *tian.SearchRequest) error {
	if req.Page == 0 {
		req.Page = 1
	}
	if req.Size == 0 {
		req.Size = DefaultPageSize
	}
	switch {
	case req.Page < 1:
		return tian.Errorf(tian.EINVALID, "page 须不小于 1，收到 %d", req.Page)
	case req.Size < 1 || req.Size > MaxPageSize:
		return tian.Errorf(tian.EINVALID, "size 须在 1–%d 之间，收到 %d", MaxPageSize, req.Size)
	case (req.Page-1)*req.Size >= MaxResultWindow:
		return tian.Errorf(tian.EINVALID, "只能翻阅前 %d 条结果；请缩小检索范围", MaxResultWindow)
	case req.Sort != "" && req.Sort != "relevance" && req.Sort != "date":
		return tian.Errorf(tian.EINVALID, "sort 须为 relevance 或 date，收到 %q", req.Sort)
	case req.YearFrom != 0 && req.YearTo != 0 && req.YearFrom > req.YearTo:
		return tian.Errorf(tian.EINVALID, "年度范围 %d–%d 为空", req.YearFrom, req.YearTo)
	case req.YearTo-req.YearFrom > 300 && req.YearFrom != 0:
		return tian.Errorf(tian.EINVALID, "年度范围 %d–%d 过宽", req.YearFrom, req.YearTo)
	}
	if req.Facets == nil {
		req.Facets = DefaultFacets
	}
	if len(req.Facets) > len(facetFields) {
		return tian.Errorf(tian.EINVALID, "最多可请求 %d 个分面", len(facetFields))
	}
	for _, f := range req.Facets {
		if _, ok := facetFields[f]; !ok {
			return tian.Errorf(tian.EINVALID, "未知分面 %q（可用 category、year、lead_unit、unit、proposer_type、status、session）", f)
		}
	}
	if req.FacetSize == 0 {
		req.FacetSize = 10
	}
	if req.FacetSize < 1 || req.FacetSize > MaxFacetSize {
		return tian.Errorf(tian.EINVALID, "facet_size 须在 1–%d 之间，收到 %d", MaxFacetSize, req.FacetSize)
	}
	return nil
}

func facetCounts(terms []*search.TermFacet, total int) []tian.Count {
	out := make([]tian.Count, 0, len(terms))
	for _, t := range terms {
		out = append(out, tian.Count{Name: t.Term, Count: t.Count, Share: tian.Percent(t.Count, total)})
	}
	return out
}

// buildQuery turns the parsed query and the filters into a bleve query,
// and returns the analysed terms of the positive text clauses, for
// highlighting.
func (ix *Index) buildQuery(pq *parsedQuery, req tian.SearchRequest) (query.Query, map[string]bool) {
	terms := map[string]bool{}
	must := []query.Query{}
	var anyOf []query.Query
	for _, group := range pq.any {
		var all []query.Query
		for _, c := range group {
			if cq := ix.clauseQuery(c, terms); cq != nil {
				all = append(all, cq)
			}
		}
		if len(all) > 0 {
			anyOf = append(anyOf, bleve.NewConjunctionQuery(all...))
		}
	}
	if len(anyOf) > 0 {
		must = append(must, bleve.NewDisjunctionQuery(anyOf...))
	}
	must = append(must, filters(req)...)
	var q query.Query = bleve.NewMatchAllQuery()
	if len(must) > 0 {
		q = bleve.NewConjunctionQuery(must...)
	}
	if len(pq.none) == 0 {
		return q, terms
	}
	b := bleve.NewBooleanQuery()
	b.AddMust(q)
	for _, c := range pq.none {
		if cq := ix.clauseQuery(c, map[string]bool{}); cq != nil {
			b.AddMustNot(cq)
		}
	}
	return b, terms
}

// clauseQuery is the bleve query of one clause; nil when the clause holds
// no searchable word (only stop words or punctuation).
func (ix *Index) clauseQuery(c clause, terms map[string]bool) query.Query {
	switch c.field {
	case "", fTitle, fBody, fReply:
		words := ix.analyse(c.text)
		if len(words) == 0 {
			return nil
		}
		for _, w := range words {
			terms[w] = true
		}
		fields := []string{c.field}
		if c.field == "" {
			fields = []string{fTitle, fBody}
		}
		var alts []query.Query
		for _, f := range fields {
			alts = append(alts, textQuery(f, c.text, c.phrase))
		}
		return bleve.NewDisjunctionQuery(alts...)
	case fYear:
		return yearQuery(c.text)
	default:
		tq := bleve.NewTermQuery(c.text)
		tq.SetField(c.field)
		return tq
	}
}

func textQuery(field, text string, phrase bool) query.Query {
	boost := 1.0
	if field == fTitle {
		boost = titleBoost
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

// yearQuery reads 2024, 2024年 or a range 2021-2023 / 2021..2023.
func yearQuery(text string) query.Query {
	text = strings.TrimSuffix(text, "年")
	from, to := text, text
	for _, sep := range []string{"..", "-", "—", "~", "至"} {
		if a, b, ok := strings.Cut(text, sep); ok {
			from, to = a, strings.TrimSuffix(b, "年")
			break
		}
	}
	a, err1 := strconv.Atoi(strings.TrimSpace(from))
	b, err2 := strconv.Atoi(strings.TrimSpace(to))
	if err1 != nil || err2 != nil || b < a || b-a > 300 {
		return bleve.NewMatchNoneQuery()
	}
	return years(a, b)
}

func years(from, to int) query.Query {
	var qs []query.Query
	for y := from; y <= to; y++ {
		tq := bleve.NewTermQuery(strconv.Itoa(y))
		tq.SetField(fYear)
		qs = append(qs, tq)
	}
	return bleve.NewDisjunctionQuery(qs...)
}

// filters are the request's structured filters, all of which must hold.
func filters(req tian.SearchRequest) []query.Query {
	var qs []query.Query
	term := func(field, value string) {
		if value != "" {
			tq := bleve.NewTermQuery(value)
			tq.SetField(field)
			qs = append(qs, tq)
		}
	}
	term(fSession, req.Session)
	term(fCategory, req.Category)
	term(fUnits, req.Unit)
	term(fLead, req.LeadUnit)
	term(fType, req.Proposer)
	term(fStatus, req.Status)
	if req.YearFrom != 0 || req.YearTo != 0 {
		from, to := req.YearFrom, req.YearTo
		if from == 0 {
			from = to - 300
		}
		if to == 0 {
			to = from + 300
		}
		qs = append(qs, years(max(from, 1900), min(to, 2200)))
	}
	return qs
}

// analyse returns the index terms of text: what the analyzer makes of it.
func (ix *Index) analyse(text string) []string {
	toks := ix.seg.Cut(text, indexCut)
	out := make([]string, 0, len(toks))
	for _, t := range toks {
		out = append(out, strings.ToLower(t.Text))
	}
	return out
}

func (ix *Index) hit(p *tian.Proposal, score float64, terms map[string]bool) tian.Hit {
	h := tian.Hit{Number: p.Number, Score: score, Year: p.Year, Title: p.Title, Category: p.Category,
		LeadUnit: p.LeadUnit, Proposer: p.Proposer, ProposerType: string(p.ProposerType), Status: string(p.Status),
		HasReply: p.Reply != ""}
	var matched map[string]bool
	h.TitleHTML, matched = ix.highlight(p.Title, terms, 0)
	snippet, more := ix.highlight(p.Body, terms, snippetRunes)
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

// snippetRunes is the length of a body snippet.
const snippetRunes = 120

// highlight escapes text and wraps the words matching terms in <mark>.
// With width > 0 it returns the window of about width characters holding
// the most matches (the beginning when nothing matches), with … where text
// was cut. It also returns the terms it marked.
func (ix *Index) highlight(text string, terms map[string]bool, width int) (string, map[string]bool) {
	type span struct{ start, end int }
	var spans []span
	marked := map[string]bool{}
	if len(terms) > 0 {
		for _, t := range ix.seg.Cut(text, indexCut) {
			if terms[strings.ToLower(t.Text)] && t.End > t.Start {
				spans = append(spans, span{t.Start, t.End})
				marked[strings.ToLower(t.Text)] = true
			}
		}
	}
	sort.Slice(spans, func(i, j int) bool {
		if spans[i].start != spans[j].start {
			return spans[i].start < spans[j].start
		}
		return spans[i].end > spans[j].end
	})
	merged := spans[:0]
	for _, s := range spans {
		if n := len(merged); n > 0 && s.start <= merged[n-1].end {
			merged[n-1].end = max(merged[n-1].end, s.end)
			continue
		}
		merged = append(merged, s)
	}
	from, to := 0, len(text)
	if width > 0 && utf8.RuneCountInString(text) > width {
		from, to = window(text, len(merged), func(i int) int { return merged[i].start }, width)
	}
	var b strings.Builder
	if from > 0 {
		b.WriteString("…")
	}
	pos := from
	for _, s := range merged {
		if s.start < from || s.end > to {
			continue
		}
		b.WriteString(html.EscapeString(text[pos:s.start]))
		b.WriteString("<mark>" + html.EscapeString(text[s.start:s.end]) + "</mark>")
		pos = s.end
	}
	b.WriteString(html.EscapeString(text[pos:to]))
	if to < len(text) {
		b.WriteString("…")
	}
	return b.String(), marked
}

// window picks the byte range of about width runes of text that starts a
// little before the densest run of matches.
func window(text string, n int, startOf func(int) int, width int) (int, int) {
	best, bestCount := 0, 0
	for i := 0; i < n; i++ {
		count := 0
		for j := i; j < n && utf8.RuneCountInString(text[startOf(i):startOf(j)]) < width*3/4; j++ {
			count++
		}
		if count > bestCount {
			best, bestCount = startOf(i), count
		}
	}
	from := best
	for back := 0; from > 0 && back < width/6; back++ { // a little context before
		_, size := utf8.DecodeLastRuneInString(text[:from])
		from -= size
	}
	to := from
	for k := 0; to < len(text) && k < width; k++ {
		_, size := utf8.DecodeRuneInString(text[to:])
		to += size
	}
	return from, to
}

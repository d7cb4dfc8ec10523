package relate

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"unicode"

	"tian"
)

// maxHintItems bounds the query words a hint counts, and so its cost: a
// hint runs one count for each word and filter, on empty results only.
const maxHintItems = 12

// hint explains an empty result: the filters in force, the documents of
// the whole archive each positive query word finds by itself, and what
// dropping one filter or one word would find.
func (s *Service) hint(ctx context.Context, pq *parsedQuery, req tian.SearchRequest, searchable bool) (*tian.SearchHint, error) {
	h := &tian.SearchHint{Filters: []string{}, Terms: []tian.TermCount{}, Widen: []tian.Widening{}}
	filters := activeFilters(req)
	for _, f := range filters {
		h.Filters = append(h.Filters, f.label)
	}
	items := queryItems(pq)
	for _, it := range items {
		if it.not {
			continue
		}
		n, err := s.count(ctx, pq.only(it), tian.SearchRequest{})
		if err != nil {
			return nil, err
		}
		h.Terms = append(h.Terms, tian.TermCount{Term: it.label, Count: n})
	}
	if err := s.widenings(ctx, h, pq, req, filters, items); err != nil {
		return nil, err
	}
	unfiltered := 0
	if len(filters) > 0 && len(pq.any) > 0 {
		n, err := s.count(ctx, pq, tian.SearchRequest{})
		if err != nil {
			return nil, err
		}
		unfiltered = n
	}
	h.Message = hintMessage(pq, h, searchable, unfiltered)
	return h, nil
}

// widenings adds to h what dropping each filter, and each query word
// (while another word is left), would find, when that finds something:
// filters first, then words, each the most finding first.
func (s *Service) widenings(ctx context.Context, h *tian.SearchHint, pq *parsedQuery, req tian.SearchRequest,
	filters []activeFilter, items []queryItem) error {
	for _, f := range filters {
		wider := req
		f.clear(&wider)
		n, err := s.count(ctx, pq, wider)
		if err != nil {
			return err
		}
		if n > 0 {
			h.Widen = append(h.Widen, tian.Widening{Label: "去掉筛选「" + f.label + "」", Param: f.param, Total: n})
		}
	}
	for _, it := range items {
		wider := pq.dropping(it)
		if len(wider.any) == 0 { // no word left: that is no search
			continue
		}
		n, err := s.count(ctx, wider, req)
		if err != nil {
			return err
		}
		if n > 0 {
			q := pq.without(clause{start: it.start, end: it.end})
			h.Widen = append(h.Widen, tian.Widening{Label: "去掉检索词「" + it.label + "」", Query: &q, Total: n})
		}
	}
	// keeping the words is closer to what was asked: filters go first
	sort.SliceStable(h.Widen, func(i, j int) bool {
		a, b := h.Widen[i], h.Widen[j]
		if (a.Query == nil) != (b.Query == nil) {
			return a.Query == nil
		}
		return a.Total > b.Total
	})
	return nil
}

// count is how many documents a parsed query finds within a request's
// filters; 0 when the query holds words but none searchable.
func (s *Service) count(ctx context.Context, pq *parsedQuery, req tian.SearchRequest) (int, error) {
	q, _, searchable := s.engineQuery(pq, req)
	if !searchable {
		return 0, nil
	}
	q.Facets, q.From, q.Size = nil, 0, 0
	res, err := s.engine.Search(ctx, q)
	if err != nil {
		return 0, err
	}
	return res.Total, nil
}

// hintMessage says in Chinese why nothing was found and how to widen.
// unfiltered is what the words find with no filter.
func hintMessage(pq *parsedQuery, h *tian.SearchHint, searchable bool, unfiltered int) string {
	if !searchable {
		return fmt.Sprintf("检索词「%s」中没有可检索的词（只有标点符号或“的”“和”之类的常用字），请换用实在的词语。", strings.TrimSpace(pq.text))
	}
	var b strings.Builder
	b.WriteString("没有找到符合条件的提案。")
	var absent []string
	for _, t := range h.Terms {
		if t.Count == 0 {
			absent = append(absent, "「"+t.Term+"」")
		}
	}
	together := len(absent) == 0 && len(h.Terms) > 1 && unfiltered == 0
	switch {
	case len(absent) > 0 && latinOnly(pq.text):
		fmt.Fprintf(&b, "检索词%s在全部档案中都没有出现：档案是中文提案，请改用中文词语检索。", strings.Join(absent, ""))
	case len(absent) > 0:
		fmt.Fprintf(&b, "检索词%s在全部档案中都没有出现，请检查用字或去掉它。", strings.Join(absent, ""))
	case together:
		b.WriteString("各检索词单独都能找到提案，合在一起却没有。")
	case len(h.Filters) > 0 && len(h.Terms) > 0 && unfiltered > 0:
		fmt.Fprintf(&b, "这些检索词在全部档案中能找到 %d 件，只是不在当前筛选之内。", unfiltered)
	}
	if len(h.Filters) > 0 {
		fmt.Fprintf(&b, "当前筛选：%s。", strings.Join(h.Filters, "；"))
	}
	switch {
	case len(h.Widen) > 0:
		fmt.Fprintf(&b, "%s可找到 %d 件。", h.Widen[0].Label, h.Widen[0].Total)
	case together:
		b.WriteString("请减少检索词，或用 OR 连接。")
	case len(absent) == 0:
		b.WriteString("请换一个说法，或减少筛选条件。")
	}
	return b.String()
}

// latinOnly reports whether text holds Latin letters and no Han
// character: a query in English, say.
func latinOnly(text string) bool {
	latin := false
	for _, r := range text {
		switch {
		case unicode.Is(unicode.Han, r):
			return false
		case unicode.Is(unicode.Latin, r):
			latin = true
		}
	}
	return latin
}

// activeFilter is a filter of a search request in force, as the hint
// names it, with the request parameter that sets it.
type activeFilter struct {
	label, param string
	clear        func(*tian.SearchRequest)
}

func activeFilters(req tian.SearchRequest) []activeFilter {
	var out []activeFilter
	if label := yearsLabel(req.YearFrom, req.YearTo); label != "" {
		out = append(out, activeFilter{label, "year", func(r *tian.SearchRequest) { r.YearFrom, r.YearTo = 0, 0 }})
	}
	for _, f := range []struct {
		name, param string
		value       *string
	}{{"届次", "session", &req.Session}, {"类别", "category", &req.Category}, {"承办单位", "unit", &req.Unit},
		{"主办单位", "lead_unit", &req.LeadUnit}, {"提案人类型", "proposer_type", &req.Proposer}, {"状态", "status", &req.Status}} {
		if *f.value == "" {
			continue
		}
		param := f.param
		out = append(out, activeFilter{f.name + " " + *f.value, param, func(r *tian.SearchRequest) { clearParam(r, param) }})
	}
	return out
}

func clearParam(r *tian.SearchRequest, param string) {
	switch param {
	case "session":
		r.Session = ""
	case "category":
		r.Category = ""
	case "unit":
		r.Unit = ""
	case "lead_unit":
		r.LeadUnit = ""
	case "proposer_type":
		r.Proposer = ""
	case "status":
		r.Status = ""
	}
}

func yearsLabel(from, to int) string {
	switch {
	case from != 0 && from == to:
		return fmt.Sprintf("年度 %d", from)
	case from != 0 && to != 0:
		return fmt.Sprintf("年度 %d–%d", from, to)
	case from != 0:
		return fmt.Sprintf("年度 %d 年起", from)
	case to != 0:
		return fmt.Sprintf("年度 至 %d 年", to)
	}
	return ""
}

// queryItem is one item of the query string as typed, which may have
// become several clauses (a word split around a unit name).
type queryItem struct {
	label      string
	not        bool
	start, end int
}

// queryItems are the distinct items of a parsed query, in query order, at
// most maxHintItems of them.
func queryItems(pq *parsedQuery) []queryItem {
	seen := map[int]bool{}
	var out []queryItem
	add := func(c clause) {
		if seen[c.start] || len(out) >= maxHintItems {
			return
		}
		seen[c.start] = true
		out = append(out, queryItem{label: strings.TrimSpace(pq.text[c.start:c.end]), not: c.not, start: c.start, end: c.end})
	}
	for _, g := range pq.any {
		for _, c := range g {
			add(c)
		}
	}
	for _, c := range pq.none {
		add(c)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].start < out[j].start })
	return out
}

// only is the query of one item's clauses alone.
func (pq *parsedQuery) only(it queryItem) *parsedQuery {
	return pq.filter(func(c clause) bool { return c.start == it.start })
}

// dropping is the query without one item's clauses.
func (pq *parsedQuery) dropping(it queryItem) *parsedQuery {
	return pq.filter(func(c clause) bool { return c.start != it.start })
}

// filter keeps the clauses keep accepts; AND-groups left empty go.
func (pq *parsedQuery) filter(keep func(clause) bool) *parsedQuery {
	out := &parsedQuery{text: pq.text}
	for _, g := range pq.any {
		var kept []clause
		for _, c := range g {
			if keep(c) {
				kept = append(kept, c)
			}
		}
		if len(kept) > 0 {
			out.any = append(out.any, kept)
		}
	}
	for _, c := range pq.none {
		if keep(c) {
			out.none = append(out.none, c)
		}
	}
	return out
}

package index_test

import (
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"tian"
)

// allHits pages through a search and returns every hit, in order.
func allHits(t *testing.T, req tian.SearchRequest) ([]tian.Hit, *tian.SearchResult) {
	t.Helper()
	req.Size, req.Page = 100, 1
	first := search(t, req)
	hits := first.Hits
	for len(hits) < first.Total {
		req.Page++
		res := search(t, req)
		if len(res.Hits) == 0 {
			t.Fatalf("%+v: page %d empty at %d of %d", req, req.Page, len(hits), first.Total)
		}
		hits = append(hits, res.Hits...)
	}
	return hits, first
}

// handledBy are the demo proposals a unit leads or co-handles.
func handledBy(f *fixture, unit string) map[string]bool {
	out := map[string]bool{}
	for n, p := range f.byNum {
		if slices.Contains(p.Units(), unit) {
			out[n] = true
		}
	}
	return out
}

// A unit's full name, one of its aliases, or its name in Traditional
// characters, typed as a word, finds every proposal the unit leads or
// co-handles, and ranks them above those that only name it.
func TestSearchUnitNameFindsItsProposals(t *testing.T) {
	f := demo(t)
	for _, tt := range []struct{ query, unit string }{
		{"市住房和城乡建设局", "市住房和城乡建设局"},
		{"住建局", "市住房和城乡建设局"},
		{"市住房和城鄉建設局", "市住房和城乡建设局"},
		{"市教育局", "市教育局"},
		{"民政局", "市民政局"},
		{"清河县人民政府", "清河县人民政府"},
		{"市发改委", "市发展和改革委员会"},
	} {
		want := handledBy(f, tt.unit)
		hits, res := allHits(t, tian.SearchRequest{Query: tt.query})
		if len(res.Units) != 1 || res.Units[0].Unit != tt.unit {
			t.Errorf("%s: read as units %+v, want %s", tt.query, res.Units, tt.unit)
		}
		got := map[string]bool{}
		for i, h := range hits {
			got[h.Number] = true
			if i < len(want) && !want[h.Number] {
				t.Errorf("%s: hit %d %s %q (lead %s, co %v) outranks a proposal %s handles",
					tt.query, i+1, h.Number, h.Title, h.LeadUnit, h.CoUnits, tt.unit)
				break
			}
			p := f.byNum[h.Number]
			if !want[h.Number] && !strings.Contains(p.Title+p.Body, strings.TrimPrefix(tt.unit, "市")) &&
				!strings.Contains(p.Title+p.Body, tt.query) {
				t.Errorf("%s: %s neither handled by %s nor naming it", tt.query, h.Number, tt.unit)
			}
		}
		for n := range want {
			if !got[n] {
				t.Errorf("%s: misses %s %q, which %s handles", tt.query, n, f.byNum[n].Title, tt.unit)
			}
		}
		t.Logf("%s → %s: %d hits, %d handled", tt.query, tt.unit, res.Total, len(want))
	}
}

// A unit name among other words, with or without a space, restricts to
// the unit's proposals on those words; aliases work in the 主办 field and
// in the unit filter.
func TestSearchUnitWithWordsAndFields(t *testing.T) {
	f := demo(t)
	spaced, _ := allHits(t, tian.SearchRequest{Query: "住建局 加装电梯"})
	joined, res := allHits(t, tian.SearchRequest{Query: "住建局加装电梯"})
	if len(spaced) < 5 || hitSet(spaced) != hitSet(joined) {
		t.Errorf("住建局 加装电梯: %d hits; 住建局加装电梯: %d; want the same, several", len(spaced), len(joined))
	}
	if len(res.Units) != 1 || res.Units[0].Text != "住建局" {
		t.Errorf("住建局加装电梯: units %+v", res.Units)
	}
	for _, h := range joined {
		p := f.byNum[h.Number]
		if !strings.Contains(p.Title+p.Body, "电梯") {
			t.Errorf("%s %q lacks 电梯", h.Number, p.Title)
		}
	}
	lead, _ := allHits(t, tian.SearchRequest{Query: "主办:住建局"})
	led := 0
	for _, p := range f.byNum {
		if p.LeadUnit == "市住房和城乡建设局" {
			led++
		}
	}
	if len(lead) != led {
		t.Errorf("主办:住建局 found %d, the unit leads %d", len(lead), led)
	}
	for _, h := range lead {
		if h.LeadUnit != "市住房和城乡建设局" {
			t.Errorf("主办:住建局 found %s led by %s", h.Number, h.LeadUnit)
		}
	}
	byAlias := search(t, tian.SearchRequest{Unit: "民政局"})
	byName := search(t, tian.SearchRequest{Unit: "市民政局"})
	if byAlias.Total == 0 || byAlias.Total != byName.Total || byName.Total != len(handledBy(f, "市民政局")) {
		t.Errorf("unit filter 民政局 %d, 市民政局 %d, handled %d", byAlias.Total, byName.Total, len(handledBy(f, "市民政局")))
	}
	for _, h := range byName.Hits {
		if p := f.byNum[h.Number]; !slices.Equal(h.CoUnits, p.CoUnits) && len(p.CoUnits) > 0 {
			t.Errorf("%s: co-units %v, stored %v", h.Number, h.CoUnits, p.CoUnits)
		}
	}
}

func hitSet(hits []tian.Hit) string {
	var ns []string
	for _, h := range hits {
		ns = append(ns, h.Number)
	}
	sort.Strings(ns)
	return strings.Join(ns, " ")
}

// The year facet lists the latest years first; the others the most
// frequent first. A short facet keeps the latest years.
func TestSearchFacetOrder(t *testing.T) {
	f := demo(t)
	res := search(t, tian.SearchRequest{Query: "养老", Facets: []string{"year", "category", "lead_unit"}, FacetSize: 3})
	hits, _ := allHits(t, tian.SearchRequest{Query: "养老"})
	years := map[string]int{}
	for _, h := range hits {
		years[strconv.Itoa(f.byNum[h.Number].Year)]++
	}
	var latest []string
	for y := range years {
		latest = append(latest, y)
	}
	sort.Sort(sort.Reverse(sort.StringSlice(latest)))
	latest = latest[:3]
	var got []string
	for _, c := range res.Facets["year"] {
		got = append(got, c.Name)
		if c.Count != years[c.Name] {
			t.Errorf("year %s: %d, counted %d", c.Name, c.Count, years[c.Name])
		}
	}
	if !slices.Equal(got, latest) {
		t.Errorf("year facet %v, want the latest three %v", got, latest)
	}
	for _, name := range []string{"category", "lead_unit"} {
		cs := res.Facets[name]
		if len(cs) != 3 {
			t.Errorf("%s facet: %v", name, cs)
		}
		for i := 1; i < len(cs); i++ {
			if cs[i].Count > cs[i-1].Count || cs[i].Count == cs[i-1].Count && cs[i].Name < cs[i-1].Name {
				t.Errorf("%s facet out of order: %v", name, cs)
			}
		}
	}
}

// An empty result says why and how to widen; a result with hits has no
// hint.
func TestSearchEmptyResultHints(t *testing.T) {
	if res := search(t, tian.SearchRequest{Query: "加装电梯"}); res.Hint != nil {
		t.Errorf("加装电梯 found %d and hints %+v", res.Total, res.Hint)
	}
	english := search(t, tian.SearchRequest{Query: "elevator"})
	if english.Total != 0 || english.Hint == nil || len(english.Hint.Terms) != 1 || english.Hint.Terms[0].Count != 0 ||
		!strings.Contains(english.Hint.Message, "「elevator」在全部档案中都没有出现") {
		t.Errorf("elevator: %d hits, hint %+v", english.Total, english.Hint)
	}
	for _, q := range []string{"，。！？", "……", "的 了"} {
		res := search(t, tian.SearchRequest{Query: q})
		if res.Total != 0 || res.Hint == nil || !strings.Contains(res.Hint.Message, "没有可检索的词") {
			t.Errorf("%q: %d hits (it holds no word), hint %+v", q, res.Total, res.Hint)
		}
	}
	filtered := search(t, tian.SearchRequest{Query: "加装电梯", Category: "文化建设", YearFrom: 2021, YearTo: 2021})
	in2021 := search(t, tian.SearchRequest{Query: "加装电梯", YearFrom: 2021, YearTo: 2021})
	h := filtered.Hint
	if filtered.Total != 0 || h == nil || in2021.Total == 0 {
		t.Fatalf("加装电梯 in 文化建设 2021: %d hits, hint %+v; in 2021: %d", filtered.Total, h, in2021.Total)
	}
	if !slices.Equal(h.Filters, []string{"年度 2021", "类别 文化建设"}) || len(h.Widen) == 0 ||
		h.Widen[0].Param != "category" || h.Widen[0].Total != in2021.Total || h.Terms[0].Count < in2021.Total {
		t.Errorf("hint %+v; want the filters named and 去掉类别 first with %d", h, in2021.Total)
	}
	anyYear := search(t, tian.SearchRequest{Query: "加装电梯"})
	if want := "能找到 " + strconv.Itoa(anyYear.Total) + " 件，只是不在当前筛选之内"; !strings.Contains(h.Message, want) {
		t.Errorf("message %q lacks %q", h.Message, want)
	}
	if want := "去掉筛选「类别 文化建设」可找到 " + strconv.Itoa(in2021.Total) + " 件"; !strings.Contains(h.Message, want) {
		t.Errorf("message %q lacks %q", h.Message, want)
	}
	both := search(t, tian.SearchRequest{Query: "加装电梯 夜游"})
	if both.Total != 0 || both.Hint == nil || len(both.Hint.Widen) == 0 || both.Hint.Widen[0].Query == nil {
		t.Fatalf("加装电梯 夜游: %d hits, hint %+v", both.Total, both.Hint)
	}
	if !strings.Contains(both.Hint.Message, "各检索词单独都能找到提案，合在一起却没有") {
		t.Errorf("加装电梯 夜游: message %q", both.Hint.Message)
	}
	w := both.Hint.Widen[0]
	if wider := search(t, tian.SearchRequest{Query: *w.Query}); wider.Total != w.Total || w.Total == 0 {
		t.Errorf("widening %+v: the query %q finds %d", w, *w.Query, wider.Total)
	}
	for _, tc := range both.Hint.Terms {
		if tc.Count == 0 {
			t.Errorf("%s counted 0 in the archive", tc.Term)
		}
	}
}

// A word made of many unit names splits into no more clauses than a
// query may hold: 30 names are read as the unit, 400 stay a word.
func TestSearchManyUnitNamesInOneWord(t *testing.T) {
	demo(t) // built before the clock starts
	for _, c := range []struct{ n, units int }{{30, 1}, {400, 0}} {
		start := time.Now()
		res := search(t, tian.SearchRequest{Query: strings.Repeat("住建局", c.n)})
		if took := time.Since(start); len(res.Units) != c.units {
			t.Errorf("%d unit names in one word: %s, units %+v", c.n, took, res.Units)
		} else {
			t.Logf("%d unit names in one word: %s", c.n, took)
		}
	}
}

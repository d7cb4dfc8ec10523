package main

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"tian"
)

// searchAPI runs GET /api/v1/search on the shared demo service.
func searchAPI(t *testing.T, s *service, params url.Values) *tian.SearchResult {
	t.Helper()
	var res tian.SearchResult
	if code := s.call(t, "GET", "/api/v1/search?"+params.Encode(), nil, &res); code != 200 {
		t.Fatalf("search %s: HTTP %d", params.Encode(), code)
	}
	return &res
}

// The search API over the demo corpus: a unit's name or alias typed as a
// word finds what the unit handles, the year facet runs newest first, and
// an empty result says in Chinese why and how to widen.
func TestSearchAPIOnTheDemo(t *testing.T) {
	s := sharedService(t)
	demo, err := tian.ReadDemo()
	if err != nil {
		t.Fatal(err)
	}
	handled := map[string]bool{}
	for _, p := range demo {
		if slices.Contains(p.Units(), "市住房和城乡建设局") {
			handled[p.Number] = true
		}
	}
	for _, q := range []string{"市住房和城乡建设局", "住建局", "市建委"} {
		res := searchAPI(t, s, url.Values{"q": {q}, "size": {"100"}, "facets": {"year,category"}})
		if res.Total < len(handled) || len(res.Units) != 1 || res.Units[0].Unit != "市住房和城乡建设局" || res.Units[0].Text != q {
			t.Errorf("%s: %d hits (the unit handles %d), units %+v", q, res.Total, len(handled), res.Units)
		}
		for i, h := range res.Hits {
			if i < len(handled) && !handled[h.Number] {
				t.Errorf("%s: hit %d %s (%s, %v) is not the unit's, yet outranks its own", q, i+1, h.Number, h.LeadUnit, h.CoUnits)
			}
			if h.CoUnits == nil {
				t.Errorf("%s: hit %s co_units null", q, h.Number)
			}
		}
		years := res.Facets["year"]
		for i := 1; i < len(years); i++ {
			if years[i].Name >= years[i-1].Name {
				t.Errorf("%s: year facet not newest first: %v", q, years)
			}
		}
		if res.Hint != nil {
			t.Errorf("%s found %d and hints %+v", q, res.Total, res.Hint)
		}
	}
	narrow := searchAPI(t, s, url.Values{"q": {"住建局 加装电梯"}})
	if narrow.Total == 0 || narrow.Total >= len(handled) {
		t.Errorf("住建局 加装电梯: %d hits, want the unit's elevator proposals only", narrow.Total)
	}

	english := searchAPI(t, s, url.Values{"q": {"elevator"}})
	if english.Total != 0 || english.Hint == nil || !strings.Contains(english.Hint.Message, "elevator") ||
		len(english.Hint.Terms) != 1 || english.Hint.Terms[0].Count != 0 || english.Units == nil {
		t.Errorf("elevator: %d hits, hint %+v, units %v", english.Total, english.Hint, english.Units)
	}
	punct := searchAPI(t, s, url.Values{"q": {"。，、；！？"}})
	if punct.Total != 0 || punct.Hint == nil || !strings.Contains(punct.Hint.Message, "没有可检索的词") {
		t.Errorf("punctuation: %d hits, hint %+v", punct.Total, punct.Hint)
	}
	in2021 := searchAPI(t, s, url.Values{"q": {"老旧小区 加装电梯"}, "year": {"2021"}})
	none := searchAPI(t, s, url.Values{"q": {"老旧小区 加装电梯"}, "year": {"2021"}, "category": {"文化建设"}, "proposer_type": {"集体"}})
	h := none.Hint
	if in2021.Total == 0 || none.Total != 0 || h == nil {
		t.Fatalf("老旧小区 加装电梯 in 2021: %d; with 文化建设 and 集体: %d, hint %+v", in2021.Total, none.Total, h)
	}
	if !slices.Equal(h.Filters, []string{"年度 2021", "类别 文化建设", "提案人类型 集体"}) || len(h.Terms) != 2 ||
		!strings.Contains(h.Message, "当前筛选：年度 2021；类别 文化建设；提案人类型 集体") {
		t.Errorf("hint %+v", h)
	}
	for _, w := range h.Widen {
		if w.Param == "" && w.Query == nil || w.Total == 0 {
			t.Errorf("widening %+v drops nothing or finds nothing", w)
		}
	}
}

// tian search prints how it read a unit's alias, and why nothing was
// found.
func TestSearchCommandSaysUnitsAndHint(t *testing.T) {
	dir := demoDir(t)
	out, _, err := runIn(t, dir, "search", "住建局", "加装电梯")
	if err != nil || !strings.Contains(out, "「住建局」按承办单位 市住房和城乡建设局 检索") || strings.Contains(out, "共0件") {
		t.Errorf("search 住建局 加装电梯: %q, %v", out, err)
	}
	out, _, err = runIn(t, dir, "search", "elevator")
	if err != nil || !strings.Contains(out, "共0件") || !strings.Contains(out, "「elevator」在全部档案中都没有出现") {
		t.Errorf("search elevator: %q, %v", out, err)
	}
}

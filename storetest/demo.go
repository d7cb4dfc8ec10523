package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"tian"
)

// demoCorpus is the demo's proposals as an import gives them back: the
// co-handling units without the lead unit or repeats, [] for none.
func demoCorpus(t *testing.T) (recs []tian.Record, want map[string]tian.Proposal) {
	t.Helper()
	all, err := tian.ReadDemo()
	if err != nil {
		t.Fatal(err)
	}
	want = map[string]tian.Proposal{}
	for i, p := range all {
		recs = append(recs, rec(i+2, *p))
		q := *p
		q.CoUnits = []string{}
		for _, u := range p.CoUnits {
			if u != p.LeadUnit && !slices.Contains(q.CoUnits, u) {
				q.CoUnits = append(q.CoUnits, u)
			}
		}
		q.NotProposal = !p.IsProposal()
		want[p.Number] = q
	}
	return recs, want
}

// testDemo imports the whole demo corpus (1,570 proposals of 2021–2025)
// and checks that it reads back field for field, that pages are the list
// sliced, and that the statistics count what the corpus holds.
func testDemo(t *testing.T, open Open) {
	ctx := context.Background()
	s := open(t)
	cats := []tian.Category{{Code: "social", Name: "社会建设"}, {Code: "economic", Name: "经济建设"}}
	if err := s.ImportCategories(ctx, cats, "test"); err != nil {
		t.Fatal(err)
	}
	recs, want := demoCorpus(t)
	rep := mustImport(t, s, recs, tian.ImportOptions{NewUnits: true, Actor: "test", File: "demo.jsonl"})
	if rep.Rejected != 0 || rep.Inserted != len(recs) {
		t.Fatalf("demo import: %d inserted, %d rejected (%v), want %d inserted", rep.Inserted, rep.Rejected, rep.Errors, len(recs))
	}
	t.Run("ReadsBack", func(t *testing.T) {
		all, err := s.Proposals(ctx, tian.ProposalFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != len(want) {
			t.Fatalf("%d proposals read, want %d", len(all), len(want))
		}
		for i, p := range all {
			if i > 0 && all[i-1].Number >= p.Number {
				t.Fatalf("not in number order at %s, %s", all[i-1].Number, p.Number)
			}
			if w := want[p.Number]; !reflect.DeepEqual(*p, w) {
				t.Errorf("%s read back\n %+v\nwant\n %+v", p.Number, *p, w)
			}
		}
	})
	t.Run("PagesAreTheListSliced", func(t *testing.T) {
		filters := []tian.ProposalFilter{
			{},
			{Year: 2023},
			{Category: "社会建设"},
			{Category: "social"}, // by code
			{Category: "生态文明建设"}, // code = name, learnt from the data
			{Year: 2024, Category: "economic"},
			{Numbers: []string{"20250101", "20210205", "20230333", "99999999"}},
			{Year: 1999},
			{Category: "没有这个类别"},
		}
		for _, f := range filters {
			all, err := s.Proposals(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			n := len(all)
			for _, ol := range [][2]int{{0, 1}, {0, 500}, {7, 13}, {n / 2, 50}, {max(n-3, 0), 10}, {n, 10}, {n + 100, 500}} {
				offset, limit := ol[0], ol[1]
				page, err := s.ListProposals(ctx, f, offset, limit)
				if err != nil {
					t.Fatal(err)
				}
				what := fmt.Sprintf("%+v offset %d limit %d", f, offset, limit)
				if page.Total != n || page.Offset != offset || page.Proposals == nil {
					t.Errorf("%s: total %d, offset %d, nil %v; want %d, %d, []", what, page.Total, page.Offset, page.Proposals == nil, n, offset)
					continue
				}
				slice := all[min(offset, n):min(offset+limit, n)]
				if len(slice) == 0 && len(page.Proposals) == 0 {
					continue
				}
				if !reflect.DeepEqual(page.Proposals, slice) {
					t.Errorf("%s: page %s, want %s", what, numbers(page.Proposals), numbers(slice))
				}
			}
		}
		social, _ := s.Proposals(ctx, tian.ProposalFilter{Category: "social"})
		for _, p := range social {
			if p.Category != "社会建设" {
				t.Fatalf("%s of category %s under the code social", p.Number, p.Category)
			}
		}
		if len(social) == 0 {
			t.Error("no proposal under the code social")
		}
	})
	t.Run("StatsCountTheCorpus", func(t *testing.T) {
		for _, year := range []int{0, 2021, 2023, 2025} {
			st, err := s.Stats(ctx, year)
			if err != nil {
				t.Fatal(err)
			}
			checkStats(t, st, year, want)
		}
	})
	t.Run("Catalogues", func(t *testing.T) {
		units, err := s.Units(ctx)
		if err != nil {
			t.Fatal(err)
		}
		known := map[string]bool{}
		for i, u := range units {
			known[u.Name] = true
			if i > 0 && units[i-1].Name >= u.Name {
				t.Errorf("units not by name at %s, %s", units[i-1].Name, u.Name)
			}
		}
		cs, err := s.Categories(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(cs) < 2 || cs[0] != cats[0] || cs[1] != cats[1] {
			t.Errorf("categories %+v: the catalogue's first, in the order created", cs)
		}
		names := map[string]bool{}
		for _, c := range cs {
			names[c.Name] = true
		}
		for _, p := range want {
			for _, u := range p.Units() {
				if !known[u] {
					t.Fatalf("unit %s of %s not in Units", u, p.Number)
				}
			}
			if p.Category != "" && !names[p.Category] {
				t.Fatalf("category %s of %s not in Categories", p.Category, p.Number)
			}
		}
	})
	t.Run("Counts", func(t *testing.T) {
		n, err := s.Counts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		units, _ := s.Units(ctx)
		cs, _ := s.Categories(ctx)
		routings := 0
		for _, p := range want {
			routings += len(p.Units())
		}
		if n["proposals"] != len(want) || n["changes"] != len(want) || n["routings"] != routings || n["units"] != len(units) ||
			n["categories"] != len(cs) || n["audit"] != 2 || n["feedback"] != 0 || n["tokens"] != 0 || n["words"] != 0 {
			t.Errorf("counts %v; want %d proposals and changes, %d routings, %d units, %d categories, 2 audit lines",
				n, len(want), routings, len(units), len(cs))
		}
	})
	// last: it empties the store. Every proposal reads back as the batch
	// recorded it, so the corpus undoes at once, after a partial update
	// (a reply) is undone first.
	t.Run("UndoesRightAfterImport", func(t *testing.T) {
		part := tian.Record{Row: 2, Fields: []string{"number", "reply"}, Proposal: tian.Proposal{Number: recs[0].Proposal.Number, Reply: "已办结，详见市政府网站答复公开栏目。"}}
		reply := mustImport(t, s, []tian.Record{part}, tian.ImportOptions{File: "答复.csv"})
		if reply.Updated != 1 {
			t.Fatalf("reply import %+v", reply)
		}
		if _, err := s.UndoBatch(ctx, reply.Batch, "test"); err != nil {
			t.Fatalf("undo of a partial update: %v", err)
		}
		undo, err := s.UndoBatch(ctx, rep.Batch, "test")
		if err != nil {
			t.Fatalf("undo of the demo corpus right after importing it: %.300v", err)
		}
		if len(undo.Removed) != len(recs) || len(undo.Restored) != 0 || count(t, s) != 0 {
			t.Errorf("undo removed %d, restored %d, left %d; want the %d imported removed", len(undo.Removed), len(undo.Restored), count(t, s), len(recs))
		}
		units, _ := s.Units(ctx)
		cs, _ := s.Categories(ctx)
		if len(units) != 0 || !reflect.DeepEqual(cs, cats) {
			t.Errorf("after the undo: %d units, categories %+v; want none learnt from the corpus left, the loaded catalogue kept", len(units), cs)
		}
	})
}

func numbers(ps []*tian.Proposal) string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Number)
	}
	return "[" + strings.Join(out, " ") + "]"
}

// checkStats compares the figures with a count of the corpus itself.
func checkStats(t *testing.T, st *tian.Stats, year int, corpus map[string]tian.Proposal) {
	t.Helper()
	var received, filed, rejected, merged, members, collective, other, replied int
	byCategory, byLead, years := map[string]int{}, map[string]int{}, map[int]int{}
	for _, p := range corpus {
		if p.NotProposal {
			if year == 0 || p.Year == year {
				other++
			}
			continue
		}
		if p.Year != 0 {
			years[p.Year]++
		}
		if year != 0 && p.Year != year {
			continue
		}
		received++
		switch p.Status {
		case tian.StatusRejected:
			rejected++
		case tian.StatusMerged:
			merged++
		}
		if !p.Filed() {
			continue
		}
		filed++
		byCategory[p.Category]++
		if p.LeadUnit != "" {
			byLead[p.LeadUnit]++
		}
		if p.Reply != "" {
			replied++
		}
		switch p.ProposerType {
		case tian.ProposerMember:
			members++
		case tian.ProposerCollective:
			collective++
		}
	}
	what := fmt.Sprintf("stats of %d", year)
	got := [8]int{st.Received, st.Filed, st.Rejected, st.Merged, st.Members, st.Collective, st.Other, st.Replied}
	if w := [8]int{received, filed, rejected, merged, members, collective, other, replied}; got != w {
		t.Errorf("%s: received, filed, rejected, merged, members, collective, other, replied = %v, want %v", what, got, w)
	}
	if received == 0 {
		t.Errorf("%s: the corpus has no proposals that year", what)
	}
	for _, c := range st.Categories {
		name := c.Name
		if name == tian.Uncategorised {
			name = ""
		}
		if byCategory[name] != c.Count {
			t.Errorf("%s: category %s counted %d, want %d", what, c.Name, c.Count, byCategory[name])
		}
	}
	if len(st.Categories) != len(byCategory) {
		t.Errorf("%s: %d categories, want %d", what, len(st.Categories), len(byCategory))
	}
	for i, c := range st.LeadUnits {
		if byLead[c.Name] != c.Count || i > 0 && st.LeadUnits[i-1].Count < c.Count {
			t.Errorf("%s: lead unit %s counted %d (place %d), want %d, most first", what, c.Name, c.Count, i, byLead[c.Name])
		}
	}
	if len(st.LeadUnits) != len(byLead) {
		t.Errorf("%s: %d lead units, want %d", what, len(st.LeadUnits), len(byLead))
	}
	if len(st.Years) != len(years) {
		t.Errorf("%s: years %+v, want %d of them", what, st.Years, len(years))
	}
	for _, y := range st.Years {
		if years[y.Year] != y.Received {
			t.Errorf("%s: year %d received %d, want %d", what, y.Year, y.Received, years[y.Year])
		}
	}
	if year > 2021 && (st.Previous == nil || st.Previous.Year != year-1) {
		t.Errorf("%s: previous year %+v, want %d's", what, st.Previous, year-1)
	}
	if b, _ := json.Marshal(st); strings.Contains(string(b), "null") {
		t.Errorf("%s: JSON has null: %s", what, b)
	}
}

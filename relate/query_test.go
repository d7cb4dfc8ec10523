package relate

import (
	"reflect"
	"sort"
	"testing"
)

func TestParseQuery(t *testing.T) {
	tests := []struct {
		q    string
		any  [][]clause
		none []clause
	}{
		{"养老 托育", [][]clause{{{text: "养老"}, {text: "托育"}}}, nil},
		{"养老 OR 托育", [][]clause{{{text: "养老"}}, {{text: "托育"}}}, nil},
		{`"加装电梯" -城东区`, [][]clause{{{text: "加装电梯", phrase: true}}}, []clause{{text: "城东区", not: true}}},
		{"类别:社会建设 年度：2024 停车", [][]clause{{{field: FieldCategory, text: "社会建设"}, {field: FieldYear, text: "2024"}, {text: "停车"}}}, nil},
		{"建议：加快 NOT 城南", [][]clause{{{text: "建议：加快"}}}, []clause{{text: "城南", not: true}}},
		{"标题:“一老一小” AND 社区", [][]clause{{{field: FieldTitle, text: "一老一小", phrase: true}, {text: "社区"}}}, nil},
		{"", nil, nil},
	}
	for _, tt := range tests {
		got, err := parseQuery(tt.q)
		if err != nil {
			t.Fatalf("parseQuery(%q): %v", tt.q, err)
		}
		stripSpans(got)
		if !reflect.DeepEqual(got.any, tt.any) || !reflect.DeepEqual(got.none, tt.none) {
			t.Errorf("parseQuery(%q) = %+v / %+v, want %+v / %+v", tt.q, got.any, got.none, tt.any, tt.none)
		}
	}
}

// stripSpans zeroes the clauses' places in the query, which
// TestQuerySpans checks.
func stripSpans(pq *parsedQuery) {
	for _, g := range pq.any {
		for i := range g {
			g[i].start, g[i].end = 0, 0
		}
	}
	for i := range pq.none {
		pq.none[i].start, pq.none[i].end = 0, 0
	}
}

// Each clause knows where its item stands in the query, so that a hint
// can offer the query without it.
func TestQuerySpans(t *testing.T) {
	tests := []struct {
		q     string
		items []string // as typed, in order
		drop  string   // the query without the second item
	}{
		{"养老 托育", []string{"养老", "托育"}, "养老"},
		{"  老旧小区　加装电梯 -城东区 ", []string{"老旧小区", "加装电梯", "-城东区"}, "老旧小区 -城东区"},
		{`类别：社会建设 "老年助餐" OR 长者食堂`, []string{"类别：社会建设", `"老年助餐"`, "长者食堂"}, "类别：社会建设 OR 长者食堂"},
		{"标题:“一老一小” NOT 城南", []string{"标题:“一老一小”", "NOT 城南"}, "标题:“一老一小”"},
		{`单位:住建局 "未闭合`, []string{"单位:住建局", `"未闭合`}, "单位:住建局"},
	}
	for _, tt := range tests {
		pq, err := parseQuery(tt.q)
		if err != nil {
			t.Fatalf("parseQuery(%q): %v", tt.q, err)
		}
		var items []string
		var all []clause
		for _, g := range pq.any {
			all = append(all, g...)
		}
		all = append(all, pq.none...)
		sort.Slice(all, func(i, j int) bool { return all[i].start < all[j].start })
		for _, c := range all {
			items = append(items, tt.q[c.start:c.end])
		}
		if !reflect.DeepEqual(items, tt.items) {
			t.Errorf("parseQuery(%q) items %q, want %q", tt.q, items, tt.items)
			continue
		}
		if got := pq.without(all[1]); got != tt.drop {
			t.Errorf("%q without %q = %q, want %q", tt.q, tt.items[1], got, tt.drop)
		}
	}
}

func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{"养老 OR 托育", `"加装电梯" -城东区`, "类别:社会建设 年度:2021..2023", "-", "\"", "：:", "\xff-\"a"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		pq, err := parseQuery(q)
		if err != nil {
			return
		}
		n := len(pq.none)
		for _, g := range pq.any {
			n += len(g)
			for _, c := range g {
				if c.text == "" || c.not || c.start < 0 || c.start >= c.end || c.end > len(pq.text) {
					t.Fatalf("bad clause %+v from %q", c, q)
				}
				pq.without(c)
			}
		}
		if n > MaxQueryClauses {
			t.Fatalf("%d clauses from %q", n, q)
		}
		parseYears(q)
	})
}

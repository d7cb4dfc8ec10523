package relate

import (
	"reflect"
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
		if !reflect.DeepEqual(got.any, tt.any) || !reflect.DeepEqual(got.none, tt.none) {
			t.Errorf("parseQuery(%q) = %+v / %+v, want %+v / %+v", tt.q, got.any, got.none, tt.any, tt.none)
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
				if c.text == "" || c.not {
					t.Fatalf("bad clause %+v from %q", c, q)
				}
			}
		}
		if n > MaxQueryClauses {
			t.Fatalf("%d clauses from %q", n, q)
		}
		parseYears(q)
	})
}

package main

import (
	"encoding/json"
	"strings"
	"testing"

	"tian"
	"tian/classify"
	"tian/internal/slowtest"
)

// tian eval filing trains on the store's earlier years and tests on the
// latest, beside the baseline that files everything.
func TestEvalFilingCommand(t *testing.T) {
	slowtest.Gate(t)
	dir := demoDir(t)
	out, _, err := runIn(t, dir, "eval", "filing", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var r struct {
		Test        classify.FilingEval     `json:"test"`
		Development classify.FilingEval     `json:"development"`
		Reasons     []classify.FilingReason `json:"reasons"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v in %s", err, out)
	}
	if e := r.Test; e.N != 298 || e.Brier >= e.BaselineBrier || e.Precision < 0.8 || e.Recall < 0.6 || len(e.Reliability) != 10 {
		t.Errorf("tested on 2025: %+v", e)
	}
	if r.Development.N != 344 || len(r.Reasons) < 3 {
		t.Errorf("development on 2024: %+v, reasons %v", r.Development, r.Reasons)
	}
	text, _, err := runIn(t, dir, "eval", "filing", "--test-years", "2024,2025")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"trained on 2021–2023", "tested on 2024–2025", "Brier score", "always 立案", "reliability", "内容空泛，缺少具体可行的建议", "未分条提出措施", "reason misses (first reason wrong)"} {
		if !strings.Contains(text, want) {
			t.Errorf("the report lacks %q:\n%s", want, text)
		}
	}
	if _, _, err := runIn(t, dir, "eval", "filing", "--test-years", "2021"); tian.ErrorCode(err) != tian.EINVALID {
		t.Errorf("no earlier year to train on: err = %v", err)
	}
}

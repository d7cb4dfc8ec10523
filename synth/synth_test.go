package synth_test

import (
	"encoding/json"
	"strings"
	"testing"

	"tian"
	"tian/synth"
)

func corpus(t *testing.T) []*tian.Proposal {
	t.Helper()
	ps, err := tian.ReadDemo()
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

func TestGeneratorRecombinesDeterministically(t *testing.T) {
	c := corpus(t)
	a, b := synth.New(c, 7), synth.New(c, 7)
	numbers, bodies := map[string]bool{}, map[string]bool{}
	n := 3 * len(c)
	for i := range n {
		p, q := a.Proposal(i), b.Proposal(i)
		if p.Body != q.Body || p.Number != q.Number {
			t.Fatalf("proposal %d differs between two generators with one seed", i)
		}
		if numbers[p.Number] {
			t.Fatalf("number %s repeats", p.Number)
		}
		numbers[p.Number], bodies[p.Body] = true, true
		if len(p.Check()) > 0 || p.Status == tian.StatusMerged {
			t.Fatalf("proposal %d does not import: %v", i, p.Check())
		}
		src := c[i%len(c)]
		if p.Category != src.Category || p.Year != src.Year || !strings.HasPrefix(p.Number, itoa(src.Year)) {
			t.Fatalf("proposal %d lost its source's year or category", i)
		}
	}
	if len(bodies) < n*95/100 {
		t.Errorf("only %d distinct bodies among %d", len(bodies), n)
	}
}

func itoa(y int) string {
	b, _ := json.Marshal(y)
	return string(b)
}

package synth_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io/fs"
	"strings"
	"testing"

	"tian"
	"tian/synth"
)

func corpus(t *testing.T) []*tian.Proposal {
	t.Helper()
	b, err := fs.ReadFile(tian.DemoFS(), tian.DemoProposals)
	if err != nil {
		t.Fatal(err)
	}
	var out []*tian.Proposal
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var p tian.Proposal
		if err := json.Unmarshal(sc.Bytes(), &p); err != nil {
			t.Fatal(err)
		}
		out = append(out, &p)
	}
	return out
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

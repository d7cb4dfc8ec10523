package relate_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"testing"

	"tian"
	"tian/relate"
)

type neardupLine struct {
	Kind, Degree, Source, Number, Relation, Title, Body, A, B, Group string
	Year                                                              int
}

func TestCopyCoversExplore(t *testing.T) {
	if os.Getenv("TIAN_EXPLORE") == "" {
		t.Skip("exploration")
	}
	ps, err := tian.ReadDemo()
	if err != nil {
		t.Fatal(err)
	}
	byNum := map[string]*tian.Proposal{}
	for _, p := range ps {
		byNum[p.Number] = p
	}
	f, err := os.Open(os.Getenv("TIAN_EXPLORE"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var corpus []*tian.Proposal
	if os.Getenv("TIAN_EXPLORE_IDF") != "" {
		corpus = ps
	}
	c := relate.NewCopyComparer(segmenter(t), corpus, relate.DefaultCopyParams())
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	res := map[string][]string{}
	for sc.Scan() {
		var l neardupLine
		json.Unmarshal(sc.Bytes(), &l)
		var a, b *tian.Proposal
		key := l.Kind
		if l.Kind == "copy" {
			a, b = byNum[l.Source], &tian.Proposal{Title: l.Title, Body: l.Body}
			key += "/" + l.Degree
		} else {
			a, b = byNum[l.A], byNum[l.B]
		}
		ev, is := c.Compare(a.Title, a.Body, b.Title, b.Body)
		res[key] = append(res[key], fmt.Sprintf("%.2f %.2f %v", min(ev.CoverA, ev.CoverB), max(ev.CoverA, ev.CoverB), is))
	}
	keys := []string{}
	for k := range res {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		sort.Strings(res[k])
		hits := 0
		for _, r := range res[k] {
			if r[len(r)-4:] == "true" {
				hits++
			}
		}
		t.Logf("%s: %d/%d flagged; highest %v", k, hits, len(res[k]), res[k][max(0, len(res[k])-12):])
	}
}

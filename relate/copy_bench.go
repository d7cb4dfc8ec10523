package relate

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"

	"tian"
)

// CopyBenchLine is one line of the copies benchmark (testdata/neardup.jsonl):
// an edited copy of a corpus proposal (Kind "copy": Source, Degree, the
// copy's text) or two proposals of one gold group that are not copies
// (Kind "topic": A, B).
type CopyBenchLine struct {
	Kind     string `json:"kind"`
	Degree   string `json:"degree,omitempty"`
	Relation string `json:"relation,omitempty"`
	Source   string `json:"source,omitempty"`
	Number   string `json:"number,omitempty"`
	Year     int    `json:"year,omitempty"`
	Title    string `json:"title,omitempty"`
	Body     string `json:"body,omitempty"`
	A        string `json:"a,omitempty"`
	B        string `json:"b,omitempty"`
	Group    string `json:"group,omitempty"`
}

// ReadCopyBench reads the benchmark's lines.
func ReadCopyBench(r io.Reader) ([]CopyBenchLine, error) {
	var out []CopyBenchLine
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 4<<20)
	for n := 1; sc.Scan(); n++ {
		var l CopyBenchLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			return nil, tian.Errorf(tian.EINVALID, "第 %d 行：%v", n, err)
		}
		if l.Kind != "copy" && l.Kind != "topic" {
			return nil, tian.Errorf(tian.EINVALID, "第 %d 行：kind 须为 copy 或 topic，收到 %q", n, l.Kind)
		}
		out = append(out, l)
	}
	return out, sc.Err()
}

// CopyBenchReport is how a detector does on the benchmark: recall of the
// copies by degree of editing, and precision against the same-topic
// pairs (flagged copies over everything flagged).
type CopyBenchReport struct {
	Name      string         `json:"name"`
	Recall    []DegreeRecall `json:"recall"`
	Topic     int            `json:"topic_pairs"`
	Flagged   int            `json:"topic_flagged"`
	Precision float64        `json:"precision"`
}

// DegreeRecall is the copies of one degree of editing caught.
type DegreeRecall struct {
	Degree string  `json:"degree"`
	Caught int     `json:"caught"`
	Total  int     `json:"total"`
	Recall float64 `json:"recall"`
}

// CopyDetector says whether two texts are copies.
type CopyDetector struct {
	Name string
	Is   func(a, b *tian.Proposal) bool
}

// Detectors are tian's alignment and, as the peer, the rule it replaced:
// 5-character shingles of the bodies with a Jaccard of at least 0.25.
func (c *CopyComparer) Detectors() []CopyDetector {
	return []CopyDetector{
		{Name: "tian (sentence alignment)", Is: func(a, b *tian.Proposal) bool {
			_, is := c.Compare(a.Title, a.Body, b.Title, b.Body)
			return is
		}},
		{Name: "5-shingle Jaccard ≥ 0.25", Is: func(a, b *tian.Proposal) bool {
			sa := shingles([]rune(tian.Letters(c.seg.Normalize(a.Body))), 5)
			sb := shingles([]rune(tian.Letters(c.seg.Normalize(b.Body))), 5)
			return jaccard(sa, sb) >= DefaultParams().NearDuplicate
		}},
	}
}

// EvalCopyBench runs a detector over the benchmark's lines whose keep
// says so (a split), reading sources and pairs from corpus.
func EvalCopyBench(d CopyDetector, lines []CopyBenchLine, corpus map[string]*tian.Proposal, keep func(i int, l CopyBenchLine) bool) (*CopyBenchReport, error) {
	rep := &CopyBenchReport{Name: d.Name, Recall: []DegreeRecall{}}
	byDegree := map[string]*DegreeRecall{}
	caught := 0
	for i, l := range lines {
		if keep != nil && !keep(i, l) {
			continue
		}
		switch l.Kind {
		case "copy":
			src := corpus[l.Source]
			if src == nil {
				return nil, fmt.Errorf("copy %s: no source %s in the corpus", l.Number, l.Source)
			}
			r := byDegree[l.Degree]
			if r == nil {
				r = &DegreeRecall{Degree: l.Degree}
				byDegree[l.Degree] = r
			}
			r.Total++
			if d.Is(src, &tian.Proposal{Title: l.Title, Body: l.Body}) {
				r.Caught++
				caught++
			}
		case "topic":
			a, b := corpus[l.A], corpus[l.B]
			if a == nil || b == nil {
				return nil, fmt.Errorf("topic pair %s %s: not in the corpus", l.A, l.B)
			}
			rep.Topic++
			if d.Is(a, b) {
				rep.Flagged++
			}
		}
	}
	for _, deg := range []string{"light", "moderate", "heavy"} {
		if r := byDegree[deg]; r != nil {
			r.Recall = float64(r.Caught) / float64(r.Total)
			rep.Recall = append(rep.Recall, *r)
		}
	}
	if caught+rep.Flagged > 0 {
		rep.Precision = float64(caught) / float64(caught+rep.Flagged)
	}
	return rep, nil
}

package tian_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// neardupRow is one line of testdata/neardup.jsonl: an edited copy of a
// corpus proposal (kind "copy") or a same-topic pair that is not a copy
// (kind "topic").
type neardupRow struct {
	Kind     string   `json:"kind"`
	Degree   string   `json:"degree"`
	Relation string   `json:"relation"`
	Source   string   `json:"source"`
	Number   string   `json:"number"`
	Year     int      `json:"year"`
	Title    string   `json:"title"`
	Body     string   `json:"body"`
	Edits    []string `json:"edits"`
	A        string   `json:"a"`
	B        string   `json:"b"`
	Group    string   `json:"group"`
}

func readNeardup(tb testing.TB) []neardupRow {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "neardup.jsonl"))
	if err != nil {
		tb.Fatal(err)
	}
	var rows []neardupRow
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for line := 1; sc.Scan(); line++ {
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.DisallowUnknownFields()
		var r neardupRow
		if err := dec.Decode(&r); err != nil {
			tb.Fatalf("neardup.jsonl line %d: %v", line, err)
		}
		rows = append(rows, r)
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return rows
}

// shingleSet is the set of k-character shingles of s.
func shingleSet(s string, k int) map[string]bool {
	r := []rune(s)
	set := map[string]bool{}
	for i := 0; i+k <= len(r); i++ {
		set[string(r[i:i+k])] = true
	}
	return set
}

func jaccardSets(a, b map[string]bool) float64 {
	shared := 0
	for s := range a {
		if b[s] {
			shared++
		}
	}
	union := len(a) + len(b) - shared
	if union == 0 {
		return 0
	}
	return float64(shared) / float64(union)
}

// TestNeardupBenchmarkData checks the near-duplicate benchmark: its format,
// its counts, that it refers to the corpus and stays apart from the gold
// near-duplicates, and that the editing degrees are ordered by how much of
// the source's 5-character shingles a copy keeps.
func TestNeardupBenchmarkData(t *testing.T) {
	rows := readNeardup(t)
	ps := readCorpus(t)
	g := readGold(t)

	byNumber := map[string]int{}
	for i, p := range ps {
		byNumber[p.Number] = i
	}
	near, inNear := map[[2]string]bool{}, map[string]bool{}
	for _, p := range g.NearDuplicates {
		near[[2]string{p[0], p[1]}], near[[2]string{p[1], p[0]}] = true, true
		inNear[p[0]], inNear[p[1]] = true, true
	}
	groupsByLabel := map[string][]map[string]bool{}
	for _, gg := range g.Groups {
		m := map[string]bool{}
		for _, x := range gg.Members {
			m[x] = true
		}
		groupsByLabel[gg.Label] = append(groupsByLabel[gg.Label], m)
	}

	const k, rule = 5, 0.25 // today's near-duplicate rule: Jaccard of 5-character shingles
	numberRe := regexp.MustCompile(`^D[0-9]{3}$`)
	edits := map[string]bool{"synonyms": true, "reorder": true, "added": true, "removed": true, "title": true}
	degrees := []string{"light", "moderate", "heavy"}
	sum, count, caught := map[string]float64{}, map[string]int{}, map[string]int{}
	relations := map[string]int{}
	numbers, sources, topicPairs := map[string]bool{}, map[string]bool{}, map[[2]string]bool{}
	topicsCaught := 0

	for i, r := range rows {
		where := r.Number
		if where == "" {
			where = r.A + "/" + r.B
		}
		switch r.Kind {
		case "copy":
			if _, ok := map[string]bool{"light": true, "moderate": true, "heavy": true}[r.Degree]; !ok {
				t.Errorf("line %d %s: degree %q", i+1, where, r.Degree)
				continue
			}
			if r.Title == "" || r.Body == "" || len(r.Edits) == 0 {
				t.Errorf("line %d %s: title, body and edits are required", i+1, where)
			}
			for _, e := range r.Edits {
				if !edits[e] {
					t.Errorf("%s: unknown edit %q", where, e)
				}
			}
			if !numberRe.MatchString(r.Number) {
				t.Errorf("%s: number is not D and three digits", where)
			}
			if numbers[r.Number] {
				t.Errorf("%s: number used twice", where)
			}
			numbers[r.Number] = true
			if _, ok := byNumber[r.Number]; ok {
				t.Errorf("%s: number is a corpus proposal's", where)
			}
			si, ok := byNumber[r.Source]
			if !ok {
				t.Errorf("%s: source %s is not in the corpus", where, r.Source)
				continue
			}
			if sources[r.Source] {
				t.Errorf("%s: source %s used twice", where, r.Source)
			}
			sources[r.Source] = true
			if inNear[r.Source] {
				t.Errorf("%s: source %s is in a gold near-duplicate pair", where, r.Source)
			}
			src := ps[si]
			if r.Body == src.Body || r.Title == src.Title {
				t.Errorf("%s: body or title identical to its source %s", where, r.Source)
			}
			switch r.Relation {
			case "resubmission":
				if r.Year != src.Year+1 {
					t.Errorf("%s: a resubmission of %s (%d) is of %d", where, r.Source, src.Year, r.Year)
				}
			case "copy":
				if r.Year != src.Year {
					t.Errorf("%s: a copy of %s (%d) is of %d", where, r.Source, src.Year, r.Year)
				}
			default:
				t.Errorf("%s: relation %q", where, r.Relation)
			}
			relations[r.Relation]++
			j := jaccardSets(shingleSet(r.Body, k), shingleSet(src.Body, k))
			sum[r.Degree] += j
			count[r.Degree]++
			if j >= rule {
				caught[r.Degree]++
			}
		case "topic":
			ia, okA := byNumber[r.A]
			ib, okB := byNumber[r.B]
			if !okA || !okB || r.A == r.B {
				t.Errorf("line %d %s: topic members must be two corpus proposals", i+1, where)
				continue
			}
			if near[[2]string{r.A, r.B}] {
				t.Errorf("%s: a gold near-duplicate pair is not a topic pair", where)
			}
			key := [2]string{r.A, r.B}
			if r.B < r.A {
				key = [2]string{r.B, r.A}
			}
			if topicPairs[key] {
				t.Errorf("%s: topic pair listed twice", where)
			}
			topicPairs[key] = true
			same := false
			for _, m := range groupsByLabel[r.Group] {
				same = same || (m[r.A] && m[r.B])
			}
			if !same {
				t.Errorf("%s: not two members of one gold group %q", where, r.Group)
			}
			if jaccardSets(shingleSet(ps[ia].Body, k), shingleSet(ps[ib].Body, k)) >= rule {
				topicsCaught++
			}
		default:
			t.Errorf("line %d: kind %q", i+1, r.Kind)
		}
	}

	mean := map[string]float64{}
	for _, d := range degrees {
		if count[d] < 32 {
			t.Errorf("%d %s copies, want at least 32", count[d], d)
		}
		if count[d] > 0 {
			mean[d] = sum[d] / float64(count[d])
		}
		t.Logf("%-8s %d copies: mean 5-shingle Jaccard with the source %.3f; today's rule (>= %.2f) catches %d", d, count[d], mean[d], rule, caught[d])
	}
	t.Logf("relations: %d resubmissions, %d copies; %d topic pairs, %d of them at or above the rule", relations["resubmission"], relations["copy"], len(topicPairs), topicsCaught)
	if len(topicPairs) < 80 {
		t.Errorf("%d topic pairs, want at least 80", len(topicPairs))
	}
	if !(mean["light"] > mean["moderate"] && mean["moderate"] > mean["heavy"]) {
		t.Errorf("mean shingle Jaccard not ordered light > moderate > heavy: %.3f, %.3f, %.3f", mean["light"], mean["moderate"], mean["heavy"])
	}
}

package tian_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"tian"
	"tian/relate"
	"tian/segment"
)

func readCorpus(tb testing.TB) []tian.Proposal {
	tb.Helper()
	ps, err := tian.ReadDemo()
	if err != nil {
		tb.Fatal(err)
	}
	out := make([]tian.Proposal, len(ps))
	for i, p := range ps {
		out[i] = *p
	}
	return out
}

func readGold(tb testing.TB) *relate.Gold { return readGoldFile(tb, "gold.json") }

func readGoldFile(tb testing.TB, name string) *relate.Gold {
	tb.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	g, err := relate.ReadGold(f)
	if err != nil {
		tb.Fatalf("%s: %v", name, err)
	}
	return g
}

// readTSV reads a demo table into rows of named columns.
func readTSV(tb testing.TB, name string) []map[string]string {
	tb.Helper()
	b, err := fs.ReadFile(tian.DemoFS(), name)
	if err != nil {
		tb.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	header := strings.Split(lines[0], "\t")
	var rows []map[string]string
	for _, l := range lines[1:] {
		cells := strings.Split(l, "\t")
		row := map[string]string{}
		for i, h := range header {
			if i < len(cells) {
				row[h] = cells[i]
			}
		}
		rows = append(rows, row)
	}
	return rows
}

var sessions = map[int]string{2021: "十三届四次", 2022: "十三届五次", 2023: "十四届一次", 2024: "十四届二次", 2025: "十四届三次"}

// TestCorpusRecords checks every proposal against the corpus's rules.
func TestCorpusRecords(t *testing.T) {
	ps := readCorpus(t)
	if len(ps) < 1500 {
		t.Errorf("the corpus has %d proposals, want at least 1500", len(ps))
	}
	units := map[string]bool{}
	for _, r := range readTSV(t, tian.DemoUnits) {
		units[r["unit"]] = true
	}
	categories := map[string]int{}
	for _, r := range readTSV(t, tian.DemoCategories) {
		categories[r["name"]] = 0
	}
	byNumber := map[string]*tian.Proposal{}
	numberRe := regexp.MustCompile(`^(\d{4})\d{4}$`)
	for i := range ps {
		p := &ps[i]
		fail := func(format string, args ...any) { t.Errorf("%s: "+format, append([]any{p.Number}, args...)...) }
		if m := numberRe.FindStringSubmatch(p.Number); m == nil || m[1] != strconv.Itoa(p.Year) {
			fail("number does not start with the year %d", p.Year)
		}
		if byNumber[p.Number] != nil {
			fail("number used twice")
		}
		byNumber[p.Number] = p
		if sessions[p.Year] != p.Session {
			fail("year %d with session %q, want %q", p.Year, p.Session, sessions[p.Year])
		}
		if !strings.HasPrefix(p.Title, "关于") || !strings.HasSuffix(p.Title, "提案") {
			fail("title %q is not 关于……的提案", p.Title)
		}
		if n := utf8.RuneCountInString(p.Body); n < 150 || n > 600 {
			fail("body has %d characters, want 150–600", n)
		}
		if p.Proposer == "" || (p.ProposerType != tian.ProposerMember && p.ProposerType != tian.ProposerCollective) {
			fail("proposer %q of type %q", p.Proposer, p.ProposerType)
		}
		if _, ok := categories[p.Category]; !ok {
			fail("unknown category %q", p.Category)
		}
		for _, u := range p.Units() {
			if !units[u] {
				fail("unknown unit %q", u)
			}
		}
		for _, fp := range p.Check() {
			fail("%s: %s", fp.Field, fp.Message)
		}
		switch p.Status {
		case tian.StatusFiled:
			categories[p.Category]++
			if p.LeadUnit == "" {
				fail("filed without a lead unit")
			}
		case tian.StatusRejected:
			if p.StatusReason == "" || p.LeadUnit != "" || len(p.CoUnits) > 0 {
				fail("不予立案 needs a reason and no units")
			}
		case tian.StatusMerged:
			if p.MergedInto == "" {
				fail("并案 without merged_into")
			}
		default:
			fail("status %q", p.Status)
		}
	}
	for i := range ps {
		p := &ps[i]
		if p.Status != tian.StatusMerged {
			continue
		}
		target := byNumber[p.MergedInto]
		if target == nil || target.Status != tian.StatusFiled || target.Year != p.Year {
			t.Errorf("%s: merged into %s, which is not a filed proposal of %d", p.Number, p.MergedInto, p.Year)
		}
	}
	for c, n := range categories {
		if n < 120 {
			t.Errorf("category %s has %d filed proposals, want at least 120", c, n)
		}
	}
	t.Logf("%d proposals; filed per category: %v", len(ps), categories)
}

// TestCorpusGold checks the gold groups and near-duplicate pairs, and the
// blind revision of the groups by the same rules; the revision only adds
// (a few members moved out aside).
func TestCorpusGold(t *testing.T) {
	checkGold(t, readGold(t))
	revised := readGoldFile(t, "gold_revised.json")
	checkGold(t, revised)
	before := map[string]bool{}
	for _, grp := range readGold(t).Groups {
		for _, n := range grp.Members {
			before[n] = true
		}
	}
	kept := map[string]bool{}
	for _, grp := range revised.Groups {
		for _, n := range grp.Members {
			kept[n] = true
		}
	}
	dropped := 0
	for n := range before {
		if !kept[n] {
			dropped++
		}
	}
	if dropped > 5 || len(kept) <= len(before) {
		t.Errorf("the revision groups %d proposals (was %d) and leaves out %d of the original members", len(kept), len(before), dropped)
	}
}

func checkGold(t *testing.T, g *relate.Gold) {
	t.Helper()
	ps := readCorpus(t)
	byNumber := map[string]*tian.Proposal{}
	for i := range ps {
		byNumber[ps[i].Number] = &ps[i]
	}
	if len(g.Groups) < 80 {
		t.Errorf("%d gold groups, want at least 80", len(g.Groups))
	}
	if len(g.NearDuplicates) < 40 {
		t.Errorf("%d near-duplicate pairs, want at least 40", len(g.NearDuplicates))
	}
	inGroup := map[string]string{}
	for _, grp := range g.Groups {
		if n := len(grp.Members); n < 3 || n > 8 {
			t.Errorf("group %s %d has %d members, want 3–8", grp.Label, grp.Year, n)
		}
		for _, num := range grp.Members {
			p := byNumber[num]
			switch {
			case p == nil:
				t.Errorf("group %s: no proposal %s", grp.Label, num)
			case p.Year != grp.Year:
				t.Errorf("group %s %d: %s is of %d", grp.Label, grp.Year, num, p.Year)
			case inGroup[num] != "":
				t.Errorf("%s is in groups %s and %s", num, inGroup[num], grp.Label)
			case p.Status == tian.StatusRejected:
				t.Errorf("group %s: %s was not filed (不予立案)", grp.Label, num)
			}
			inGroup[num] = grp.Label
		}
	}
	for _, p := range ps {
		if p.Status == tian.StatusMerged && inGroup[p.Number] != "" && inGroup[p.Number] != inGroup[p.MergedInto] {
			t.Errorf("%s (并案 into %s) is in group %s, its target in %q", p.Number, p.MergedInto, inGroup[p.Number], inGroup[p.MergedInto])
		}
	}
	for _, pair := range g.NearDuplicates {
		if byNumber[pair[0]] == nil || byNumber[pair[1]] == nil || pair[0] == pair[1] {
			t.Errorf("near-duplicate pair %v: unknown or identical numbers", pair)
		}
	}
}

// TestCorpusIsWrittenNotGenerated fails when two proposals share a title
// or a body, or are as alike as a resubmission, without the gold saying
// they are near-duplicates; and when a gold pair is not in fact alike. It
// reports the vocabulary and the share of distinct sentences.
func TestCorpusIsWrittenNotGenerated(t *testing.T) {
	ps := readCorpus(t)
	g := readGold(t)
	near := map[[2]string]bool{}
	for _, p := range g.NearDuplicates {
		near[[2]string{p[0], p[1]}], near[[2]string{p[1], p[0]}] = true, true
	}
	titles, bodies := map[string]string{}, map[string]string{}
	for _, p := range ps {
		if other, ok := titles[p.Title]; ok && !near[[2]string{other, p.Number}] {
			t.Errorf("%s and %s share the title %q", other, p.Number, p.Title)
		}
		if other, ok := bodies[p.Body]; ok && !near[[2]string{other, p.Number}] {
			t.Errorf("%s and %s share a body", other, p.Number)
		}
		titles[p.Title], bodies[p.Body] = p.Number, p.Number
	}
	sim := shingleSimilarities(ps, 5, 0.3)
	idx := map[string]int{}
	for i, p := range ps {
		idx[p.Number] = i
	}
	for pair, j := range sim {
		a, b := ps[pair[0]].Number, ps[pair[1]].Number
		if j >= 0.5 && !near[[2]string{a, b}] {
			t.Errorf("%s and %s share %.0f%% of their 5-character shingles but are not gold near-duplicates", a, b, j*100)
		}
	}
	for _, p := range g.NearDuplicates {
		i, j := idx[p[0]], idx[p[1]]
		if i > j {
			i, j = j, i
		}
		if sim[[2]int{i, j}] < 0.3 {
			t.Errorf("gold near-duplicates %s and %s share only %.0f%% of their shingles", p[0], p[1], sim[[2]int{i, j}]*100)
		}
	}

	sentences, distinct := 0, map[string]bool{}
	splitter := regexp.MustCompile(`[。！？；\n]`)
	for _, p := range ps {
		for _, s := range splitter.Split(p.Body, -1) {
			if s = strings.TrimSpace(s); utf8.RuneCountInString(s) >= 6 {
				sentences++
				distinct[s] = true
			}
		}
	}
	share := float64(len(distinct)) / float64(sentences)
	seg, err := segment.New(segment.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	vocab := map[string]bool{}
	for _, p := range ps {
		for _, tok := range seg.Cut(p.Text(), tian.CutOptions{DropPunct: true}) {
			vocab[tok.Text] = true
		}
	}
	t.Logf("vocabulary %d words; %d of %d sentences distinct (%.1f%%)", len(vocab), len(distinct), sentences, share*100)
	if share < 0.9 {
		t.Errorf("only %.1f%% of sentences are distinct: the corpus repeats itself like a template", share*100)
	}
	if len(vocab) < 10000 {
		t.Errorf("vocabulary of %d words is too small for %d hand-written proposals", len(vocab), len(ps))
	}
}

// shingleSimilarities returns the Jaccard similarity of the k-character
// shingle sets of every pair of bodies at or above min, found through an
// inverted index rather than all pairs.
func shingleSimilarities(ps []tian.Proposal, k int, min float64) map[[2]int]float64 {
	sets := make([]map[string]bool, len(ps))
	posting := map[string][]int{}
	for i, p := range ps {
		r := []rune(p.Body)
		sets[i] = map[string]bool{}
		for j := 0; j+k <= len(r); j++ {
			s := string(r[j : j+k])
			if !sets[i][s] {
				sets[i][s] = true
				posting[s] = append(posting[s], i)
			}
		}
	}
	out := map[[2]int]float64{}
	for i := range ps {
		shared := map[int]int{}
		for s := range sets[i] {
			for _, j := range posting[s] {
				if j > i {
					shared[j]++
				}
			}
		}
		keys := make([]int, 0, len(shared))
		for j := range shared {
			keys = append(keys, j)
		}
		sort.Ints(keys)
		for _, j := range keys {
			jac := float64(shared[j]) / float64(len(sets[i])+len(sets[j])-shared[j])
			if jac >= min {
				out[[2]int{i, j}] = jac
			}
		}
	}
	return out
}

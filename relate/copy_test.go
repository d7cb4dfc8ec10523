package relate_test

import (
	"os"
	"strconv"
	"strings"
	"testing"

	"tian"
	"tian/relate"
	"tian/synth"
)

// An edited resubmission (synonyms, a clause reordered, a sentence
// added) is a copy, with its passages side by side; another member's
// proposal on the same problem is not.
func TestCopiesSurviveEditing(t *testing.T) {
	c := relate.NewCopyComparer(segmenter(t), relate.DefaultCopyParams())
	orig := tian.Proposal{Title: "关于治理城南区黑臭水体的提案",
		Body: "城南区几条排水渠夏季发黑发臭，周边居民反映强烈。主要原因是雨污管网混接，生活污水直排入渠。" +
			"建议：一是开展雨污混接排查，限期整改；二是对排水渠实施清淤和生态修复；三是建立河长巡查和水质公示制度。"}
	edited := tian.Proposal{Title: "关于加快整治城南区黑臭排水渠的提案",
		Body: "每到夏季，城南区的几条排水渠就发黑发臭，附近居民意见很大。究其原因，主要是雨水管和污水管混接，生活污水直接排进渠里。" +
			"去年市里虽然清过一次淤，但治标不治本。" +
			"建议：一是对排水渠进行清淤并开展生态修复；二是全面排查雨污混接问题，限期整改到位；三是建立河长定期巡查和水质公示制度。"}
	other := tian.Proposal{Title: "关于加强城东区河道水环境治理的提案",
		Body: "城东区玉带河部分河段水质较差，沿岸有餐饮店违规排放油污。建议环保部门加强执法检查，推动沿河商户安装油水分离设施，并在河道两侧建设生态缓冲带。"}
	ev, copied := c.Compare(orig.Title, orig.Body, edited.Title, edited.Body)
	if !copied {
		t.Fatalf("an edited resubmission is not a copy: covers %.2f / %.2f", ev.CoverA, ev.CoverB)
	}
	found := false
	for _, p := range ev.Pairs {
		if p.A == "城南区几条排水渠夏季发黑发臭" && p.B == "城南区的几条排水渠就发黑发臭" && p.Similarity >= 0.5 && p.Similarity < 1 {
			found = true
		}
	}
	if !found {
		t.Errorf("the reworded first clause is not among the aligned passages: %+v", ev.Pairs)
	}
	if ev, copied := c.Compare(orig.Title, orig.Body, other.Title, other.Body); copied {
		t.Errorf("another proposal on water pollution is a copy: covers %.2f / %.2f, %+v", ev.CoverA, ev.CoverB, ev.Pairs)
	}
	if _, copied := c.Compare("", "", orig.Title, orig.Body); copied {
		t.Error("an empty text is a copy")
	}
	if _, copied := c.Compare("！！！", "。。。，，，", "???", "..."); copied {
		t.Error("punctuation is a copy of punctuation")
	}
}

// The copies benchmark (testdata/neardup.jsonl): on the test half (odd
// copies, every other same-topic pair; the dev half chose the
// parameters) and on all of it, tian catches light and moderate edits
// (≥ 0.95), heavy ones (≥ 0.8) and flags no more than 5% same-topic
// pairs, ahead of the 5-shingle rule it replaced on heavy edits.
func TestCopiesBenchmark(t *testing.T) {
	f, err := os.Open("../testdata/neardup.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	lines, err := relate.ReadCopyBench(f)
	if err != nil {
		t.Fatal(err)
	}
	ps, err := tian.ReadDemo()
	if err != nil {
		t.Fatal(err)
	}
	corpus := map[string]*tian.Proposal{}
	for _, p := range ps {
		corpus[p.Number] = p
	}
	test := func(i int, l relate.CopyBenchLine) bool {
		if l.Kind == "copy" {
			return (l.Number[len(l.Number)-1]-'0')%2 == 1
		}
		return i%2 == 1
	}
	det := relate.NewCopyComparer(segmenter(t), relate.DefaultCopyParams()).Detectors()
	for _, split := range []struct {
		name string
		keep func(int, relate.CopyBenchLine) bool
	}{{"test half", test}, {"all", nil}, {"dev half", func(i int, l relate.CopyBenchLine) bool { return !test(i, l) }}} {
		var heavy [2]float64
		for k, d := range det {
			rep, err := relate.EvalCopyBench(d, lines, corpus, split.keep)
			if err != nil {
				t.Fatal(err)
			}
			var parts []string
			for _, r := range rep.Recall {
				parts = append(parts, r.Degree+" "+strings.TrimRight(strings.TrimRight(ftoa(r.Recall), "0"), ".")+" ("+itoa(r.Caught)+"/"+itoa(r.Total)+")")
				if r.Degree == "heavy" {
					heavy[k] = r.Recall
				}
				if k == 0 && (r.Degree == "heavy" && r.Recall < 0.8 || r.Degree != "heavy" && r.Recall < 0.95) {
					t.Errorf("%s, %s: recall of %s edits %.3f", split.name, d.Name, r.Degree, r.Recall)
				}
			}
			t.Logf("%s, %s: recall %s; precision %.3f (%d of %d same-topic pairs flagged)", split.name, d.Name, strings.Join(parts, ", "), rep.Precision, rep.Flagged, rep.Topic)
			if k == 0 && (rep.Precision < 0.95 || len(rep.Recall) != 3) {
				t.Errorf("%s, %s: precision %.3f over %d degrees", split.name, d.Name, rep.Precision, len(rep.Recall))
			}
		}
		if heavy[0] <= heavy[1] {
			t.Errorf("%s: heavy edits caught %.3f by tian, %.3f by the shingle rule", split.name, heavy[0], heavy[1])
		}
	}
}

func ftoa(x float64) string { return strconv.FormatFloat(x, 'f', 3, 64) }
func itoa(n int) string     { return strconv.Itoa(n) }

// A year's proposals with copies slipped in: FindCopies finds the copies
// the pairwise comparison finds, and no other pair.
func TestFindCopiesMatchesPairwise(t *testing.T) {
	ps, err := tian.ReadDemo()
	if err != nil {
		t.Fatal(err)
	}
	// the proposals of 2023–2024 in the gold's copies, and every fortieth
	// other one (the pairwise comparison of all 685 takes minutes)
	f, err := os.Open("../testdata/gold.json")
	if err != nil {
		t.Fatal(err)
	}
	gold, err := relate.ReadGold(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	inGold := map[string]bool{}
	for _, pr := range gold.NearDuplicates {
		inGold[pr[0]], inGold[pr[1]] = true, true
	}
	var year []*tian.Proposal
	for i, p := range ps {
		if (p.Year == 2024 || p.Year == 2023) && (inGold[p.Number] || i%40 == 0) {
			year = append(year, p)
		}
	}
	c := relate.NewCopyComparer(segmenter(t), relate.DefaultCopyParams())
	found := map[[2]int]bool{}
	for _, cp := range c.FindCopies(year) {
		found[[2]int{cp.A, cp.B}] = true
	}
	want := 0
	for i := range year {
		for j := i + 1; j < len(year); j++ {
			if _, is := c.Compare(year[i].Title, year[i].Body, year[j].Title, year[j].Body); is {
				want++
				if !found[[2]int{i, j}] {
					t.Errorf("%s and %s repeat each other, FindCopies misses them", year[i].Number, year[j].Number)
				}
			}
		}
	}
	if len(found) != want || want == 0 {
		t.Errorf("FindCopies found %d pairs, the pairwise comparison %d", len(found), want)
	}
	t.Logf("%d proposals of 2023–2024: %d pairs repeat each other", len(year), want)
	if want < 10 {
		t.Errorf("only %d pairs repeat each other: the sample lost the gold's copies", want)
	}
}

// BenchmarkFindCopiesYear is the office's 查重 of a year of 700 proposals
// (the corpus recombined), all pairs.
func BenchmarkFindCopiesYear(b *testing.B) {
	ps, err := tian.ReadDemo()
	if err != nil {
		b.Fatal(err)
	}
	g := synth.New(ps, 3)
	year := make([]*tian.Proposal, 700)
	for i := range year {
		p := g.Proposal(i)
		year[i] = &p
	}
	c := relate.NewCopyComparer(segmenter(b), relate.DefaultCopyParams())
	b.ResetTimer()
	for b.Loop() {
		c.FindCopies(year)
	}
}

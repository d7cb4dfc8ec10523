package relate

import (
	"bufio"
	"encoding/json"
	"os"
	"strconv"
	"strings"

	"tian"
)

// Scorer scores pairs of free texts with text-pair features (textsim.go)
// weighed by a model fitted on sentence pairs, with document frequencies
// counted over a corpus: for measuring similarity on sentence-pair sets
// without building an index.
type Scorer struct {
	seg    tian.Segmenter
	stats  *textStats
	views  map[string]*textView
	params Params
	model  textModel
}

// NewScorer counts document frequencies over corpus. Of p only
// NearDuplicate counts.
func NewScorer(seg tian.Segmenter, corpus []string, p Params) *Scorer {
	s := &Scorer{seg: seg, stats: newTextStats(), views: map[string]*textView{}, params: p, model: defaultTextModel}
	for _, text := range corpus {
		v := s.view(text)
		s.views[text] = v
		s.stats.add(v)
	}
	return s
}

// view returns the features' view of a text, kept for the corpus's texts.
func (s *Scorer) view(text string) *textView {
	if v, ok := s.views[text]; ok {
		return v
	}
	return newTextView(s.seg, text)
}

// Score returns the similarity of a and b in [0,1], judged by meaning,
// and whether they are near-duplicates: the Jaccard similarity of their
// character 5-grams is at least Params.NearDuplicate.
func (s *Scorer) Score(a, b string) (float64, bool) {
	return s.ScoreBy(a, b, ByMeaning)
}

// ScoreBy is Score with the similarity judged by j.
func (s *Scorer) ScoreBy(a, b string, j Judgement) (float64, bool) {
	va, vb := s.view(a), s.view(b)
	f := textFeatures(va, vb, s.stats)
	score := s.model.score(f)
	if j == ByTopic {
		score = topicScore(f)
	}
	return score, dupJaccard(va, vb) >= s.params.NearDuplicate
}

// Judgement is what people judged a pair of texts by.
type Judgement int

const (
	// ByMeaning asks whether two texts say the same thing, as STS-B's
	// 0–5 scale does.
	ByMeaning Judgement = iota
	// ByTopic asks whether two texts are about the same topic or event,
	// as SOHU's text matching does and as proposals for joint consultation
	// are grouped.
	ByTopic
)

// Pair is two texts with a human similarity judgement.
type Pair struct {
	A, B  string
	Score float64
	By    Judgement
}

// ReadSTSB reads STS-B lines: s1<TAB>s2<TAB>score.
func ReadSTSB(path string) ([]Pair, error) {
	var out []Pair
	err := eachLine(path, func(line string) {
		parts := strings.Split(line, "\t")
		if len(parts) == 3 {
			if s, err := strconv.ParseFloat(parts[2], 64); err == nil {
				out = append(out, Pair{parts[0], parts[1], s, ByMeaning})
			}
		}
	})
	return out, err
}

// ReadSOHU reads SOHU text-matching JSON lines: sentence1, sentence2,
// label; its pairs are judged ByTopic (the same event or topic).
func ReadSOHU(path string) ([]Pair, error) {
	var out []Pair
	err := eachLine(path, func(line string) {
		var r struct {
			S1    string  `json:"sentence1"`
			S2    string  `json:"sentence2"`
			Label float64 `json:"label"`
		}
		if json.Unmarshal([]byte(line), &r) == nil {
			out = append(out, Pair{r.S1, r.S2, r.Label, ByTopic})
		}
	})
	return out, err
}

func eachLine(path string, fn func(string)) error {
	f, err := os.Open(path)
	if err != nil {
		return tian.Errorf(tian.EINVALID, "%v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), 1<<24)
	for sc.Scan() {
		fn(sc.Text())
	}
	return sc.Err()
}

// SpearmanOn scores every pair, by the judgement it was given, with a
// Scorer whose document frequencies come from the pairs' own texts (no
// labels) and returns the Spearman correlation with the judgements.
func SpearmanOn(seg tian.Segmenter, pairs []Pair, p Params) float64 {
	var corpus []string
	for _, x := range pairs {
		corpus = append(corpus, x.A, x.B)
	}
	sc := NewScorer(seg, corpus, p)
	got, want := make([]float64, len(pairs)), make([]float64, len(pairs))
	for i, x := range pairs {
		got[i], _ = sc.ScoreBy(x.A, x.B, x.By)
		want[i] = x.Score
	}
	return Spearman(got, want)
}

package classify_test

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"tian/internal/shareddata"
	"tian/internal/slowtest"

	"tian/classify"
	"tian/segment"
)

var sharedSeg = sync.OnceValues(func() (*segment.Segmenter, error) { return segment.New(segment.DefaultConfig()) })

func seg(tb testing.TB) *segment.Segmenter {
	tb.Helper()
	s, err := sharedSeg()
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

func readTitles(tb testing.TB, path string) []classify.Doc {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var docs []classify.Doc
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		text, label, ok := strings.Cut(sc.Text(), "\t")
		if ok {
			docs = append(docs, classify.Doc{Title: text, Label: label})
		}
	}
	return docs
}

// THUCNews titles, trained on dev and tested on test: a generic benchmark
// with peers measured on the same split (../shared/data/README.md).
func TestTHUCNews(t *testing.T) {
	slowtest.Gate(t)
	dir := shareddata.Path(t, "thucnews-titles")
	train := readTitles(t, filepath.Join(dir, "dev.txt"))
	test := readTitles(t, filepath.Join(dir, "test.txt"))
	t0 := time.Now()
	m, err := classify.Train(seg(t), train, classify.DefaultCategoryConfig())
	if err != nil {
		t.Fatal(err)
	}
	took := time.Since(t0)
	r := classify.Evaluate(m, test)
	t.Logf("THUCNews titles: accuracy %.3f, macro-F1 %.3f, ECE %.3f; %.0f%% confident at %.2f, %.3f right; trained in %s; %.0f docs/s end to end",
		r.Accuracy, r.MacroF1, r.ECE, r.Coverage*100, m.Threshold, r.Precision, took.Round(time.Millisecond), r.DocsPerSecond)
	t.Logf("chosen by cross-validation on dev: %s", r.Chosen[0])
	if r.MacroF1 < 0.875 {
		t.Errorf("macro-F1 %.3f is below the strongest classical peer's 0.875 on the same split (TF-IDF words 1–2 + characters 1–3, LinearSVC)", r.MacroF1)
	}
	if r.ECE > 0.03 {
		t.Errorf("calibration error %.3f", r.ECE)
	}
}

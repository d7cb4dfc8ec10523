package segment_test

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"tian/internal/shareddata"
	"tian/internal/slowtest"

	"github.com/go-ego/gse"

	"tian"
)

// prf accumulates word-span precision and recall over lines, the SIGHAN
// 2005 bakeoff's measure: a word counts as right when both its ends match
// a gold word's ends.
type prf struct{ gold, got, right int }

func (p *prf) add(gold, got []string) {
	gs, ps := spans(gold), spans(got)
	p.gold += len(gs)
	p.got += len(ps)
	for sp := range ps {
		if gs[sp] {
			p.right++
		}
	}
}

func (p prf) scores() (precision, recall, f1 float64) {
	precision = float64(p.right) / float64(p.got)
	recall = float64(p.right) / float64(p.gold)
	return precision, recall, 2 * precision * recall / (precision + recall)
}

// spans returns the rune spans of words laid end to end.
func spans(words []string) map[[2]int]bool {
	out := make(map[[2]int]bool, len(words))
	pos := 0
	for _, w := range words {
		n := utf8.RuneCountInString(w)
		out[[2]int{pos, pos + n}] = true
		pos += n
	}
	return out
}

// scoreSighan cuts every test line with cut and scores it against gold.
func scoreSighan(tb testing.TB, dir, set string, cut func(line string) []string) prf {
	tb.Helper()
	raw := readLines(tb, filepath.Join(dir, set+"_test.utf8"))
	gold := readLines(tb, filepath.Join(dir, set+"_test_gold.utf8"))
	if len(raw) != len(gold) {
		tb.Fatalf("%s: %d test lines but %d gold lines", set, len(raw), len(gold))
	}
	var p prf
	for i, line := range raw {
		p.add(strings.Fields(gold[i]), cut(line))
	}
	return p
}

func readLines(tb testing.TB, path string) []string {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<16), 1<<22)
	for sc.Scan() {
		lines = append(lines, strings.TrimRight(sc.Text(), "\r"))
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return lines
}

// cutOriginal cuts a line with tian's segmenter and returns the words as
// spans of the original line (normalisation changes widths, not spans).
func cutOriginal(line string) []string {
	s := sharedOrPanic()
	toks := s.Cut(line, tian.CutOptions{Mode: tian.ModeExact})
	out := make([]string, 0, len(toks))
	for _, t := range toks {
		if w := strings.TrimSpace(line[t.Start:t.End]); w != "" {
			out = append(out, w)
		}
	}
	return out
}

func sharedOrPanic() interface {
	Cut(string, tian.CutOptions) []tian.Token
} {
	s, err := shared()
	if err != nil {
		panic(err)
	}
	return s
}

// pkuFloor is gse's own F1 on the PKU test set with the zh_s dictionary in
// its default mode (../shared/data/README.md): the domain dictionary and
// normalisation must not make general text worse than that.
const pkuFloor = 0.833

func TestSighanPKUAndMSR(t *testing.T) {
	slowtest.Gate(t)
	dir := shareddata.Path(t, "sighan2005")
	defaultSegmenter(t)
	var plain gse.Segmenter
	plain.SkipLog = true
	if err := plain.LoadDictEmbed("zh_s"); err != nil {
		t.Fatal(err)
	}
	for _, set := range []string{"pku", "msr"} {
		ours := scoreSighan(t, dir, set, cutOriginal)
		base := scoreSighan(t, dir, set, func(line string) []string { return plain.Cut(line) })
		p, r, f := ours.scores()
		_, _, bf := base.scores()
		t.Logf("%s: tian P %.4f R %.4f F1 %.4f; gse zh_s default mode F1 %.4f", set, p, r, f, bf)
		if set == "pku" && f < pkuFloor {
			t.Errorf("PKU F1 %.4f is below gse's own %.3f: the domain dictionary or normalisation hurts general text", f, pkuFloor)
		}
	}
}

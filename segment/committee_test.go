package segment_test

import (
	"slices"
	"strings"
	"sync"
	"testing"

	"tian"
	"tian/segment"
)

// New policy words that zh_s and the domain dictionary split, as a
// committee meets them in a year's proposals.
var committeeWords = []string{"首发经济", "两重两新", "带押过户"}

// The swap's mechanics are tested on a segmenter without zh_s, which
// builds in milliseconds where the full one takes a second (ten under
// -race); the office and index tests swap the full one.
func smallSegmenter(t *testing.T) *segment.Segmenter {
	t.Helper()
	s, err := segment.New(segment.Config{NoBase: true})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestCommitteeWordsAreCutWholeAfterTheSwap(t *testing.T) {
	s := smallSegmenter(t)
	text := "关于大力发展首发经济、落实两重两新政策和推广二手房带押过户的建议"
	before := words(s.Cut(text, tian.CutOptions{}))
	for _, w := range committeeWords {
		if slices.Contains(before, w) {
			t.Fatalf("%s is already a word before the committee adds it: %v (pick a word the dictionaries split)", w, before)
		}
		if s.Known(w) {
			t.Errorf("Known(%s) before the swap", w)
		}
	}
	if _, v := s.Committee(); v != "" {
		t.Errorf("a new segmenter's committee version = %q, want none", v)
	}
	if err := s.SetCommitteeWords(committeeWords); err != nil {
		t.Fatal(err)
	}
	after := words(s.Cut(text, tian.CutOptions{}))
	for _, w := range committeeWords {
		if !slices.Contains(after, w) {
			t.Errorf("%s not cut whole after the swap: %v", w, after)
		}
		if !s.Known(w) {
			t.Errorf("Known(%s) after the swap = false", w)
		}
	}
	// the rest of the sentence is cut as before
	for _, w := range []string{"大力", "发展", "政策", "二手房"} {
		if slices.Contains(before, w) && !slices.Contains(after, w) {
			t.Errorf("%s lost by the swap: %v → %v", w, before, after)
		}
	}
	got, v := s.Committee()
	if v != segment.CommitteeVersion([]string{"带押过户", "首发经济", "两重两新", "首发经济"}) || len(got) != 3 {
		t.Errorf("Committee() = %v %q: the version names the distinct words, in any order", got, v)
	}
	// taking the words away restores the old cut
	if err := s.SetCommitteeWords(nil); err != nil {
		t.Fatal(err)
	}
	if again := words(s.Cut(text, tian.CutOptions{})); !slices.Equal(again, before) {
		t.Errorf("after removing the committee words: %v, want %v", again, before)
	}
}

func TestCommitteeVersionNamesTheSet(t *testing.T) {
	a := segment.CommitteeVersion([]string{"首发经济", "保交楼"})
	if a == "" || a != segment.CommitteeVersion([]string{"保交楼", "首发经济", "保交楼"}) {
		t.Errorf("version depends on order or repeats: %q", a)
	}
	if b := segment.CommitteeVersion([]string{"首发经济", "保交房"}); b == a {
		t.Errorf("two sets share the version %q", a)
	}
	if v := segment.CommitteeVersion(nil); v != "" {
		t.Errorf("the empty set's version = %q", v)
	}
	if !strings.HasPrefix(a, "2-") {
		t.Errorf("version %q does not start with the number of words", a)
	}
}

// Cuts in flight during a swap finish on one dictionary or the other,
// never on a mix, and never race (run with -race).
func TestCutDuringSwap(t *testing.T) {
	s := smallSegmenter(t)
	text := "建议支持首发经济，打造首店首发集聚区"
	old := strings.Join(words(s.Cut(text, tian.CutOptions{})), "/")
	var wg sync.WaitGroup
	stop := make(chan struct{})
	bad := make(chan string, 1)
	for range 2 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				got := strings.Join(words(s.Cut(text, tian.CutOptions{})), "/")
				if got != old && !strings.Contains(got, "首发经济") {
					select {
					case bad <- got:
					default:
					}
				}
			}
		})
	}
	for i := range 60 {
		ws := [][]string{{"首发经济"}, nil, {"首发经济", "首店"}}[i%3]
		if err := s.SetCommitteeWords(ws); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
	select {
	case got := <-bad:
		t.Errorf("a cut during the swap gave %s: neither the old cut %s nor one with 首发经济", got, old)
	default:
	}
}

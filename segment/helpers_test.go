package segment_test

import (
	"sync"
	"testing"

	"tian"
	"tian/segment"
)

// The default segmenter takes most of a second and a few hundred MB to
// load, so the tests of this package share one.
var shared = sync.OnceValues(func() (*segment.Segmenter, error) {
	return segment.New(segment.DefaultConfig())
})

func defaultSegmenter(tb testing.TB) *segment.Segmenter {
	tb.Helper()
	s, err := shared()
	if err != nil {
		tb.Fatalf("loading the default segmenter: %v", err)
	}
	return s
}

// words returns the texts of toks, without whitespace tokens.
func words(toks []tian.Token) []string {
	out := make([]string, 0, len(toks))
	for _, t := range toks {
		if t.Text != " " {
			out = append(out, t.Text)
		}
	}
	return out
}

package vocab_test

import (
	"context"
	"testing"

	"tian/vocab"
)

// BenchmarkDiscoverDemo runs discovery over the whole demo corpus (1,570
// proposals, about 2 MB) with the default segmenter's lookup.
func BenchmarkDiscoverDemo(b *testing.B) {
	texts := corpusTexts(b)
	seg := defaultSegmenter(b)
	size := 0
	for _, t := range texts {
		size += len(t)
	}
	b.SetBytes(int64(size))
	b.ResetTimer()
	for b.Loop() {
		if _, err := vocab.Discover(context.Background(), texts, seg.Known, vocab.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

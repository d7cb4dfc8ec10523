package segment

import (
	"sync/atomic"

	"tian"
)

// Live is a tian.Segmenter whose dictionaries can be replaced while it
// serves: build a new Segmenter (gse's dictionary must not change while
// another goroutine cuts) and Swap it in. Calls in flight finish on the
// Segmenter they started with.
type Live struct {
	cur atomic.Pointer[Segmenter]
}

var _ tian.Segmenter = (*Live)(nil)

// NewLive returns a Live serving s.
func NewLive(s *Segmenter) *Live {
	l := &Live{}
	l.cur.Store(s)
	return l
}

// Swap makes s the serving Segmenter and returns the previous one.
func (l *Live) Swap(s *Segmenter) *Segmenter { return l.cur.Swap(s) }

// Current returns the serving Segmenter.
func (l *Live) Current() *Segmenter { return l.cur.Load() }

// Normalize implements tian.Segmenter.
func (l *Live) Normalize(text string) string { return l.Current().Normalize(text) }

// Cut implements tian.Segmenter.
func (l *Live) Cut(text string, opt tian.CutOptions) []tian.Token {
	return l.Current().Cut(text, opt)
}

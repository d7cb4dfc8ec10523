package office

import (
	"context"
	"io/fs"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"tian"
	"tian/models"
	"tian/segment"
	"tian/vocab"
)

// domainTerms returns the entries of the embedded domain dictionary.
var domainTerms = sync.OnceValue(func() []string {
	dict, err := fs.ReadFile(models.FS(), models.DomainDict)
	if err != nil {
		return nil
	}
	return vocab.Entries(dict)
})

var _ tian.Vocabulary = (*Office)(nil)

// vocabState is the progress of bringing the committee's words into
// force: one run at a time, its progress readable while it runs.
type vocabState struct {
	mu       sync.Mutex // one SyncVocabulary at a time
	applying atomic.Bool
	done     atomic.Int64
	total    atomic.Int64
	err      atomic.Pointer[string]
	wake     chan struct{} // a decision was stored
}

// Limits of a word suggestion.
const (
	defaultWordLimit = 100
	maxWordLimit     = 500
	wordExamples     = 3
)

// SuggestWords runs new-word discovery over the proposals of a year (or
// all) and returns the candidates no dictionary holds and staff have not
// decided on, strongest first, each with examples and the cut the
// segmenter makes of it today.
func (o *Office) SuggestWords(ctx context.Context, req tian.WordSuggestRequest) (*tian.WordSuggestions, error) {
	start := time.Now()
	if req.Limit == 0 {
		req.Limit = defaultWordLimit
	}
	if req.Limit < 1 || req.Limit > maxWordLimit {
		return nil, tian.Errorf(tian.EINVALID, "候选词数量应为1—%d，收到 %d", maxWordLimit, req.Limit)
	}
	if req.Year != 0 && (req.Year < 1949 || req.Year > 2100) {
		return nil, tian.Errorf(tian.EINVALID, "年度 %d 不在1949—2100之间", req.Year)
	}
	if o.seg == nil {
		return nil, tian.Errorf(tian.EUNAVAILABLE, "分词器尚未载入")
	}
	ps, err := o.store.Proposals(ctx, tian.ProposalFilter{Year: req.Year})
	if err != nil {
		return nil, err
	}
	decided, err := o.store.Words(ctx)
	if err != nil {
		return nil, err
	}
	skip := make(map[string]bool, len(decided))
	for _, w := range decided {
		skip[w.Word] = true
	}
	texts := make([]string, len(ps))
	for i, p := range ps {
		texts[i] = p.Title + "\n" + p.Body
	}
	known := func(w string) bool { return skip[w] || o.seg.Known(w) }
	opt := vocab.DefaultOptions()
	opt.Limit, opt.Examples = req.Limit, wordExamples
	// the domain dictionary and the committee's accepted words teach
	// discovery what the committee's terms look like
	opt.Lexicon = slices.Concat(domainTerms(), tian.AcceptedWords(decided))
	cands, err := vocab.Discover(ctx, texts, known, opt)
	if err != nil {
		return nil, err
	}
	out := &tian.WordSuggestions{Year: req.Year, Proposals: len(ps), Candidates: make([]tian.WordCandidate, 0, len(cands))}
	for _, c := range cands {
		out.Candidates = append(out.Candidates, tian.WordCandidate{Word: c.Word, Freq: c.Freq, Docs: c.Docs, Score: c.Score,
			Cohesion: c.Cohesion, LeftEntropy: c.LeftEntropy, RightEntropy: c.RightEntropy,
			Examples: append([]string{}, c.Examples...), Cut: o.cutOf(c.Word)})
	}
	out.TookMS = time.Since(start).Milliseconds()
	return out, nil
}

// cutOf is how the segmenter cuts a word today, its pieces spaced.
func (o *Office) cutOf(word string) string {
	toks := o.seg.Cut(word, tian.CutOptions{})
	parts := make([]string, len(toks))
	for i, t := range toks {
		parts[i] = t.Text
	}
	return strings.Join(parts, " ")
}

// Words returns staff's decisions on the committee's dictionary.
func (o *Office) Words(ctx context.Context) ([]tian.Word, error) { return o.store.Words(ctx) }

// DecideWords stores decisions and wakes KeepVocabulary to bring them
// into force; SyncVocabulary does it at once.
func (o *Office) DecideWords(ctx context.Context, words []tian.Word, actor string) ([]tian.Word, error) {
	if err := o.CheckSpace(0); err != nil {
		return nil, err
	}
	out, err := o.store.DecideWords(ctx, words, actor)
	if err != nil {
		return nil, err
	}
	o.nudgeVocabulary()
	return out, nil
}

// ForgetWord removes a decision and wakes KeepVocabulary.
func (o *Office) ForgetWord(ctx context.Context, word, actor string) error {
	if err := o.CheckSpace(0); err != nil {
		return err
	}
	if err := o.store.ForgetWord(ctx, word, actor); err != nil {
		return err
	}
	o.nudgeVocabulary()
	return nil
}

func (o *Office) nudgeVocabulary() {
	select {
	case o.vocab.wake <- struct{}{}:
	default:
	}
}

// AcceptedWords returns the committee's accepted words as stored.
func (o *Office) AcceptedWords(ctx context.Context) ([]string, error) {
	ws, err := o.store.Words(ctx)
	if err != nil {
		return nil, err
	}
	return tian.AcceptedWords(ws), nil
}

// SyncVocabulary brings the accepted words into force: the segmenter
// swaps to a dictionary holding them (while requests go on), then the
// index analyses every proposal again unless it already was with these
// words. A run stopped midway is repeated in full by the next call, so
// calling it at start recovers from a crash during a run.
func (o *Office) SyncVocabulary(ctx context.Context) error {
	o.vocab.mu.Lock()
	defer o.vocab.mu.Unlock()
	err := o.syncVocabulary(ctx)
	msg := ""
	if err != nil {
		msg = tian.ErrorMessage(err)
	}
	o.vocab.err.Store(&msg)
	return err
}

func (o *Office) syncVocabulary(ctx context.Context) error {
	words, err := o.AcceptedWords(ctx)
	if err != nil {
		return err
	}
	version := segment.CommitteeVersion(words)
	stale, behind := false, false // the segmenter's words; the index's
	if o.seg != nil {
		_, v := o.seg.Committee()
		stale = v != version
	}
	if o.index != nil {
		v, err := o.index.Vocabulary()
		if err != nil {
			return err
		}
		behind = v != version
	}
	if !stale && !behind {
		return nil
	}
	// applying from the start: building the segmenter takes a second
	o.vocab.applying.Store(true)
	o.vocab.done.Store(0)
	o.vocab.total.Store(0)
	defer o.vocab.applying.Store(false)
	if stale {
		if err := o.seg.SetCommitteeWords(words); err != nil {
			return err
		}
	}
	if !behind {
		return nil
	}
	// changes written meanwhile are indexed with the new cut as well
	if _, err := o.index.CatchUp(ctx); err != nil {
		return err
	}
	return o.index.Reanalyse(ctx, version, func(done, total int) {
		o.vocab.done.Store(int64(done))
		o.vocab.total.Store(int64(total))
	})
}

// KeepVocabulary brings the committee's words into force at once, then
// whenever a decision is stored through this office and every so often
// (a decision stored by another process), until ctx ends.
func (o *Office) KeepVocabulary(ctx context.Context, logger *slog.Logger, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if err := o.SyncVocabulary(ctx); err != nil && ctx.Err() == nil {
			logger.Warn("committee words not yet in force", "err", err.Error())
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-o.vocab.wake:
		}
	}
}

// VocabularyStatus says which version of the committee's words is stored
// and which the segmenter and the index use, and how far a run is.
func (o *Office) VocabularyStatus(ctx context.Context) tian.VocabularyStatus {
	st := tian.VocabularyStatus{Applying: o.vocab.applying.Load(), Done: int(o.vocab.done.Load()), Total: int(o.vocab.total.Load())}
	if e := o.vocab.err.Load(); e != nil {
		st.Error = *e
	}
	words, err := o.AcceptedWords(ctx)
	if err != nil {
		st.Error = tian.ErrorMessage(err)
	}
	st.Accepted, st.Version = len(words), segment.CommitteeVersion(words)
	if o.seg != nil {
		_, st.Segmenter = o.seg.Committee()
	}
	if o.index != nil {
		if v, err := o.index.Vocabulary(); err == nil {
			st.Index = v
		}
	}
	return st
}

package vocab

import (
	"bytes"
	"context"
	"io/fs"

	"tian"
	"tian/models"
	"tian/segment"
)

// Ablation is how discovery is measured: the domain dictionary's terms
// that occur often in a corpus are removed, and discovery over the corpus
// should find them again.
type Ablation struct {
	// Removed are the domain terms that occur as words at least the
	// asked number of times: the full segmenter cuts them out as tokens
	// that often (a term seen only inside a longer term, 特新 inside
	// 专精特新, does not occur as a word and stays).
	Removed []string
	// StillKnown counts the removed terms the base dictionary holds
	// anyway: no longer new, so not targets.
	StillKnown int
	// Targets are the other removed terms, normalised as candidates are.
	Targets map[string]bool
	// Lexicon is the ablated domain dictionary's entries, the lexicon of
	// Options.
	Lexicon []string
	// Segmenter is the default segmenter without the removed terms.
	Segmenter *segment.Segmenter
}

// Ablate removes from the embedded domain dictionary the terms that full
// (the default segmenter) cuts out of texts as words at least min times,
// and builds the segmenter without them.
func Ablate(full *segment.Segmenter, texts []string, min int) (*Ablation, error) {
	if min < 1 {
		return nil, invalid("去掉的词至少应出现 1 次，收到 %d", min)
	}
	tokens := make(map[string]int)
	for _, t := range texts {
		for _, tok := range full.Cut(t, tian.CutOptions{}) {
			tokens[tok.Text]++
		}
	}
	domain, err := fs.ReadFile(models.FS(), models.DomainDict)
	if err != nil {
		return nil, err
	}
	kept, removed := removeFrequent(domain, func(w string) int { return tokens[full.Normalize(w)] }, min)
	dict, err := segment.ParseDictionary("领域词典（去掉常见词后）", bytes.NewReader(kept))
	if err != nil {
		return nil, err
	}
	seg, err := segment.New(segment.Config{NoDomain: true, User: []*segment.Dictionary{dict}})
	if err != nil {
		return nil, err
	}
	a := &Ablation{Removed: removed, Targets: make(map[string]bool), Lexicon: Entries(kept), Segmenter: seg}
	for _, w := range removed {
		if seg.Known(w) {
			a.StillKnown++
		} else {
			a.Targets[seg.Normalize(w)] = true
		}
	}
	return a, nil
}

// Discover runs discovery over texts as an office without the removed
// terms would: the ablated segmenter's lookup and lexicon, opt otherwise.
func (a *Ablation) Discover(ctx context.Context, texts []string, opt Options) ([]Candidate, error) {
	opt.Lexicon = a.Lexicon
	return Discover(ctx, texts, a.Segmenter.Known, opt)
}

package relate

import (
	"context"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"

	"tian"
)

// Service searches and relates proposals over an Engine, reading the
// proposals themselves from the store. It implements tian.Searcher,
// tian.Relater and tian.Neighbours, and is safe for concurrent use.
type Service struct {
	engine Engine
	store  tian.ProposalReader
	seg    tian.Segmenter

	mu       sync.Mutex
	stats    *corpusStats        // IDF and document count, for similarity
	profiles map[string]*profile // by number and params, for the current stats
	older    map[string]*profile // the generation before profiles (profileOf)
	units    *unitNames          // the unit catalogue, for reading queries
	model    *PairModel          // the learned pair similarity; nil: the fixed blend
	modelSet bool                // model was set (else the embedded default is read)
	copies   CopyParams          // what counts as a copy
}

// SetPairModel makes m the similarity of grouping and similar proposals;
// nil goes back to the fixed blend of cosine and shingles. Until it is
// called the Service uses the embedded default (DefaultPairModel).
func (s *Service) SetPairModel(m *PairModel) {
	s.mu.Lock()
	s.model, s.modelSet = m, true
	s.mu.Unlock()
}

// PairModel returns the model in use, nil for the fixed blend.
func (s *Service) PairModel() *PairModel { return s.modelOr(nil) }

// modelOr returns m, or the Service's model when m is nil.
func (s *Service) modelOr(m *PairModel) *PairModel {
	if m != nil {
		return m
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.modelSet {
		// the embedded model is checked by the tests; should it ever fail
		// to read, the fixed blend still serves
		s.model, _ = DefaultPairModel()
		s.modelSet = true
	}
	return s.model
}

// DefaultThreshold is the grouping threshold of the similarity in use:
// the model's, or DefaultThreshold for the fixed blend.
func (s *Service) DefaultThreshold() float64 {
	if m := s.modelOr(nil); m != nil {
		return m.Threshold
	}
	return DefaultThreshold
}

// Scale names the similarity in use, on which thresholds are learnt: the
// model's version, or "" for the fixed blend.
func (s *Service) Scale() string {
	if m := s.modelOr(nil); m != nil {
		return m.Version()
	}
	return ""
}

// ThresholdGrid are the thresholds TuneThreshold tries for the
// similarity in use.
func (s *Service) ThresholdGrid() []float64 {
	if s.modelOr(nil) != nil {
		return PairGrid()
	}
	return ThresholdGrid()
}

var (
	_ tian.Searcher   = (*Service)(nil)
	_ tian.Relater    = (*Service)(nil)
	_ tian.Neighbours = (*Service)(nil)
)

// New returns a Service over an engine holding the proposals of store,
// analysed with seg. When store also lists the units (UnitLister), unit
// names and aliases in queries find the proposals the units handle.
func New(engine Engine, store tian.ProposalReader, seg tian.Segmenter) *Service {
	return &Service{engine: engine, store: store, seg: seg, copies: DefaultCopyParams()}
}

// Changed tells the Service that the engine's documents changed: document
// frequencies are read again, and profiles made again, when next needed.
// The engine's indexer calls it after each change it applies.
func (s *Service) Changed() {
	s.mu.Lock()
	s.stats, s.profiles, s.older, s.units = nil, nil, nil, nil
	s.mu.Unlock()
}

// corpus returns the current statistics, reading them after each change.
func (s *Service) corpus(ctx context.Context) (*corpusStats, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stats != nil {
		return s.stats, nil
	}
	n, df, err := s.engine.DocFreqs(ctx)
	if err != nil {
		return nil, err
	}
	s.stats = &corpusStats{n: n, df: df}
	return s.stats, nil
}

// maxProfiles bounds the profile cache: a profile holds about 20 KB of
// weighted terms and shingles, so 4,000 keep under 100 MB (at 50,000 the
// cache was most of a serving process's memory at 100,000 proposals).
const maxProfiles = 4_000

// profileOf returns the profile of a stored proposal, cached until the
// engine next changes (a changed proposal or new statistics).
func (s *Service) profileOf(p *tian.Proposal, cs *corpusStats, params Params) *profile {
	key := profileKey(p.Number, params)
	s.mu.Lock()
	pr, ok := s.profiles[key]
	if !ok {
		if pr, ok = s.older[key]; ok {
			s.keepProfile(key, pr) // used again: kept a generation longer
		}
	}
	s.mu.Unlock()
	if ok {
		return pr
	}
	pr = newProfile(s.seg, p.Title, p.Body, cs, params)
	s.mu.Lock()
	if s.stats == cs { // still current
		s.keepProfile(key, pr)
	}
	s.mu.Unlock()
	return pr
}

// profileKey is a profile's key in the cache: the number and the
// parameters it was made with.
func profileKey(number string, params Params) string {
	return number + "\x00" + strconv.FormatFloat(params.Alpha, 'g', -1, 64) + "/" + strconv.Itoa(params.ShingleK) +
		"/" + strconv.FormatFloat(params.DomainPower, 'g', -1, 64)
}

// keepProfile caches a profile in two generations of maxProfiles/2: when
// the current one is full it becomes the older and a new one starts, so
// the profiles used since the last turn stay and the cache stays bounded.
// Called with s.mu held.
func (s *Service) keepProfile(key string, pr *profile) {
	if s.profiles == nil || len(s.profiles) >= maxProfiles/2 {
		s.older, s.profiles = s.profiles, make(map[string]*profile, maxProfiles/2)
	}
	s.profiles[key] = pr
}

// candidate is a proposal with its profile, for exact scoring.
type candidate struct {
	p    *tian.Proposal
	prof *profile
}

// withProfiles reads the proposals of numbers that still exist, in that
// order, with their profiles.
func (s *Service) withProfiles(ctx context.Context, numbers []string, p Params) ([]candidate, error) {
	ps, err := s.store.ProposalsByNumber(ctx, numbers)
	if err != nil {
		return nil, err
	}
	cs, err := s.corpus(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]candidate, 0, len(numbers))
	for _, n := range numbers {
		if pr, ok := ps[n]; ok {
			out = append(out, candidate{p: pr})
		}
	}
	// profiles not cached mean segmenting each text: on every core
	workers := min(runtime.GOMAXPROCS(0), (len(out)+profilesPerWorker-1)/profilesPerWorker)
	if workers <= 1 {
		for i := range out {
			out[i].prof = s.profileOf(out[i].p, cs, p)
		}
		return out, nil
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < len(out); i = int(next.Add(1) - 1) {
				out[i].prof = s.profileOf(out[i].p, cs, p)
			}
		})
	}
	wg.Wait()
	return out, nil
}

// profilesPerWorker is the least work worth another goroutine: a few
// texts to segment.
const profilesPerWorker = 8

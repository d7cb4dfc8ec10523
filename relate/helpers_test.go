package relate_test

import (
	"context"
	"os"
	"sort"
	"strconv"
	"sync"
	"testing"

	"tian"
	"tian/index"
	"tian/relate"
	"tian/segment"
	"tian/sheet"
)

var segOnce = sync.OnceValues(func() (*segment.Segmenter, error) { return segment.New(segment.DefaultConfig()) })

// segmenter is the default segmenter, built once for the package's tests.
func segmenter(tb testing.TB) *segment.Segmenter {
	tb.Helper()
	seg, err := segOnce()
	if err != nil {
		tb.Fatalf("segment.New: %v", err)
	}
	return seg
}

// memStore is the demo corpus as a tian.ProposalReader in memory, one
// change per proposal, with the demo's units (a relate.UnitLister).
type memStore struct {
	byNumber map[string]*tian.Proposal
	numbers  []string // in change order
}

func (s *memStore) Units(context.Context) ([]tian.Unit, error) {
	return sheet.ReadUnitsFS(tian.DemoFS(), tian.DemoUnits)
}

func newMemStore(ps []*tian.Proposal) *memStore {
	s := &memStore{byNumber: map[string]*tian.Proposal{}}
	for _, p := range ps {
		s.byNumber[p.Number] = p
		s.numbers = append(s.numbers, p.Number)
	}
	return s
}

func (s *memStore) Proposal(_ context.Context, number string) (*tian.Proposal, error) {
	if p, ok := s.byNumber[number]; ok {
		return p, nil
	}
	return nil, tian.Errorf(tian.ENOTFOUND, "没有提案 %s", number)
}

func (s *memStore) ProposalsByNumber(_ context.Context, numbers []string) (map[string]*tian.Proposal, error) {
	out := make(map[string]*tian.Proposal, len(numbers))
	for _, n := range numbers {
		if p, ok := s.byNumber[n]; ok {
			out[n] = p
		}
	}
	return out, nil
}

func (s *memStore) Changes(_ context.Context, after int64, limit int) ([]tian.Change, error) {
	var out []tian.Change
	for i := int(after); i < len(s.numbers) && len(out) < limit; i++ {
		out = append(out, tian.Change{Seq: int64(i + 1), Number: s.numbers[i], Op: tian.ChangeUpsert})
	}
	return out, nil
}

// fixture is the demo corpus served twice: by a bleve index, and by a
// relate.Service over the in-memory fake engine.
type fixture struct {
	store *memStore
	bleve *index.Index
	fake  *relate.Service
	years map[int][]string // numbers by year, ascending
}

var (
	fixtureOnce sync.Once
	theFixture  *fixture
	fixtureErr  error
	fixtureDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if theFixture != nil {
		theFixture.bleve.Close()
		os.RemoveAll(fixtureDir)
	}
	os.Exit(code)
}

func demo(tb testing.TB) *fixture {
	tb.Helper()
	seg := segmenter(tb)
	fixtureOnce.Do(func() { theFixture, fixtureErr = buildFixture(seg) })
	if fixtureErr != nil {
		tb.Fatalf("building the demo fixture: %v", fixtureErr)
	}
	return theFixture
}

func buildFixture(seg *segment.Segmenter) (*fixture, error) {
	ps, err := tian.ReadDemo()
	if err != nil {
		return nil, err
	}
	f := &fixture{store: newMemStore(ps), years: map[int][]string{}}
	if fixtureDir, err = os.MkdirTemp("", "tian-relate-test-"); err != nil {
		return nil, err
	}
	if f.bleve, err = index.Open(context.Background(), fixtureDir, f.store, seg); err != nil {
		return nil, err
	}
	eng := newFakeEngine(seg)
	for _, p := range ps {
		eng.add(p)
		f.years[p.Year] = append(f.years[p.Year], p.Number)
	}
	for _, ns := range f.years {
		sort.Strings(ns)
	}
	f.fake = relate.New(eng, f.store, seg)
	return f, nil
}

func yearString(y int) string { return strconv.Itoa(y) }

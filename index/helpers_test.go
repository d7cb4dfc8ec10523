package index_test

import (
	"context"
	"os"
	"sync"
	"testing"

	"tian"
	"tian/index"
	"tian/segment"
	"tian/sheet"
	"tian/sqlite"
)

// fixture is the demo corpus in a store with its index, shared by the
// tests of the package (building it takes a few seconds).
type fixture struct {
	dir   string
	store *sqlite.DB
	seg   *segment.Segmenter
	ix    *index.Index
	byNum map[string]*tian.Proposal
}

var (
	fixtureOnce sync.Once
	theFixture  *fixture
	fixtureErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if theFixture != nil {
		theFixture.ix.Close()
		theFixture.store.Close()
		os.RemoveAll(theFixture.dir)
	}
	os.Exit(code)
}

func demo(tb testing.TB) *fixture {
	tb.Helper()
	fixtureOnce.Do(func() { theFixture, fixtureErr = buildFixture() })
	if fixtureErr != nil {
		tb.Fatalf("building the demo index: %v", fixtureErr)
	}
	return theFixture
}

func buildFixture() (*fixture, error) {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "tian-index-test-")
	if err != nil {
		return nil, err
	}
	f := &fixture{dir: dir}
	if f.seg, err = segment.New(segment.DefaultConfig()); err != nil {
		return nil, err
	}
	if f.store, err = sqlite.Open(ctx, dir); err != nil {
		return nil, err
	}
	if err := loadDemo(ctx, f.store); err != nil {
		return nil, err
	}
	if f.ix, err = index.Open(ctx, dir, f.store, f.seg); err != nil {
		return nil, err
	}
	all, err := f.store.Proposals(ctx, tian.ProposalFilter{})
	if err != nil {
		return nil, err
	}
	f.byNum = map[string]*tian.Proposal{}
	for _, p := range all {
		f.byNum[p.Number] = p
	}
	return f, nil
}

func loadDemo(ctx context.Context, db *sqlite.DB) error {
	units, err := sheet.ReadUnitsFS(tian.DemoFS(), tian.DemoUnits)
	if err != nil {
		return err
	}
	if err := db.ImportUnits(ctx, units, "test"); err != nil {
		return err
	}
	res, err := sheet.ReadProposalsFS(tian.DemoFS(), tian.DemoProposals, sheet.Options{})
	if err != nil {
		return err
	}
	_, err = db.ImportProposals(ctx, res.Records, tian.ImportOptions{File: "demo", Strict: true})
	return err
}

func storeOpts() tian.ImportOptions { return tian.ImportOptions{File: "test", Actor: "test"} }

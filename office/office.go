// Package office is tian's application layer: the use cases of a proposal
// office, composed from the parts behind the root package's interfaces.
// It owns the model repository (embedded defaults overridden by the data
// directory's models, atomic save, swap into the running suggester),
// training from the store with reviewers' feedback, file import (read →
// store → index catch-up, one code path for the CLI and the service),
// statistics with hot topics, the demo corpus, backup and restore, and
// the service's health (free disk, index lag).
//
// It imports the leaves (sheet, classify, segment, models) and speaks to
// the engines (the store, the index) only through the Store and Index
// interfaces below, so that SQLite or bleve can be replaced without
// touching it. The api and cmd packages call it; it calls neither.
package office

import (
	"context"
	"io"
	"path/filepath"
	"sync"
	"sync/atomic"

	"tian"
	"tian/classify"
	"tian/segment"
)

// Store is what the office asks of the system of record.
type Store interface {
	tian.Store
	tian.BatchStore
	tian.OtherStats
	tian.WordStore
	// Feedbacks returns every reviewer's verdict, oldest first.
	Feedbacks(ctx context.Context) ([]tian.Feedback, error)
	// ImportCategories and ImportUnits load catalogues (the demo's).
	ImportCategories(ctx context.Context, cs []tian.Category, actor string) error
	ImportUnits(ctx context.Context, us []tian.Unit, actor string) error
	// Backup writes a consistent copy of the database to path.
	Backup(ctx context.Context, path string) error
}

// Index is what the office asks of the search index.
type Index interface {
	tian.Searcher
	tian.Relater
	tian.Neighbours
	// CatchUp applies the store's changes the index has not seen.
	CatchUp(ctx context.Context) (int, error)
	// Behind counts those changes.
	Behind(ctx context.Context) (int64, error)
	// PersistError is non-nil while the index cannot write to disk.
	PersistError() error
	// Vocabulary is the version of the committee's words the index was
	// last analysed with; Reanalyse indexes everything again with the
	// segmenter in force and records version.
	Vocabulary() (string, error)
	Reanalyse(ctx context.Context, version string, progress func(done, total int)) error
}

// Config is what an Office is made of; cmd fills it.
type Config struct {
	DataDir string
	Store   Store
	// Index may be nil when a running service holds it: the office then
	// works on the store alone (import, export, statistics, backup) and
	// the service indexes what was written.
	Index Index
	// Pairs is the index's relations engine, whose similarity training
	// learns from confirmed groups; nil leaves it as it is.
	Pairs     PairLearner
	Segmenter *segment.Segmenter
	// MinFree is the disk space writes must leave free in DataDir.
	MinFree int64
	// Log receives progress lines of long work (training); nil discards.
	Log io.Writer
}

// DefaultMinFree is the reserve writes leave on the data directory's disk:
// room for SQLite's journal and the index's segments and merges.
const DefaultMinFree = 64 << 20

// Office carries out the office's use cases over its parts. It is safe for
// concurrent use; models are swapped atomically, and a request in flight
// finishes on the models it started with.
type Office struct {
	dataDir string
	store   Store
	index   Index
	pairs   PairLearner
	seg     *segment.Segmenter
	minFree int64
	log     io.Writer

	category atomic.Pointer[classify.Model]
	router   atomic.Pointer[classify.Router]
	filing   atomic.Pointer[classify.FilingModel]
	modelsMu sync.Mutex // loading and training, one at a time
	// indexErr is why the last catch-up failed, "" once one succeeds.
	indexErr atomic.Pointer[string]
	vocab    vocabState
}

var (
	_ tian.Suggester  = (*Office)(nil)
	_ tian.ModelStore = (*Office)(nil)
	_ tian.Importer   = (*Office)(nil)
	_ tian.Exporter   = (*Office)(nil)
	_ tian.Reporter   = (*Office)(nil)
	_ tian.Health     = (*Office)(nil)
	_ tian.Filer      = (*Office)(nil)
)

// New makes an Office of its parts. Models load when first needed, or at
// once with LoadModels.
func New(cfg Config) *Office {
	o := &Office{dataDir: cfg.DataDir, store: cfg.Store, index: cfg.Index, pairs: cfg.Pairs, seg: cfg.Segmenter, minFree: cfg.MinFree, log: cfg.Log}
	o.vocab.wake = make(chan struct{}, 1)
	if o.log == nil {
		o.log = io.Discard
	}
	if o.minFree == 0 {
		o.minFree = DefaultMinFree
	}
	return o
}

// ModelDir is where trained models of the data directory live; they take
// precedence over the embedded defaults.
func (o *Office) ModelDir() string { return ModelDir(o.dataDir) }

// ModelDir is the models folder of a data directory.
func ModelDir(dataDir string) string { return filepath.Join(dataDir, "models") }

// errNoIndex is the error of work that needs the index when a service
// holds it.
var errNoIndex = tian.Errorf(tian.ECONFLICT, "检索索引正由运行中的 tian serve 使用；请通过服务（--server）执行，或先停止服务")

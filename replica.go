package tian

import "context"

// What a store shared by several tian processes (replicas) offers beyond
// Store. The embedded SQLite store serves one process and offers none of
// it; the PostgreSQL store offers all of it. The application layer uses
// each when the store has it.

// ChangeWatcher tells a replica at once when any process commits changes
// to the proposals, so that its index catches up without waiting for the
// next poll.
type ChangeWatcher interface {
	// WatchChanges calls changed after each commit that logged changes,
	// by any process, until ctx ends or the watch fails (a lost
	// connection); it returns the reason. changed must not block.
	WatchChanges(ctx context.Context, changed func()) error
}

// ModelFiles keeps the trained models in the store, so that every
// replica serves the same ones: a set of files (a models folder), saved
// together under a version that only grows.
type ModelFiles interface {
	// ModelsVersion is the version of the stored models, 0 for none.
	ModelsVersion(ctx context.Context) (int64, error)
	// ReadModels returns the stored files and their version.
	ReadModels(ctx context.Context) (int64, map[string][]byte, error)
	// SaveModels replaces the stored files with files under the next
	// version, audited, and returns it.
	SaveModels(ctx context.Context, files map[string][]byte, actor string) (int64, error)
}

// JobLocker lets one process at a time run a long job (training, an
// import, loading the demo) across every process sharing the store.
type JobLocker interface {
	// LockJob takes the job's lock, waiting for it when wait is set, else
	// ECONFLICT when another process holds it. release frees it; the lock
	// also goes when the process dies.
	LockJob(ctx context.Context, job string, wait bool) (release func(), err error)
}

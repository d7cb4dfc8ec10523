package index

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/blevesearch/bleve/v2/index/scorch"

	"tian"
	"tian/internal/diskspace"
)

// DefaultReserve is the free space CatchUp keeps on the data directory's
// disk: it hands bleve no batch, and bleve's background merges pause,
// while less than this is free. A batch of 500 proposals makes a segment
// of about 1 MB, and a merge rewrites at most the segments it merges, so
// 64 MB covers both for a committee's index (the demo corpus is 5 MB, 100,000
// proposals take 197 MB); a much larger index wants a reserve near its
// size (DiskSize), for its largest merges.
const DefaultReserve = 64 << 20

// callbacks is the name under which the index registers its bleve
// callbacks (scorch looks them up by the name given in the runtime config).
const callbacks = "tian_index"

// Intervals of the waits inside bleve's callbacks: a background persist
// or merge that failed, or would start on a short disk, is retried at
// most this often, not in a busy loop.
var (
	retryWait = 2 * time.Second
	pollWait  = 100 * time.Millisecond
)

// guard is the state an index shares with bleve's background goroutines:
// the reserve, and whether persisting to disk is failing.
type guard struct {
	dir     string // the index directory, measured for free space
	reserve atomic.Uint64
	closing chan struct{}
	close   sync.Once

	mu         sync.Mutex
	persistErr error         // the last persist failure, nil once one succeeds
	failed     chan struct{} // closed and replaced at each persist failure
}

func newGuard(dir string, reserve uint64) *guard {
	g := &guard{dir: dir, closing: make(chan struct{}), failed: make(chan struct{})}
	g.reserve.Store(reserve)
	return g
}

// Guards by scorch's store path (asynchronous errors name it) and by
// scorch instance (events carry it).
var (
	guardsByPath   sync.Map // string → *guard
	guardsByScorch sync.Map // *scorch.Scorch → *guard
)

func init() {
	scorch.RegistryAsyncErrorCallbacks[callbacks] = onAsyncError
	scorch.RegistryEventCallbacks[callbacks] = onEvent
}

// runtimeConfig is what tian asks of scorch.
//
// unsafe_batch: Batch returns once the segment is introduced (searchable)
// and does not wait for the persister; CatchUp waits for it through the
// batch's persisted callback instead. With safe batches a persist failure
// makes Batch close the new segment although it is already part of the
// index, and the next reader of it panics (see the package doc).
// lockTimeout is how long Open waits for another process's lock on the
// index.
const lockTimeout = 2 * time.Second

func runtimeConfig() map[string]any {
	return map[string]any{
		"unsafe_batch": true,
		// another process holding the index (a running tian serve) makes
		// Open fail after this, instead of waiting for its lock forever
		"bolt_timeout":           lockTimeout.String(),
		"asyncErrorCallbackName": callbacks,
		"eventCallbackName":      callbacks,
	}
}

// storePath is the path scorch knows itself by (bleve's indexStorePath).
func storePath(dir string) string { return dir + string(os.PathSeparator) + "store" }

// short returns the free space and whether it is below the reserve.
func (g *guard) short() (uint64, bool) {
	free, err := diskspace.Free(g.dir)
	if err != nil {
		return 0, false // unmeasurable: let bleve try and report
	}
	return free, free < g.reserve.Load()
}

// waitForSpace returns once the reserve is free, the index closes, or d
// has passed, and reports whether the reserve is free.
func (g *guard) waitForSpace(d time.Duration) bool {
	deadline := time.Now().Add(d)
	for {
		if _, short := g.short(); !short {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		select {
		case <-g.closing:
			return false
		case <-time.After(pollWait):
		}
	}
}

// persisting returns the current persist failure and the channel closed
// at the next one.
func (g *guard) persisting() (error, chan struct{}) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.persistErr, g.failed
}

func (g *guard) setPersistErr(err error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.persistErr = err
	if err != nil {
		close(g.failed)
		g.failed = make(chan struct{})
	}
}

// onAsyncError runs in scorch's persister or merger after a failure,
// which scorch retries at once: it records a persist failure for CatchUp
// and holds the retry until the reserve is free again (or retryWait has
// passed), so that a full disk is not hammered with doomed segment files.
func onAsyncError(err error, path string) {
	v, ok := guardsByPath.Load(path)
	if !ok {
		return
	}
	g := v.(*guard)
	var se *scorch.ScorchError
	if errors.As(err, &se) && se.Source == "persister" {
		g.setPersistErr(err)
	}
	g.waitForSpace(retryWait)
}

// onEvent pauses merges while the disk is short (a merge writes a new
// segment as large as the ones it merges before it deletes them) and
// clears the persist failure once the persister makes progress. scorch's
// merger retries a refused merge at once, so a refusal waits a while first.
func onEvent(e scorch.Event) bool {
	v, ok := guardsByScorch.Load(e.Scorch)
	if !ok {
		return true
	}
	g := v.(*guard)
	switch e.Kind {
	case scorch.EventKindPersisterProgress:
		g.setPersistErr(nil)
	case scorch.EventKindPreMergeCheck:
		if _, short := g.short(); short {
			return g.waitForSpace(retryWait)
		}
	}
	return true
}

// errNoSpace is CatchUp's answer to a short disk: nothing was handed to
// bleve, the store is untouched, and a later CatchUp resumes.
func errNoSpace(op string, free, need uint64) error {
	return &tian.Error{Code: tian.ENOSPACE, Op: op, Message: fmt.Sprintf(
		"索引所在磁盘剩余空间不足（剩余 %s，需要至少 %s），索引暂停更新；已保存的数据不受影响，查询照常。清理磁盘后索引自动补齐。",
		diskspace.Size(free), diskspace.Size(need))}
}

// indexError wraps an error of bleve, as ENOSPACE when the disk was full.
func indexError(op string, err error) error {
	if isNoSpace(err) {
		return &tian.Error{Code: tian.ENOSPACE, Op: op, Err: err,
			Message: "索引写入磁盘失败：磁盘已满。已保存的数据不受影响，查询照常；清理磁盘后索引自动补齐。"}
	}
	return &tian.Error{Code: tian.EINTERNAL, Op: op, Err: err}
}

// isNoSpace tells a full disk; bleve often flattens the cause into text.
func isNoSpace(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || err != nil && strings.Contains(err.Error(), syscall.ENOSPC.Error())
}

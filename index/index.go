package index

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"sync"

	"go.etcd.io/bbolt"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"

	"tian"
	"tian/relate"
)

// DirName is the index folder inside the data directory.
const DirName = "index.bleve"

// seqKey is where the index records the last store change it applied.
var seqKey = []byte("tian_last_change")

// batchSize is how many proposals go into one bleve batch.
const batchSize = 500

// Index is the search index of a data directory: search, similar
// proposals and groups (a relate.Service) over bleve. It is safe for
// concurrent use; writes (CatchUp) are serialised.
type Index struct {
	bleve bleve.Index
	store tian.ProposalReader
	seg   tian.Segmenter
	path  string
	rel   *relate.Service

	guard *guard // free space and bleve's persist failures

	mu sync.Mutex // serialises CatchUp
}

var (
	_ tian.Searcher   = (*Index)(nil)
	_ tian.Relater    = (*Index)(nil)
	_ tian.Neighbours = (*Index)(nil)
)

// Options tune an index; the zero value takes the defaults.
type Options struct {
	// Reserve is the free space, in bytes, CatchUp keeps on the disk:
	// below it CatchUp returns ENOSPACE without writing and bleve's merges
	// pause. 0 means DefaultReserve.
	Reserve uint64
}

// Open opens the index in dataDir, creating it when absent, and catches up
// with the store. A corrupt index is an error: Rebuild replaces it. A disk
// too full to catch up is not: the index opens behind (see Behind), serves
// searches, and a later CatchUp completes it.
func Open(ctx context.Context, dataDir string, store tian.ProposalReader, seg tian.Segmenter) (*Index, error) {
	return OpenWith(ctx, dataDir, store, seg, Options{})
}

// OpenWith is Open with options.
func OpenWith(ctx context.Context, dataDir string, store tian.ProposalReader, seg tian.Segmenter, opt Options) (*Index, error) {
	AnalyseWith(seg)
	path := filepath.Join(dataDir, DirName)
	b, err := bleve.OpenUsing(path, runtimeConfig())
	created := false
	if errors.Is(err, bleve.ErrorIndexPathDoesNotExist) {
		b, err = bleve.NewUsing(path, newMapping(), bleve.Config.DefaultIndexType, bleve.Config.DefaultKVStore, runtimeConfig())
		created = err == nil
	}
	if errors.Is(err, bbolt.ErrTimeout) {
		return nil, &tian.Error{Code: tian.ECONFLICT, Op: "index.Open", Err: err, Message: fmt.Sprintf(
			"检索索引 %s 正被另一个进程（多半是 tian serve）使用，%s 内未能打开；请通过服务（--server）执行，或先停止服务", path, lockTimeout)}
	}
	if err != nil {
		e := indexError("index.Open", err)
		if tian.ErrorCode(e) != tian.ENOSPACE {
			e.(*tian.Error).Message = fmt.Sprintf("无法打开检索索引 %s（可运行 tian reindex 重建）", path)
		}
		return nil, e
	}
	if opt.Reserve == 0 {
		opt.Reserve = DefaultReserve
	}
	ix := &Index{bleve: b, store: store, seg: seg, path: path, guard: newGuard(path, opt.Reserve),
		rel: relate.New(engine{b}, store, seg)}
	ix.register()
	if created {
		// bleve persists asynchronously, and closing drops what it has
		// not written: a new index closed at once (a command on a fresh
		// data directory with nothing to index) would lose its mapping
		if err := ix.persistNew(ctx); err != nil {
			ix.Close()
			return nil, err
		}
	}
	if _, err := ix.CatchUp(ctx); err != nil && tian.ErrorCode(err) != tian.ENOSPACE {
		ix.Close()
		return nil, err
	}
	return ix, nil
}

// register lets bleve's callbacks find the index's guard.
func (ix *Index) register() {
	guardsByPath.Store(storePath(ix.path), ix.guard)
	if adv, err := ix.bleve.Advanced(); err == nil {
		if s, ok := adv.(*scorch.Scorch); ok {
			guardsByScorch.Store(s, ix.guard)
		}
	}
}

// Rebuild deletes the index in dataDir and builds it anew from the store.
func Rebuild(ctx context.Context, dataDir string, store tian.ProposalReader, seg tian.Segmenter) (*Index, error) {
	path := filepath.Join(dataDir, DirName)
	if err := os.RemoveAll(path); err != nil {
		return nil, &tian.Error{Code: tian.EINTERNAL, Op: "index.Rebuild", Message: "无法删除旧的检索索引 " + path, Err: err}
	}
	return Open(ctx, dataDir, store, seg)
}

// Close closes the index; closing it again does nothing. Changes
// introduced but not yet on disk (while the disk is full) are dropped; the
// next Open catches them up again.
func (ix *Index) Close() error {
	var err error
	ix.guard.close.Do(func() {
		close(ix.guard.closing) // release bleve goroutines waiting for space
		err = ix.bleve.Close()
		guardsByPath.Delete(storePath(ix.path))
		if adv, aerr := ix.bleve.Advanced(); aerr == nil {
			guardsByScorch.Delete(adv)
		}
	})
	return err
}

// SetReserve sets the free space CatchUp keeps (Options.Reserve).
func (ix *Index) SetReserve(n uint64) {
	if n == 0 {
		n = DefaultReserve
	}
	ix.guard.reserve.Store(n)
}

// LastChange returns the sequence number of the last store change applied
// (searchable; on disk unless PersistError says otherwise).
func (ix *Index) LastChange() (int64, error) {
	v, err := ix.bleve.GetInternal(seqKey)
	if err != nil || len(v) == 0 {
		return 0, err
	}
	return strconv.ParseInt(string(v), 10, 64)
}

// CatchUp applies the store's changes since the last one indexed, in
// batches; each batch records its last change in the same write, so a
// crash loses nothing and repeats nothing. It returns how many changes it
// applied.
//
// On a short disk it stops before the batch that would not fit and
// returns ENOSPACE: what it applied stays applied, LastChange names the
// last change of it, and a later CatchUp resumes from there. It also
// returns ENOSPACE, handing bleve nothing new, while bleve cannot write a
// batch it has already accepted (PersistError).
func (ix *Index) CatchUp(ctx context.Context) (int, error) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	after, err := ix.LastChange()
	if err != nil {
		return 0, &tian.Error{Code: tian.EINTERNAL, Op: "index.CatchUp", Err: err}
	}
	applied := 0
	defer func() {
		if applied > 0 {
			ix.rel.Changed()
		}
	}()
	for {
		changes, err := ix.store.Changes(ctx, after, batchSize)
		if err != nil {
			return applied, err
		}
		if len(changes) == 0 {
			return applied, nil
		}
		if err := ix.roomFor(); err != nil {
			return applied, err
		}
		if err := ix.apply(ctx, changes); err != nil {
			if ix.introduced(changes) {
				applied += len(changes)
			}
			return applied, err
		}
		after = changes[len(changes)-1].Seq
		applied += len(changes)
	}
}

// roomFor refuses a batch while the disk is short or bleve is failing to
// persist the last one.
func (ix *Index) roomFor() error {
	if err, _ := ix.guard.persisting(); err != nil {
		return indexError("index.CatchUp", err)
	}
	if free, short := ix.guard.short(); short {
		return errNoSpace("index.CatchUp", free, ix.guard.reserve.Load())
	}
	return nil
}

// introduced reports whether the batch of changes is in the index, which
// it is even when bleve then failed to write it to disk.
func (ix *Index) introduced(changes []tian.Change) bool {
	last, err := ix.LastChange()
	return err == nil && last == changes[len(changes)-1].Seq
}

// apply indexes one run of changes in one batch and waits until bleve has
// written it to disk. A number changed several times is read once, as it
// is now.
func (ix *Index) apply(ctx context.Context, changes []tian.Change) error {
	var numbers []string
	seen := map[string]bool{}
	for _, c := range changes {
		if !seen[c.Number] {
			seen[c.Number] = true
			numbers = append(numbers, c.Number)
		}
	}
	ps, err := ix.store.ProposalsByNumber(ctx, numbers)
	if err != nil {
		return err
	}
	batch := ix.bleve.NewBatch()
	for _, n := range numbers {
		if p, ok := ps[n]; ok {
			if err := batch.Index(n, toDoc(p)); err != nil {
				return &tian.Error{Code: tian.EINTERNAL, Op: "index.apply", Err: err}
			}
		} else {
			batch.Delete(n)
		}
	}
	batch.SetInternal(seqKey, []byte(strconv.FormatInt(changes[len(changes)-1].Seq, 10)))
	return ix.write(ctx, "index.apply", batch)
}

// persistNew writes a new index's mapping to disk, with no change applied.
func (ix *Index) persistNew(ctx context.Context) error {
	batch := ix.bleve.NewBatch()
	batch.SetInternal(seqKey, []byte("0"))
	// what it indexes is analysed with the committee's words in force
	if c, ok := ix.seg.(interface{ Committee() ([]string, string) }); ok {
		_, version := c.Committee()
		batch.SetInternal(vocabularyKey, []byte(version))
	}
	return ix.write(ctx, "index.Open", batch)
}

// waitPersisted waits until bleve has written the batch to disk, failed
// to (the batch stays searchable and bleve retries once there is room),
// or ctx ends.
func (ix *Index) waitPersisted(ctx context.Context, persisted chan error, failed chan struct{}) error {
	select {
	case err := <-persisted:
		if err != nil {
			return indexError("index.apply", err)
		}
		return nil
	case <-failed:
		err, _ := ix.guard.persisting()
		if err == nil {
			return nil // failed, then succeeded meanwhile
		}
		return indexError("index.apply", err)
	case <-ctx.Done():
		return &tian.Error{Code: tian.ETIMEOUT, Op: "index.apply", Err: ctx.Err(),
			Message: "索引写盘未在时限内完成；数据已保存，索引稍后补齐。"}
	}
}

// Behind returns how many store changes the index has not applied yet:
// 0 when searches see every committed write. A persist failure does not
// count (the changes are searchable); PersistError reports it.
func (ix *Index) Behind(ctx context.Context) (int64, error) {
	applied, err := ix.LastChange()
	if err != nil {
		return 0, &tian.Error{Code: tian.EINTERNAL, Op: "index.Behind", Err: err}
	}
	if s, ok := ix.store.(interface {
		LastChange(context.Context) (int64, error)
	}); ok {
		last, err := s.LastChange(ctx)
		return max(last-applied, 0), err
	}
	var n int64
	for {
		changes, err := ix.store.Changes(ctx, applied, 10_000)
		if err != nil || len(changes) == 0 {
			return n, err
		}
		n += int64(len(changes))
		applied = changes[len(changes)-1].Seq
	}
}

// PersistError returns bleve's last failure to write the index to disk
// (ENOSPACE for a full disk) while it lasts: the newest changes are
// searchable but would be applied again after a restart. nil otherwise.
func (ix *Index) PersistError() error {
	if err, _ := ix.guard.persisting(); err != nil {
		return indexError("index.persist", err)
	}
	return nil
}

// Count returns the number of indexed proposals.
func (ix *Index) Count() (int, error) {
	n, err := ix.bleve.DocCount()
	return int(n), err
}

// DiskSize returns the bytes the index takes on disk.
func (ix *Index) DiskSize() (int64, error) { return DirSize(ix.path) }

// DirSize returns the bytes of the files under dir (an index of tian's or
// another's).
func DirSize(dir string) (int64, error) {
	var total int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err == nil {
			total += info.Size()
		}
		return err
	})
	return total, err
}

// Relations returns the relate.Service the index serves with: Search,
// Similar and Groups, with the tuning options and evaluations.
func (ix *Index) Relations() *relate.Service { return ix.rel }

// Search implements tian.Searcher (relate.Service.Search).
func (ix *Index) Search(ctx context.Context, req tian.SearchRequest) (*tian.SearchResult, error) {
	return ix.rel.Search(ctx, req)
}

// Similar implements tian.Relater (relate.Service.Similar).
func (ix *Index) Similar(ctx context.Context, req tian.SimilarRequest) ([]tian.Match, error) {
	return ix.rel.Similar(ctx, req)
}

// Groups implements tian.Relater (relate.Service.Groups).
func (ix *Index) Groups(ctx context.Context, req tian.GroupRequest) ([]tian.Group, error) {
	return ix.rel.Groups(ctx, req)
}

// Duplicates implements tian.DuplicateFinder (relate.Service.Duplicates).
func (ix *Index) Duplicates(ctx context.Context, req tian.DuplicateRequest) (*tian.DuplicateReport, error) {
	return ix.rel.Duplicates(ctx, req)
}

// SimilarText implements tian.Neighbours.
func (ix *Index) SimilarText(ctx context.Context, title, body string, k, before int, exclude string) ([]tian.Match, error) {
	return ix.rel.SimilarText(ctx, title, body, k, before, exclude)
}

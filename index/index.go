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

	"github.com/blevesearch/bleve/v2"

	"tian"
)

// DirName is the index folder inside the data directory.
const DirName = "index.bleve"

// seqKey is where the index records the last store change it applied.
var seqKey = []byte("tian_last_change")

// batchSize is how many proposals go into one bleve batch.
const batchSize = 500

// Index is the search index of a data directory. It is safe for
// concurrent use; writes (CatchUp) are serialised.
type Index struct {
	bleve bleve.Index
	store tian.ProposalReader
	seg   tian.Segmenter
	path  string

	mu       sync.Mutex // serialises CatchUp
	statsMu  sync.Mutex
	stats    *corpusStats        // IDF and document count, for similarity
	profiles map[string]*profile // by number and params, for the current stats
}

// Open opens the index in dataDir, creating it when absent, and catches up
// with the store. A corrupt index is an error: Rebuild replaces it.
func Open(ctx context.Context, dataDir string, store tian.ProposalReader, seg tian.Segmenter) (*Index, error) {
	UseSegmenter(seg)
	path := filepath.Join(dataDir, DirName)
	b, err := bleve.Open(path)
	if errors.Is(err, bleve.ErrorIndexPathDoesNotExist) {
		b, err = bleve.New(path, newMapping())
	}
	if err != nil {
		return nil, &tian.Error{Code: tian.EINTERNAL, Op: "index.Open",
			Message: fmt.Sprintf("opening %s (run tian reindex to rebuild it)", path), Err: err}
	}
	ix := &Index{bleve: b, store: store, seg: seg, path: path}
	if _, err := ix.CatchUp(ctx); err != nil {
		b.Close()
		return nil, err
	}
	return ix, nil
}

// Rebuild deletes the index in dataDir and builds it anew from the store.
func Rebuild(ctx context.Context, dataDir string, store tian.ProposalReader, seg tian.Segmenter) (*Index, error) {
	path := filepath.Join(dataDir, DirName)
	if err := os.RemoveAll(path); err != nil {
		return nil, &tian.Error{Code: tian.EINTERNAL, Op: "index.Rebuild", Message: "removing " + path, Err: err}
	}
	return Open(ctx, dataDir, store, seg)
}

// Close closes the index.
func (ix *Index) Close() error { return ix.bleve.Close() }

// LastChange returns the sequence number of the last store change applied.
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
func (ix *Index) CatchUp(ctx context.Context) (int, error) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	after, err := ix.LastChange()
	if err != nil {
		return 0, &tian.Error{Code: tian.EINTERNAL, Op: "index.CatchUp", Err: err}
	}
	applied := 0
	for {
		changes, err := ix.store.Changes(ctx, after, batchSize)
		if err != nil {
			return applied, err
		}
		if len(changes) == 0 {
			break
		}
		if err := ix.apply(ctx, changes); err != nil {
			return applied, err
		}
		after = changes[len(changes)-1].Seq
		applied += len(changes)
	}
	if applied > 0 {
		ix.statsMu.Lock()
		ix.stats, ix.profiles = nil, nil
		ix.statsMu.Unlock()
	}
	return applied, nil
}

// apply indexes one run of changes in one batch. A number changed several
// times is read once, as it is now.
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
	if err := ix.bleve.Batch(batch); err != nil {
		return &tian.Error{Code: tian.EINTERNAL, Op: "index.apply", Err: err}
	}
	return nil
}

// Count returns the number of indexed proposals.
func (ix *Index) Count() (int, error) {
	n, err := ix.bleve.DocCount()
	return int(n), err
}

// DiskSize returns the bytes the index takes on disk.
func (ix *Index) DiskSize() (int64, error) {
	var total int64
	err := filepath.WalkDir(ix.path, func(_ string, d fs.DirEntry, err error) error {
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

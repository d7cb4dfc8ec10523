package index

import (
	"context"

	"github.com/blevesearch/bleve/v2"

	"tian"
)

// vocabularyKey is where the index records the version of the committee's
// words (segment.CommitteeVersion) its proposals were last analysed with.
var vocabularyKey = []byte("tian_committee_words")

// reanalyseBatch is how many proposals one step of Reanalyse indexes
// again, holding the write lock between steps for a moment only.
const reanalyseBatch = 200

// Vocabulary returns the version of the committee's words the index was
// last analysed with in full ("" for none, as a new index is).
func (ix *Index) Vocabulary() (string, error) {
	v, err := ix.bleve.GetInternal(vocabularyKey)
	if err != nil {
		return "", &tian.Error{Code: tian.EINTERNAL, Op: "index.Vocabulary", Err: err}
	}
	return string(v), nil
}

// Reanalyse indexes every proposal again with the segmenter as it is now,
// after its committee words changed, and then records version as the
// vocabulary the index was analysed with. Searches keep working
// throughout; each step holds the lock CatchUp takes and reads its
// proposals from the store under it, so a proposal changed meanwhile is
// indexed as it is now. A run stopped by ctx or a crash records nothing
// and is repeated in full. progress, if set, is told done and total.
func (ix *Index) Reanalyse(ctx context.Context, version string, progress func(done, total int)) error {
	total, err := ix.Count()
	if err != nil {
		return &tian.Error{Code: tian.EINTERNAL, Op: "index.Reanalyse", Err: err}
	}
	done, after := 0, ""
	for {
		if err := ctx.Err(); err != nil {
			return &tian.Error{Code: tian.ETIMEOUT, Op: "index.Reanalyse", Err: err, Message: "重新分析索引未完成，稍后会重新开始"}
		}
		ids, err := ix.idsAfter(ctx, after, reanalyseBatch)
		if err != nil {
			return err
		}
		if len(ids) == 0 {
			break
		}
		if err := ix.reindex(ctx, ids); err != nil {
			return err
		}
		after = ids[len(ids)-1]
		done += len(ids)
		if progress != nil {
			progress(done, max(total, done))
		}
	}
	if err := ix.setInternal(ctx, vocabularyKey, []byte(version)); err != nil {
		return err
	}
	ix.rel.Changed()
	return nil
}

// idsAfter returns up to n document IDs after the ID after, in order.
func (ix *Index) idsAfter(ctx context.Context, after string, n int) ([]string, error) {
	req := bleve.NewSearchRequestOptions(bleve.NewMatchAllQuery(), n, 0, false)
	req.SortBy([]string{"_id"})
	if after != "" {
		req.SearchAfter = []string{after}
	}
	res, err := ix.bleve.SearchInContext(ctx, req)
	if err != nil {
		return nil, &tian.Error{Code: tian.EINTERNAL, Op: "index.Reanalyse", Err: err}
	}
	ids := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	return ids, nil
}

// reindex indexes the stored proposals among ids again, in one batch.
// One that is gone is left to CatchUp, which deletes it from the change
// log.
func (ix *Index) reindex(ctx context.Context, ids []string) error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if err := ix.roomFor(); err != nil {
		return err
	}
	ps, err := ix.store.ProposalsByNumber(ctx, ids)
	if err != nil {
		return err
	}
	batch := ix.bleve.NewBatch()
	for _, id := range ids {
		if p, ok := ps[id]; ok {
			if err := batch.Index(id, toDoc(p)); err != nil {
				return &tian.Error{Code: tian.EINTERNAL, Op: "index.Reanalyse", Err: err}
			}
		}
	}
	return ix.write(ctx, "index.Reanalyse", batch)
}

// setInternal records one internal value and waits until it is on disk.
func (ix *Index) setInternal(ctx context.Context, key, value []byte) error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	batch := ix.bleve.NewBatch()
	batch.SetInternal(key, value)
	return ix.write(ctx, "index.Reanalyse", batch)
}

// write hands bleve a batch and waits until it is on disk (or bleve
// failed to write it, or ctx ended); op names the caller in errors.
func (ix *Index) write(ctx context.Context, op string, batch *bleve.Batch) error {
	persisted := make(chan error, 1)
	batch.SetPersistedCallback(func(err error) { persisted <- err })
	_, failed := ix.guard.persisting()
	if err := ix.bleve.Batch(batch); err != nil {
		return indexError(op, err)
	}
	return ix.waitPersisted(ctx, persisted, failed)
}

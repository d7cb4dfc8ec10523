package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"tian"
	"tian/internal/storecore"
)

// Import batches as sqlite keeps them (sqlite/batch.go): the importer
// records each committed import and, for each proposal it added or
// updated, the version it replaced and a hash of what it wrote; undo
// compares each proposal with the hash and refuses to lose a later
// change.

var _ tian.BatchStore = (*DB)(nil)

const batchColumns = `id, file, actor, at, rows, added, updated, unchanged, rejected, not_proposals,
	new_categories, new_units, undone_at, undone_by`

func scanBatch(row pgx.Row) (tian.Batch, error) {
	var b tian.Batch
	var at time.Time
	var undone *time.Time
	err := row.Scan(&b.ID, &b.File, &b.Actor, &at, &b.Rows, &b.Added, &b.Updated, &b.Unchanged, &b.Rejected,
		&b.NotProposals, &b.NewCategories, &b.NewUnits, &undone, &b.UndoneBy)
	if err != nil {
		return b, err
	}
	b.At = stamp(at)
	if undone != nil {
		b.UndoneAt = stamp(*undone)
	}
	b.NewCategories, b.NewUnits = storecore.OrNone(b.NewCategories), storecore.OrNone(b.NewUnits)
	return b, nil
}

// Batches reads one page of the batches, newest first.
func (db *DB) Batches(ctx context.Context, offset, limit int) (*tian.BatchPage, error) {
	const op = "postgres.Batches"
	if offset < 0 || limit < 1 || limit > 500 {
		return nil, tian.Errorf(tian.EINVALID, "limit 须在 1–500 之间，offset 不能为负")
	}
	tx, err := db.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, classify(op, err)
	}
	defer tx.Rollback(ctx)
	page := &tian.BatchPage{Offset: offset, Batches: []tian.Batch{}}
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM batches`).Scan(&page.Total); err != nil {
		return nil, classify(op, err)
	}
	rows, err := tx.Query(ctx, `SELECT `+batchColumns+` FROM batches ORDER BY id DESC LIMIT $1 OFFSET $2`, limit, offset)
	if err != nil {
		return nil, classify(op, err)
	}
	defer rows.Close()
	for rows.Next() {
		b, err := scanBatch(rows)
		if err != nil {
			return nil, classify(op, err)
		}
		page.Batches = append(page.Batches, b)
	}
	return page, classify(op, rows.Err())
}

// Batch returns one batch, or ENOTFOUND.
func (db *DB) Batch(ctx context.Context, id int64) (*tian.Batch, error) {
	b, err := getBatch(ctx, db.pool, id, false)
	if err != nil {
		return nil, classify("postgres.Batch", err)
	}
	return &b, nil
}

// getBatch reads a batch, locking its row for an undo when forUpdate.
func getBatch(ctx context.Context, q querier, id int64, forUpdate bool) (tian.Batch, error) {
	query := `SELECT ` + batchColumns + ` FROM batches WHERE id = $1`
	if forUpdate {
		query += ` FOR UPDATE`
	}
	b, err := scanBatch(q.QueryRow(ctx, query, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return b, tian.Errorf(tian.ENOTFOUND, "没有编号为%d的导入批次", id)
	}
	return b, err
}

// batchEntry is one proposal a batch added or updated; before is the
// version an update replaced (JSON).
type batchEntry struct {
	number, action, afterHash string
	before                    []byte
}

// UndoBatch removes what a batch added and restores what it updated, in
// one write transaction, audited, with the changes logged for the index.
func (db *DB) UndoBatch(ctx context.Context, id int64, actor string) (*tian.UndoReport, error) {
	rep := &tian.UndoReport{Removed: []string{}, Restored: []string{}}
	err := db.inTx(ctx, "postgres.UndoBatch", func(tx pgx.Tx) error {
		b, err := getBatch(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if b.UndoneAt != "" {
			return storecore.AlreadyUndone(b)
		}
		rows, err := tx.Query(ctx, `SELECT number, action, after_hash, before FROM batch_items WHERE batch_id = $1 ORDER BY number`, id)
		if err != nil {
			return err
		}
		entries, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (batchEntry, error) {
			var e batchEntry
			return e, r.Scan(&e.number, &e.action, &e.afterHash, &e.before)
		})
		if err != nil {
			return err
		}
		if err := checkUndo(ctx, tx, b, entries); err != nil {
			return err
		}
		if err := db.revert(ctx, tx, entries, rep); err != nil {
			return err
		}
		if err := removeUnused(ctx, tx, b, rep); err != nil {
			return err
		}
		now := db.now()
		if _, err := tx.Exec(ctx, `UPDATE batches SET undone_at = $1, undone_by = $2 WHERE id = $3`, now, actor, id); err != nil {
			return err
		}
		b.UndoneAt, b.UndoneBy = stamp(now), actor
		rep.Batch = b
		return db.audit(ctx, tx, actor, "imports.undo", fmt.Sprint(id), storecore.UndoDetail(rep))
	})
	if err != nil {
		return nil, err
	}
	return rep, nil
}

// checkUndo refuses (ECONFLICT) an undo that would lose a later change:
// a proposal of the batch that is no longer as the batch left it, or a
// proposal outside the batch merged into one the batch added.
func checkUndo(ctx context.Context, tx pgx.Tx, b tian.Batch, entries []batchEntry) error {
	var conflicts []storecore.UndoConflict
	laterSeen := map[string]bool{}
	var later []string
	for _, e := range entries {
		p, _, found, err := getProposal(ctx, tx, e.number)
		if err != nil {
			return err
		}
		if found && storecore.HashOf(p) == e.afterHash {
			continue
		}
		c := storecore.UndoConflict{Number: e.number, Why: "此后被修改"}
		if !found {
			c.Why = "此后被删除"
		}
		rows, err := tx.Query(ctx, `SELECT b.id, b.file FROM batch_items i JOIN batches b ON b.id = i.batch_id
			WHERE i.number = $1 AND i.batch_id > $2 AND b.undone_at IS NULL ORDER BY b.id DESC`, e.number, b.ID)
		if err != nil {
			return err
		}
		if c.Later, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (string, error) {
			var id int64
			var file string
			err := r.Scan(&id, &file)
			return fmt.Sprintf("第%d批导入“%s”", id, file), err
		}); err != nil {
			return err
		}
		for _, l := range c.Later {
			if !laterSeen[l] {
				laterSeen[l] = true
				later = append(later, l)
			}
		}
		conflicts = append(conflicts, c)
	}
	rows, err := tx.Query(ctx, `SELECT p.number || '并入' || p.merged_into FROM batch_items i
		JOIN proposals p ON p.merged_into = i.number
		WHERE i.batch_id = $1 AND i.action = 'added'
		AND NOT EXISTS (SELECT 1 FROM batch_items j WHERE j.batch_id = i.batch_id AND j.number = p.number AND j.action = 'added')
		ORDER BY p.number`, b.ID)
	if err != nil {
		return err
	}
	merged, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return err
	}
	if len(conflicts) == 0 && len(merged) == 0 {
		return nil
	}
	return tian.Errorf(tian.ECONFLICT, "%s", storecore.UndoConflictMessage(b, conflicts, later, merged))
}

// revert deletes the added proposals and writes back the updated ones,
// logging each change for the index. The versions written back find
// their category and units by name, created again if they have gone.
func (db *DB) revert(ctx context.Context, tx pgx.Tx, entries []batchEntry, rep *tian.UndoReport) error {
	im, err := db.newImporter(ctx, tx, &tian.ImportReport{}, tian.ImportOptions{})
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.action == "added" {
			if _, err := tx.Exec(ctx, `DELETE FROM proposals WHERE number = $1`, e.number); err != nil {
				return err
			}
			if err := db.logChange(ctx, tx, e.number, tian.ChangeDelete); err != nil {
				return err
			}
			rep.Removed = append(rep.Removed, e.number)
			continue
		}
		var p tian.Proposal
		if err := json.Unmarshal(e.before, &p); err != nil {
			return fmt.Errorf("batch item %s: %w", e.number, err)
		}
		old, id, _, err := getProposal(ctx, tx, e.number)
		if err != nil {
			return err
		}
		catID, err := im.category(ctx, p.Category)
		if err != nil {
			return err
		}
		unitIDs, err := im.createUnits(ctx, p.Units())
		if err != nil {
			return err
		}
		if err := im.write(ctx, old, id, &p, catID, unitIDs); err != nil {
			return err
		}
		rep.Restored = append(rep.Restored, e.number)
	}
	return nil
}

// removeUnused deletes the categories and units the batch created that
// no proposal refers to any more (a unit given aliases, a kind or duties
// since is kept).
func removeUnused(ctx context.Context, tx pgx.Tx, b tian.Batch, rep *tian.UndoReport) error {
	rep.RemovedCategories, rep.RemovedUnits = []string{}, []string{}
	rows, err := tx.Query(ctx, `DELETE FROM categories c WHERE c.name = ANY($1)
		AND NOT EXISTS (SELECT 1 FROM proposals p WHERE p.category_id = c.id) RETURNING c.name`, b.NewCategories)
	if err != nil {
		return err
	}
	gone, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return err
	}
	rep.RemovedCategories = inOrder(b.NewCategories, gone)
	rows, err = tx.Query(ctx, `DELETE FROM units u WHERE u.name = ANY($1) AND u.kind = '' AND u.duties = ''
		AND NOT EXISTS (SELECT 1 FROM routings r WHERE r.unit_id = u.id)
		AND NOT EXISTS (SELECT 1 FROM unit_aliases a WHERE a.unit_id = u.id) RETURNING u.name`, b.NewUnits)
	if err != nil {
		return err
	}
	if gone, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
		return err
	}
	rep.RemovedUnits = inOrder(b.NewUnits, gone)
	return nil
}

// inOrder is the names of all that are in some, in all's order.
func inOrder(all, some []string) []string {
	in := make(map[string]bool, len(some))
	for _, s := range some {
		in[s] = true
	}
	out := []string{}
	for _, s := range all {
		if in[s] {
			out = append(out, s)
		}
	}
	return out
}

package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"tian"
	"tian/internal/storecore"
)

// An import is a batch (tian.Batch): the importer writes its row when it
// begins, one item for each proposal it adds or updates (the version it
// replaced, and a hash of what it wrote), and its counts when it ends, in
// the import's transaction, so a batch exists exactly when its import
// committed. Undo compares each proposal with the hash: a proposal that
// changed after the batch (a later batch, an edit, a delete) refuses the
// undo until that change is undone.

var _ tian.BatchStore = (*DB)(nil)

func (im *importer) beginBatch(ctx context.Context) error {
	return im.tx.QueryRowContext(ctx, `INSERT INTO batches (file, actor, at) VALUES (?, ?, ?) RETURNING id`,
		im.opt.File, im.opt.Actor, im.db.now()).Scan(&im.batch)
}

// batchItem records that the batch wrote p (with category catID) over
// old (nil: added).
func (im *importer) batchItem(ctx context.Context, old, p *tian.Proposal, catID sql.NullInt64) error {
	if im.batch == 0 {
		return nil
	}
	action, before := "added", ""
	if old != nil {
		b, err := json.Marshal(old)
		if err != nil {
			return err
		}
		action, before = "updated", string(b)
	}
	written, err := im.asStored(ctx, p, catID)
	if err != nil {
		return err
	}
	_, err = im.tx.ExecContext(ctx, `INSERT INTO batch_items (batch_id, number, action, before, after_hash) VALUES (?, ?, ?, ?, ?)`,
		im.batch, p.Number, action, before, storecore.HashOf(written))
	return err
}

// asStored is p as reading it back gives it (getProposal), without the
// read: the category by its name (p may name it by code), and an empty
// list of co-handling units rather than none. The units are already the
// catalogue's names (resolveUnits). TestUndoRightAfterImport checks the
// two agree over the demo corpus.
func (im *importer) asStored(ctx context.Context, p *tian.Proposal, catID sql.NullInt64) (*tian.Proposal, error) {
	q := *p
	q.Category = ""
	if catID.Valid {
		if im.catNames == nil {
			im.catNames = map[int64]string{}
		}
		name, ok := im.catNames[catID.Int64]
		if !ok {
			if err := im.tx.QueryRowContext(ctx, `SELECT name FROM categories WHERE id = ?`, catID.Int64).Scan(&name); err != nil {
				return nil, err
			}
			im.catNames[catID.Int64] = name
		}
		q.Category = name
	}
	if q.CoUnits == nil {
		q.CoUnits = []string{}
	}
	return &q, nil
}

func (im *importer) finishBatch(ctx context.Context) error {
	if im.batch == 0 {
		return nil
	}
	r := im.rep
	cats, _ := json.Marshal(storecore.OrNone(r.NewCategories))
	units, _ := json.Marshal(storecore.OrNone(r.NewUnits))
	_, err := im.tx.ExecContext(ctx, `UPDATE batches SET rows = ?, added = ?, updated = ?, unchanged = ?, rejected = ?,
		not_proposals = ?, new_categories = ?, new_units = ? WHERE id = ?`,
		r.Rows, r.Inserted, r.Updated, r.Unchanged, r.Rejected, r.NotProposals, string(cats), string(units), im.batch)
	return err
}

// currentHash is the hash of a proposal as stored now ("" if there is
// none).
func currentHash(ctx context.Context, tx *sql.Tx, number string) (string, error) {
	p, _, err := getProposal(ctx, tx, number)
	if errors.Is(err, errNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return storecore.HashOf(p), nil
}

const batchColumns = `id, file, actor, at, rows, added, updated, unchanged, rejected, not_proposals,
	new_categories, new_units, undone_at, undone_by`

func scanBatch(sc interface{ Scan(...any) error }) (tian.Batch, error) {
	var b tian.Batch
	var cats, units string
	err := sc.Scan(&b.ID, &b.File, &b.Actor, &b.At, &b.Rows, &b.Added, &b.Updated, &b.Unchanged, &b.Rejected,
		&b.NotProposals, &cats, &units, &b.UndoneAt, &b.UndoneBy)
	if err != nil {
		return b, err
	}
	if err := json.Unmarshal([]byte(cats), &b.NewCategories); err != nil {
		return b, err
	}
	if err := json.Unmarshal([]byte(units), &b.NewUnits); err != nil {
		return b, err
	}
	b.NewCategories, b.NewUnits = storecore.OrNone(b.NewCategories), storecore.OrNone(b.NewUnits)
	return b, nil
}

// Batches reads one page of the batches, newest first.
func (db *DB) Batches(ctx context.Context, offset, limit int) (*tian.BatchPage, error) {
	if offset < 0 || limit < 1 || limit > 500 {
		return nil, tian.Errorf(tian.EINVALID, "limit 须在 1–500 之间，offset 不能为负")
	}
	page := &tian.BatchPage{Offset: offset, Batches: []tian.Batch{}}
	if err := db.db.QueryRowContext(ctx, `SELECT count(*) FROM batches`).Scan(&page.Total); err != nil {
		return nil, internal("sqlite.Batches", err)
	}
	rows, err := db.db.QueryContext(ctx, `SELECT `+batchColumns+` FROM batches ORDER BY id DESC LIMIT ? OFFSET ?`, limit, offset)
	if err != nil {
		return nil, internal("sqlite.Batches", err)
	}
	defer rows.Close()
	for rows.Next() {
		b, err := scanBatch(rows)
		if err != nil {
			return nil, internal("sqlite.Batches", err)
		}
		page.Batches = append(page.Batches, b)
	}
	if err := rows.Err(); err != nil {
		return nil, internal("sqlite.Batches", err)
	}
	return page, nil
}

// Batch returns one batch, or ENOTFOUND.
func (db *DB) Batch(ctx context.Context, id int64) (*tian.Batch, error) {
	b, err := getBatch(ctx, db.db, id)
	if err != nil {
		return nil, err
	}
	return &b, nil
}

func getBatch(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, id int64) (tian.Batch, error) {
	b, err := scanBatch(q.QueryRowContext(ctx, `SELECT `+batchColumns+` FROM batches WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return b, tian.Errorf(tian.ENOTFOUND, "没有编号为%d的导入批次", id)
	}
	if err != nil {
		return b, internal("sqlite.Batch", err)
	}
	return b, nil
}

// batchEntry is one proposal a batch added or updated.
type batchEntry struct {
	number, action, before, afterHash string
}

func batchEntries(ctx context.Context, tx *sql.Tx, id int64) ([]batchEntry, error) {
	rows, err := tx.QueryContext(ctx, `SELECT number, action, before, after_hash FROM batch_items WHERE batch_id = ? ORDER BY number`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []batchEntry
	for rows.Next() {
		var e batchEntry
		if err := rows.Scan(&e.number, &e.action, &e.before, &e.afterHash); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// UndoBatch removes what a batch added and restores what it updated.
func (db *DB) UndoBatch(ctx context.Context, id int64, actor string) (*tian.UndoReport, error) {
	rep := &tian.UndoReport{Removed: []string{}, Restored: []string{}}
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		b, err := getBatch(ctx, tx, id)
		if err != nil {
			return err
		}
		if b.UndoneAt != "" {
			return storecore.AlreadyUndone(b)
		}
		entries, err := batchEntries(ctx, tx, id)
		if err != nil {
			return internal("sqlite.UndoBatch", err)
		}
		if err := checkUndo(ctx, tx, b, entries); err != nil {
			return err
		}
		if err := db.revert(ctx, tx, entries, rep); err != nil {
			return internal("sqlite.UndoBatch", err)
		}
		if err := removeUnused(ctx, tx, b, rep); err != nil {
			return internal("sqlite.UndoBatch", err)
		}
		now := db.now()
		if _, err := tx.ExecContext(ctx, `UPDATE batches SET undone_at = ?, undone_by = ? WHERE id = ?`, now, actor, id); err != nil {
			return internal("sqlite.UndoBatch", err)
		}
		b.UndoneAt, b.UndoneBy = now, actor
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
func checkUndo(ctx context.Context, tx *sql.Tx, b tian.Batch, entries []batchEntry) error {
	var conflicts []storecore.UndoConflict
	laterIDs := map[string]bool{}
	var laterOrder []string
	for _, e := range entries {
		hash, err := currentHash(ctx, tx, e.number)
		if err != nil {
			return internal("sqlite.UndoBatch", err)
		}
		if hash == e.afterHash {
			continue
		}
		c := storecore.UndoConflict{Number: e.number, Why: "此后被修改"}
		if hash == "" {
			c.Why = "此后被删除"
		}
		if c.Later, err = laterBatches(ctx, tx, b.ID, e.number); err != nil {
			return internal("sqlite.UndoBatch", err)
		}
		for _, l := range c.Later {
			if !laterIDs[l] {
				laterIDs[l] = true
				laterOrder = append(laterOrder, l)
			}
		}
		conflicts = append(conflicts, c)
	}
	merged, err := mergedIntoAdded(ctx, tx, b.ID)
	if err != nil {
		return internal("sqlite.UndoBatch", err)
	}
	if len(conflicts) == 0 && len(merged) == 0 {
		return nil
	}
	return tian.Errorf(tian.ECONFLICT, "%s", storecore.UndoConflictMessage(b, conflicts, laterOrder, merged))
}

// laterBatches names the batches after id, not undone, that wrote number,
// as 第5批导入“2024补充.xlsx”.
func laterBatches(ctx context.Context, tx *sql.Tx, id int64, number string) ([]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT b.id, b.file FROM batch_items i JOIN batches b ON b.id = i.batch_id
		WHERE i.number = ? AND i.batch_id > ? AND b.undone_at = '' ORDER BY b.id DESC`, number, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var later int64
		var file string
		if err := rows.Scan(&later, &file); err != nil {
			return nil, err
		}
		out = append(out, fmt.Sprintf("第%d批导入“%s”", later, file))
	}
	return out, rows.Err()
}

// mergedIntoAdded lists, as "A并入B", the proposals outside the batch
// merged into a proposal it added: removing it would leave them pointing
// at nothing.
func mergedIntoAdded(ctx context.Context, tx *sql.Tx, id int64) ([]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT p.number, p.merged_into FROM batch_items i
		JOIN proposals p ON p.merged_into = i.number
		WHERE i.batch_id = ? AND i.action = 'added'
		AND NOT EXISTS (SELECT 1 FROM batch_items j WHERE j.batch_id = i.batch_id AND j.number = p.number AND j.action = 'added')
		ORDER BY p.number`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n, into string
		if err := rows.Scan(&n, &into); err != nil {
			return nil, err
		}
		out = append(out, n+"并入"+into)
	}
	return out, rows.Err()
}

// revert deletes the added proposals and writes back the updated ones,
// logging each change for the index.
func (db *DB) revert(ctx context.Context, tx *sql.Tx, entries []batchEntry, rep *tian.UndoReport) error {
	units, err := loadUnits(ctx, tx)
	if err != nil {
		return err
	}
	cats, err := loadCategoryIDs(ctx, tx)
	if err != nil {
		return err
	}
	now := db.now()
	for _, e := range entries {
		if e.action == "added" {
			if _, err := tx.ExecContext(ctx, `DELETE FROM proposals WHERE number = ?`, e.number); err != nil {
				return err
			}
			if err := logChange(ctx, tx, now, e.number, "delete"); err != nil {
				return err
			}
			rep.Removed = append(rep.Removed, e.number)
			continue
		}
		if err := restore(ctx, tx, now, e, units, cats); err != nil {
			return err
		}
		rep.Restored = append(rep.Restored, e.number)
	}
	return nil
}

// restore writes back the version of a proposal a batch replaced. Its
// category and units are found by name, and created if they have gone.
func restore(ctx context.Context, tx *sql.Tx, now string, e batchEntry, units *unitCatalog, cats map[string]int64) error {
	var p tian.Proposal
	if err := json.Unmarshal([]byte(e.before), &p); err != nil {
		return fmt.Errorf("batch item %s: %w", e.number, err)
	}
	_, id, err := getProposal(ctx, tx, e.number)
	if err != nil {
		return err
	}
	var catID sql.NullInt64
	if p.Category != "" {
		cid, ok := cats[p.Category]
		if !ok {
			if err := tx.QueryRowContext(ctx, `INSERT INTO categories (code, name) VALUES (?, ?) RETURNING id`, p.Category, p.Category).Scan(&cid); err != nil {
				return err
			}
			cats[p.Category] = cid
		}
		catID = sql.NullInt64{Int64: cid, Valid: true}
	}
	var unitIDs []int64
	for _, name := range p.Units() {
		uid, _, found := units.Resolve(name)
		if !found {
			if err := tx.QueryRowContext(ctx, `INSERT INTO units (name) VALUES (?) RETURNING id`, name).Scan(&uid); err != nil {
				return err
			}
			units.Add(uid, name)
		}
		unitIDs = append(unitIDs, uid)
	}
	if _, err := writeProposal(ctx, tx, now, id, &p, catID); err != nil {
		return err
	}
	if err := writeRoutings(ctx, tx, id, unitIDs, p.LeadUnit != ""); err != nil {
		return err
	}
	return logChange(ctx, tx, now, p.Number, "upsert")
}

// removeUnused deletes the categories and units the batch created that
// no proposal refers to any more (a unit given aliases, a kind or duties
// since is kept).
func removeUnused(ctx context.Context, tx *sql.Tx, b tian.Batch, rep *tian.UndoReport) error {
	rep.RemovedCategories, rep.RemovedUnits = []string{}, []string{}
	for _, name := range b.NewCategories {
		res, err := tx.ExecContext(ctx, `DELETE FROM categories WHERE name = ?
			AND NOT EXISTS (SELECT 1 FROM proposals p WHERE p.category_id = categories.id)`, name)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n > 0 {
			rep.RemovedCategories = append(rep.RemovedCategories, name)
		}
	}
	for _, name := range b.NewUnits {
		res, err := tx.ExecContext(ctx, `DELETE FROM units WHERE name = ? AND kind = '' AND duties = ''
			AND NOT EXISTS (SELECT 1 FROM routings r WHERE r.unit_id = units.id)
			AND NOT EXISTS (SELECT 1 FROM unit_aliases a WHERE a.unit_id = units.id)`, name)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n > 0 {
			rep.RemovedUnits = append(rep.RemovedUnits, name)
		}
	}
	return nil
}

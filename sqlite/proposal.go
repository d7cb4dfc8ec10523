package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"tian"
	"tian/internal/storecore"
)

// ImportProposals upserts records by number in one transaction: a record
// equal to the stored proposal changes nothing, so importing a file twice
// is a no-op. Bad records are reported row by row and skipped, or, under
// Strict, make the whole file roll back. Categories are created as they
// appear (the label set comes from data), for accepted records only. On
// an update, a field the record lacks (tian.Record.Fields) keeps its
// stored value, or is emptied under ClearAbsent; "unchanged" is judged on
// the merged result.
func (db *DB) ImportProposals(ctx context.Context, recs []tian.Record, opt tian.ImportOptions) (*tian.ImportReport, error) {
	rep := &tian.ImportReport{File: opt.File, Rows: len(recs)}
	db.writing.Add(1)
	defer db.writing.Add(-1)
	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, internal("sqlite.ImportProposals", err)
	}
	defer tx.Rollback()
	im, err := db.newImporter(ctx, tx, rep, opt)
	if err == nil && !opt.Edit {
		err = im.beginBatch(ctx)
	}
	if err != nil {
		return nil, internal("sqlite.ImportProposals", err)
	}
	for i := range recs {
		if err := im.record(ctx, &recs[i], recs); err != nil {
			return nil, internal("sqlite.ImportProposals", err)
		}
		if opt.Progress != nil {
			opt.Progress(i + 1)
		}
	}
	rep.Rejected = im.rejected
	if opt.Strict && len(rep.Errors) > 0 {
		rep.Inserted, rep.Updated, rep.Unchanged, rep.NotProposals, rep.NewCategories, rep.NewUnits = 0, 0, 0, 0, nil, nil
		return rep, nil
	}
	if opt.DryRun { // the counts say what a commit would do; the transaction rolls back
		rep.DryRun = true
		return rep, nil
	}
	if err := im.finishBatch(ctx); err != nil {
		return nil, internal("sqlite.ImportProposals", err)
	}
	detail := fmt.Sprintf("rows %d, inserted %d, updated %d, unchanged %d, rejected %d, not proposals %d, batch %d",
		rep.Rows, rep.Inserted, rep.Updated, rep.Unchanged, rep.Rejected, rep.NotProposals, im.batch)
	if err := db.audit(ctx, tx, opt.Actor, "proposals.import", opt.File, detail); err != nil {
		return nil, internal("sqlite.ImportProposals", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, internal("sqlite.ImportProposals", err)
	}
	rep.Committed, rep.Batch = true, im.batch
	return rep, nil
}

// importer holds the state of one import transaction.
type importer struct {
	db         *DB
	tx         *sql.Tx
	rep        *tian.ImportReport
	opt        tian.ImportOptions
	units      *unitCatalog
	createAll  bool             // the catalogue was empty: learn it
	categories map[string]int64 // names and codes
	rowOf      map[string]int   // number → row, within this file
	rejected   int
	row        int              // the record's row, for Outcome
	batch      int64            // the batch being written (batch.go); 0 for an edit
	catNames   map[int64]string // category names by id, as the batch needs them
}

func (db *DB) newImporter(ctx context.Context, tx *sql.Tx, rep *tian.ImportReport, opt tian.ImportOptions) (*importer, error) {
	units, err := loadUnits(ctx, tx)
	if err != nil {
		return nil, err
	}
	cats, err := loadCategoryIDs(ctx, tx)
	if err != nil {
		return nil, err
	}
	return &importer{db: db, tx: tx, rep: rep, opt: opt, units: units, createAll: units.Len() == 0,
		categories: cats, rowOf: map[string]int{}}, nil
}

func (im *importer) fail(row int, field, msg string) {
	col := im.opt.Columns[field]
	if col == "" {
		col = field
	}
	im.rep.Errors = append(im.rep.Errors, tian.RowError{File: im.opt.File, Row: row, Column: col, Message: msg})
}

// record checks, resolves and writes one record. Problems with the record
// are reported and skip it; only database failures are returned. Nothing
// is written for a rejected record: the categories and units it would
// create are created only once it is accepted.
func (im *importer) record(ctx context.Context, rec *tian.Record, all []tian.Record) error {
	im.row = rec.Row
	old, oldID, err := getProposal(ctx, im.tx, rec.Proposal.Number)
	switch {
	case errors.Is(err, errNotFound):
		old, err = nil, nil
	case err != nil:
		return err
	}
	p := rec.Proposal
	if old != nil {
		p = storecore.MergeFields(*old, p, rec.Fields, im.opt.ClearAbsent)
	}
	errsBefore := len(im.rep.Errors)
	for _, fp := range p.Check() {
		im.fail(rec.Row, fp.Field, fp.Message)
	}
	if first, dup := im.rowOf[p.Number]; dup && p.Number != "" {
		im.fail(rec.Row, "number", fmt.Sprintf("提案号%s与第%d行重复", p.Number, first))
	}
	if len(im.rep.Errors) > errsBefore {
		im.reject()
		return nil
	}
	im.rowOf[p.Number] = rec.Row
	units, ok := im.resolveUnits(rec.Row, &p)
	if ok {
		ok, err = im.checkMergedInto(ctx, rec.Row, &p, all)
	}
	if err != nil || !ok {
		im.reject()
		return err
	}
	// a file's records are judged by the rule; a proposal written by hand
	// (Edit) is what its writer says it is: a proposal unless marked
	if !im.opt.Edit {
		p.NotProposal = !im.opt.AllProposals && !p.IsProposal()
	}
	if p.NotProposal {
		im.rep.NotProposals++
	}
	catID, err := im.category(ctx, p.Category)
	if err != nil {
		return err
	}
	unitIDs, err := im.createUnits(ctx, units)
	if err != nil {
		return err
	}
	return im.upsert(ctx, old, oldID, &p, catID, unitIDs)
}

// category resolves a name or code, creating the category when new.
func (im *importer) category(ctx context.Context, name string) (sql.NullInt64, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return sql.NullInt64{}, nil
	}
	if id, ok := im.categories[name]; ok {
		return sql.NullInt64{Int64: id, Valid: true}, nil
	}
	var id int64
	err := im.tx.QueryRowContext(ctx, `INSERT INTO categories (code, name) VALUES (?, ?) RETURNING id`, name, name).Scan(&id)
	if err != nil {
		return sql.NullInt64{}, err
	}
	im.categories[name] = id
	im.rep.NewCategories = append(im.rep.NewCategories, name)
	return sql.NullInt64{Int64: id, Valid: true}, nil
}

// resolveUnits maps the lead and co-handling units to the catalogue
// (storecore.UnitCatalog.ResolveUnits), reporting unknown units on row.
func (im *importer) resolveUnits(row int, p *tian.Proposal) (names []string, ok bool) {
	return im.units.ResolveUnits(p, im.createAll || im.opt.NewUnits, func(field, msg string) { im.fail(row, field, msg) })
}

// createUnits returns the ids of units by name, creating those the
// catalogue does not have yet.
func (im *importer) createUnits(ctx context.Context, names []string) ([]int64, error) {
	ids := make([]int64, 0, len(names))
	for _, name := range names {
		id, _, found := im.units.Resolve(name)
		if !found {
			if err := im.tx.QueryRowContext(ctx, `INSERT INTO units (name) VALUES (?) RETURNING id`, name).Scan(&id); err != nil {
				return nil, err
			}
			im.units.Add(id, name)
			im.rep.NewUnits = append(im.rep.NewUnits, name)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// checkMergedInto requires the target of a merge to be in the file or the
// store.
func (im *importer) checkMergedInto(ctx context.Context, row int, p *tian.Proposal, all []tian.Record) (bool, error) {
	if p.MergedInto == "" {
		return true, nil
	}
	for i := range all {
		if all[i].Proposal.Number == p.MergedInto {
			return true, nil
		}
	}
	var n int
	if err := im.tx.QueryRowContext(ctx, `SELECT count(*) FROM proposals WHERE number = ?`, p.MergedInto).Scan(&n); err != nil {
		return false, err
	}
	if n == 0 {
		im.fail(row, "merged_into", fmt.Sprintf("并入的提案号%s不存在", p.MergedInto))
		return false, nil
	}
	return true, nil
}

func (im *importer) reject() {
	im.rejected++
	im.outcome("rejected")
}

func (im *importer) outcome(what string) {
	if im.opt.Outcome != nil {
		im.opt.Outcome(im.row, what)
	}
}

// upsert writes p, the merged record, over old (nil for a new proposal).
func (im *importer) upsert(ctx context.Context, old *tian.Proposal, oldID int64, p *tian.Proposal, catID sql.NullInt64, unitIDs []int64) error {
	switch {
	case old == nil:
		im.rep.Inserted++
		im.outcome("inserted")
	case storecore.SameProposal(old, p):
		im.rep.Unchanged++
		im.outcome("unchanged")
		return nil
	default:
		im.rep.Updated++
		im.outcome("updated")
	}
	id, err := writeProposal(ctx, im.tx, im.db.now(), oldID, p, catID)
	if err != nil {
		return err
	}
	if err := writeRoutings(ctx, im.tx, id, unitIDs, p.LeadUnit != ""); err != nil {
		return err
	}
	if err := logChange(ctx, im.tx, im.db.now(), p.Number, "upsert"); err != nil {
		return err
	}
	return im.batchItem(ctx, old, p, catID)
}

func writeProposal(ctx context.Context, tx *sql.Tx, now string, id int64, p *tian.Proposal, catID sql.NullInt64) (int64, error) {
	args := []any{p.Number, p.Year, p.Session, p.Title, p.Body, p.Proposer, string(p.ProposerType), p.Sector, catID,
		string(p.Status), p.StatusReason, p.MergedInto, p.Reply, p.Submitted, p.ReplyDate, p.NotProposal, p.WrittenNumber, now}
	if id != 0 {
		_, err := tx.ExecContext(ctx, `UPDATE proposals SET number = ?, year = ?, session = ?, title = ?, body = ?,
			proposer = ?, proposer_type = ?, sector = ?, category_id = ?, status = ?, status_reason = ?,
			merged_into = ?, reply = ?, submitted = ?, reply_date = ?, not_proposal = ?, written_number = ?, updated_at = ? WHERE id = ?`, append(args, id)...)
		return id, err
	}
	err := tx.QueryRowContext(ctx, `INSERT INTO proposals (number, year, session, title, body, proposer,
		proposer_type, sector, category_id, status, status_reason, merged_into, reply, submitted, reply_date,
		not_proposal, written_number, updated_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		append(args, now)...).Scan(&id)
	return id, err
}

// writeRoutings replaces the routings of a proposal: the first unit leads
// when hasLead, the others co-handle, in order.
func writeRoutings(ctx context.Context, tx *sql.Tx, proposalID int64, unitIDs []int64, hasLead bool) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM routings WHERE proposal_id = ?`, proposalID); err != nil {
		return err
	}
	for i, uid := range unitIDs {
		role := "co"
		if i == 0 && hasLead {
			role = "lead"
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO routings (proposal_id, unit_id, role, ord) VALUES (?, ?, ?, ?)`,
			proposalID, uid, role, i); err != nil {
			return err
		}
	}
	return nil
}

func logChange(ctx context.Context, tx *sql.Tx, now, number, op string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO changes (number, op, at) VALUES (?, ?, ?)`, number, op, now)
	return err
}

func loadCategoryIDs(ctx context.Context, q querier) (map[string]int64, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, code, name FROM categories`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	m := map[string]int64{}
	for rows.Next() {
		var id int64
		var code, name string
		if err := rows.Scan(&id, &code, &name); err != nil {
			return nil, err
		}
		m[code], m[name] = id, id
	}
	return m, rows.Err()
}

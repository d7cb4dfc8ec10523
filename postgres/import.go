package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"tian"
	"tian/internal/storecore"
)

// ImportProposals upserts records by number in one transaction, with the
// behaviour of sqlite.DB.ImportProposals: a record equal to the stored
// proposal changes nothing; bad records are reported row by row and
// skipped, or under Strict make the whole file roll back; categories and
// units are created for accepted records only; a field a record lacks
// keeps its stored value unless ClearAbsent. A committed import is a
// batch (its items hold the version each update replaced).
func (db *DB) ImportProposals(ctx context.Context, recs []tian.Record, opt tian.ImportOptions) (*tian.ImportReport, error) {
	const op = "postgres.ImportProposals"
	rep := &tian.ImportReport{File: opt.File, Rows: len(recs)}
	tx, err := db.begin(ctx, op)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(ctx)
	im, err := db.newImporter(ctx, tx, rep, opt)
	if err == nil && !opt.Edit {
		err = tx.QueryRow(ctx, `INSERT INTO batches (file, actor, at) VALUES ($1, $2, $3) RETURNING id`,
			opt.File, opt.Actor, db.now()).Scan(&im.batch)
	}
	if err != nil {
		return nil, classify(op, err)
	}
	inFile := make(map[string]bool, len(recs))
	for i := range recs {
		inFile[recs[i].Proposal.Number] = true
	}
	for i := range recs {
		if err := im.record(ctx, &recs[i], inFile); err != nil {
			return nil, classify(op, err)
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
	if err := im.finish(ctx); err != nil {
		return nil, classify(op, err)
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, classify(op, err)
	}
	rep.Committed, rep.Batch = true, im.batch
	return rep, nil
}

// importer holds the state of one import transaction.
type importer struct {
	db         *DB
	tx         pgx.Tx
	rep        *tian.ImportReport
	opt        tian.ImportOptions
	units      *storecore.UnitCatalog
	learn      bool             // unknown units are created
	categories map[string]int64 // by name and code
	catNames   map[int64]string
	rowOf      map[string]int // number → row, within this file
	rejected   int
	batch      int64 // 0 for an edit
}

func (db *DB) newImporter(ctx context.Context, tx pgx.Tx, rep *tian.ImportReport, opt tian.ImportOptions) (*importer, error) {
	units, err := loadUnits(ctx, tx)
	if err != nil {
		return nil, err
	}
	im := &importer{db: db, tx: tx, rep: rep, opt: opt, units: units, learn: units.Len() == 0 || opt.NewUnits,
		categories: map[string]int64{}, catNames: map[int64]string{}, rowOf: map[string]int{}}
	rows, err := tx.Query(ctx, `SELECT id, code, name FROM categories`)
	if err != nil {
		return nil, err
	}
	var id int64
	var code, name string
	_, err = pgx.ForEachRow(rows, []any{&id, &code, &name}, func() error {
		im.categories[code], im.categories[name], im.catNames[id] = id, id, name
		return nil
	})
	return im, err
}

func (im *importer) fail(row int, field, msg string) {
	col := im.opt.Columns[field]
	if col == "" {
		col = field
	}
	im.rep.Errors = append(im.rep.Errors, tian.RowError{File: im.opt.File, Row: row, Column: col, Message: msg})
}

func (im *importer) outcome(row int, what string) {
	if what == "rejected" {
		im.rejected++
	}
	if im.opt.Outcome != nil {
		im.opt.Outcome(row, what)
	}
}

// record checks, resolves and writes one record. Problems with the
// record are reported and skip it, writing nothing; only database
// failures are returned.
func (im *importer) record(ctx context.Context, rec *tian.Record, inFile map[string]bool) error {
	old, oldID, found, err := getProposal(ctx, im.tx, rec.Proposal.Number)
	if err != nil {
		return err
	}
	p := rec.Proposal
	if found {
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
		im.outcome(rec.Row, "rejected")
		return nil
	}
	im.rowOf[p.Number] = rec.Row
	names, ok := im.units.ResolveUnits(&p, im.learn, func(field, msg string) { im.fail(rec.Row, field, msg) })
	if ok && p.MergedInto != "" && !inFile[p.MergedInto] {
		var exists bool
		if err := im.tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM proposals WHERE number = $1)`, p.MergedInto).Scan(&exists); err != nil {
			return err
		}
		if !exists {
			im.fail(rec.Row, "merged_into", fmt.Sprintf("并入的提案号%s不存在", p.MergedInto))
			ok = false
		}
	}
	if !ok {
		im.outcome(rec.Row, "rejected")
		return nil
	}
	// a file's records are judged by the rule; a proposal written by hand
	// (Edit) is what its writer says it is
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
	unitIDs, err := im.createUnits(ctx, names)
	if err != nil {
		return err
	}
	switch {
	case !found:
		im.rep.Inserted++
		im.outcome(rec.Row, "inserted")
	case storecore.SameProposal(old, &p):
		im.rep.Unchanged++
		im.outcome(rec.Row, "unchanged")
		return nil
	default:
		im.rep.Updated++
		im.outcome(rec.Row, "updated")
	}
	return im.write(ctx, old, oldID, &p, catID, unitIDs)
}

// category resolves a name or code, creating the category when new; nil
// for none.
func (im *importer) category(ctx context.Context, name string) (*int64, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return nil, nil
	}
	if id, ok := im.categories[name]; ok {
		return &id, nil
	}
	var id int64
	if err := im.tx.QueryRow(ctx, `INSERT INTO categories (code, name) VALUES ($1, $1) RETURNING id`, name).Scan(&id); err != nil {
		return nil, err
	}
	im.categories[name], im.catNames[id] = id, name
	im.rep.NewCategories = append(im.rep.NewCategories, name)
	return &id, nil
}

// createUnits returns the ids of units by name, creating those the
// catalogue does not have yet.
func (im *importer) createUnits(ctx context.Context, names []string) ([]int64, error) {
	ids := make([]int64, 0, len(names))
	for _, name := range names {
		id, _, found := im.units.Resolve(name)
		if !found {
			if err := im.tx.QueryRow(ctx, `INSERT INTO units (name) VALUES ($1) RETURNING id`, name).Scan(&id); err != nil {
				return nil, err
			}
			im.units.Add(id, name)
			im.rep.NewUnits = append(im.rep.NewUnits, name)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// write stores p over old (nil: new), its routings (the first unit leads
// when p has a lead unit), the change and the batch item.
func (im *importer) write(ctx context.Context, old *tian.Proposal, id int64, p *tian.Proposal, catID *int64, unitIDs []int64) error {
	now := im.db.now()
	args := []any{p.Number, p.WrittenNumber, p.Year, p.Session, p.Title, p.Body, p.Proposer, string(p.ProposerType), p.Sector,
		catID, string(p.Status), p.StatusReason, p.MergedInto, p.Reply, p.Submitted, p.ReplyDate, p.NotProposal, now}
	var err error
	if old != nil {
		_, err = im.tx.Exec(ctx, `UPDATE proposals SET number = $1, written_number = $2, year = $3, session = $4,
			title = $5, body = $6, proposer = $7, proposer_type = $8, sector = $9, category_id = $10, status = $11,
			status_reason = $12, merged_into = $13, reply = $14, submitted = $15, reply_date = $16, not_proposal = $17,
			updated_at = $18 WHERE id = $19`, append(args, id)...)
	} else {
		err = im.tx.QueryRow(ctx, `INSERT INTO proposals (number, written_number, year, session, title, body, proposer,
			proposer_type, sector, category_id, status, status_reason, merged_into, reply, submitted, reply_date,
			not_proposal, updated_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14,
			$15, $16, $17, $18, $18) RETURNING id`, args...).Scan(&id)
	}
	if err != nil {
		return err
	}
	// the rest in one round trip: the routings, the change, the batch item
	b := &pgx.Batch{}
	b.Queue(`DELETE FROM routings WHERE proposal_id = $1`, id)
	if len(unitIDs) > 0 {
		roles := make([]string, len(unitIDs))
		for i := range roles {
			roles[i] = "co"
		}
		if p.LeadUnit != "" {
			roles[0] = "lead"
		}
		b.Queue(`INSERT INTO routings (proposal_id, unit_id, role, ord)
			SELECT $1, u.id, u.role, u.ord - 1 FROM unnest($2::bigint[], $3::text[]) WITH ORDINALITY AS u(id, role, ord)`,
			id, unitIDs, roles)
	}
	b.Queue(logChangeSQL, p.Number, tian.ChangeUpsert, im.db.now())
	if err := im.batchItem(b, old, p, catID); err != nil {
		return err
	}
	return im.tx.SendBatch(ctx, b).Close()
}

// batchItem records that the batch wrote p over old (nil: added), with a
// hash of p as reading it back gives it: the category by name, [] for no
// co-handling units.
func (im *importer) batchItem(b *pgx.Batch, old, p *tian.Proposal, catID *int64) error {
	if im.batch == 0 {
		return nil
	}
	action, before := "added", []byte(nil)
	if old != nil {
		b, err := json.Marshal(old)
		if err != nil {
			return err
		}
		action, before = "updated", b
	}
	written := *p
	written.Category = ""
	if catID != nil {
		written.Category = im.catNames[*catID]
	}
	if written.CoUnits == nil {
		written.CoUnits = []string{}
	}
	b.Queue(`INSERT INTO batch_items (batch_id, number, action, before, after_hash) VALUES ($1, $2, $3, $4, $5)`,
		im.batch, p.Number, action, before, storecore.HashOf(&written))
	return nil
}

// finish writes the batch's counts and audits the import.
func (im *importer) finish(ctx context.Context) error {
	r := im.rep
	if im.batch != 0 {
		cats, _ := json.Marshal(storecore.OrNone(r.NewCategories))
		units, _ := json.Marshal(storecore.OrNone(r.NewUnits))
		if _, err := im.tx.Exec(ctx, `UPDATE batches SET rows = $1, added = $2, updated = $3, unchanged = $4,
			rejected = $5, not_proposals = $6, new_categories = $7, new_units = $8 WHERE id = $9`,
			r.Rows, r.Inserted, r.Updated, r.Unchanged, r.Rejected, r.NotProposals, cats, units, im.batch); err != nil {
			return err
		}
	}
	detail := fmt.Sprintf("rows %d, inserted %d, updated %d, unchanged %d, rejected %d, not proposals %d, batch %d",
		r.Rows, r.Inserted, r.Updated, r.Unchanged, r.Rejected, r.NotProposals, im.batch)
	return im.db.audit(ctx, im.tx, im.opt.Actor, "proposals.import", im.opt.File, detail)
}

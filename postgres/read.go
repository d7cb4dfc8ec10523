package postgres

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"tian"
)

// MaxPageSize is the most proposals ListProposals returns at once.
const MaxPageSize = 500

// querier is what reads need of the pool and of a transaction.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

const proposalColumns = `p.id, p.number, p.written_number, p.year, p.session, p.title, p.body, p.proposer, p.proposer_type,
	p.sector, coalesce(c.name, ''), p.status, p.status_reason, p.merged_into, p.reply, p.submitted, p.reply_date, p.not_proposal`

const fromProposals = ` FROM proposals p LEFT JOIN categories c ON c.id = p.category_id`

// scanned is a proposal read with its row id.
type scanned struct {
	id int64
	p  *tian.Proposal
}

func scanProposal(row pgx.Row) (scanned, error) {
	p := &tian.Proposal{}
	var id int64
	var ptype, status string
	err := row.Scan(&id, &p.Number, &p.WrittenNumber, &p.Year, &p.Session, &p.Title, &p.Body, &p.Proposer, &ptype,
		&p.Sector, &p.Category, &status, &p.StatusReason, &p.MergedInto, &p.Reply, &p.Submitted, &p.ReplyDate, &p.NotProposal)
	p.ProposerType, p.Status = tian.ProposerType(ptype), tian.Status(status)
	return scanned{id, p}, err
}

// readProposals runs a query of proposalColumns and fills in the units.
func readProposals(ctx context.Context, q querier, sql string, args ...any) ([]*tian.Proposal, []int64, error) {
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return nil, nil, err
	}
	var ids []int64
	out := []*tian.Proposal{}
	for rows.Next() {
		s, err := scanProposal(rows)
		if err != nil {
			rows.Close()
			return nil, nil, err
		}
		out, ids = append(out, s.p), append(ids, s.id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	return out, ids, loadRoutings(ctx, q, ids, out)
}

// loadRoutings sets the units of proposals (ids in the same order): the
// lead unit and the co-handling units in order, [] for none.
func loadRoutings(ctx context.Context, q querier, ids []int64, ps []*tian.Proposal) error {
	byID := make(map[int64]*tian.Proposal, len(ids))
	for i, id := range ids {
		byID[id] = ps[i]
		ps[i].CoUnits = []string{}
	}
	if len(ids) == 0 {
		return nil
	}
	rows, err := q.Query(ctx, `SELECT r.proposal_id, r.role, u.name FROM routings r JOIN units u ON u.id = r.unit_id
		WHERE r.proposal_id = ANY($1) ORDER BY r.proposal_id, r.ord`, ids)
	if err != nil {
		return err
	}
	var id int64
	var role, name string
	_, err = pgx.ForEachRow(rows, []any{&id, &role, &name}, func() error {
		p := byID[id]
		if role == "lead" {
			p.LeadUnit = name
		} else {
			p.CoUnits = append(p.CoUnits, name)
		}
		return nil
	})
	return err
}

// getProposal reads one proposal with its units; found is false if
// there is none.
func getProposal(ctx context.Context, q querier, number string) (p *tian.Proposal, id int64, found bool, err error) {
	s, err := scanProposal(q.QueryRow(ctx, `SELECT `+proposalColumns+fromProposals+` WHERE p.number = $1`, number))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, 0, false, nil
	}
	if err != nil {
		return nil, 0, false, err
	}
	return s.p, s.id, true, loadRoutings(ctx, q, []int64{s.id}, []*tian.Proposal{s.p})
}

func notFound(number string) error {
	return tian.Errorf(tian.ENOTFOUND, "没有提案号为%s的提案", number)
}

// Proposal returns the proposal with the given number, or ENOTFOUND.
func (db *DB) Proposal(ctx context.Context, number string) (*tian.Proposal, error) {
	p, _, found, err := getProposal(ctx, db.pool, number)
	if err != nil {
		return nil, classify("postgres.Proposal", err)
	}
	if !found {
		return nil, notFound(number)
	}
	return p, nil
}

// filter is a tian.ProposalFilter as conditions on proposals p.
type filter struct {
	conds []string
	args  []any
}

func (f *filter) add(cond string, arg any) {
	f.args = append(f.args, arg)
	f.conds = append(f.conds, strings.ReplaceAll(cond, "$?", "$"+strconv.Itoa(len(f.args))))
}

func (f *filter) where() string {
	if len(f.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(f.conds, " AND ")
}

// filterOf resolves a category by name or code in the query itself, as
// a set of ids, so that an index on (category_id, number) answers.
func filterOf(pf tian.ProposalFilter) *filter {
	f := &filter{}
	if pf.Year != 0 {
		f.add("p.year = $?", pf.Year)
	}
	if pf.Category != "" {
		f.add("p.category_id IN (SELECT id FROM categories WHERE name = $? OR code = $?)", pf.Category)
	}
	if len(pf.Numbers) > 0 {
		f.add("p.number = ANY($?)", pf.Numbers)
	}
	return f
}

// Proposals returns the proposals f selects, by number.
func (db *DB) Proposals(ctx context.Context, pf tian.ProposalFilter) ([]*tian.Proposal, error) {
	f := filterOf(pf)
	out, _, err := readProposals(ctx, db.pool, `SELECT `+proposalColumns+fromProposals+f.where()+` ORDER BY p.number`, f.args...)
	if err != nil {
		return nil, classify("postgres.Proposals", err)
	}
	return out, nil
}

// ProposalsByNumber returns the proposals that exist among numbers.
func (db *DB) ProposalsByNumber(ctx context.Context, numbers []string) (map[string]*tian.Proposal, error) {
	out := make(map[string]*tian.Proposal, len(numbers))
	if len(numbers) == 0 {
		return out, nil
	}
	ps, err := db.Proposals(ctx, tian.ProposalFilter{Numbers: numbers})
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		out[p.Number] = p
	}
	return out, nil
}

// ListProposals implements tian.Store: one page, by number, of the
// proposals f selects, and how many it selects, read in one snapshot
// (a read-only repeatable-read transaction). The page's ids come from an
// index walk in number order; a page nearer the end is read from the end.
func (db *DB) ListProposals(ctx context.Context, pf tian.ProposalFilter, offset, limit int) (*tian.ProposalPage, error) {
	if offset < 0 || limit < 1 || limit > MaxPageSize {
		return nil, tian.Errorf(tian.EINVALID, "limit 须在 1–%d 之间，offset 不能为负（收到 limit %d，offset %d）", MaxPageSize, limit, offset)
	}
	tx, err := db.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, classify("postgres.ListProposals", err)
	}
	defer tx.Rollback(ctx)
	page := &tian.ProposalPage{Offset: offset, Proposals: []*tian.Proposal{}}
	f := filterOf(pf)
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM proposals p`+f.where(), f.args...).Scan(&page.Total); err != nil {
		return nil, classify("postgres.ListProposals", err)
	}
	if offset >= page.Total {
		return page, nil
	}
	order, lim, off := "", limit, offset
	if tail := page.Total - offset - limit; tail < offset {
		order, lim, off = " DESC", min(limit, page.Total-offset), max(tail, 0)
	}
	n := len(f.args)
	q := `SELECT ` + proposalColumns + ` FROM (SELECT p.id, p.number FROM proposals p` + f.where() +
		` ORDER BY p.number` + order + ` LIMIT $` + strconv.Itoa(n+1) + ` OFFSET $` + strconv.Itoa(n+2) + `) AS pg
		JOIN proposals p ON p.id = pg.id LEFT JOIN categories c ON c.id = p.category_id ORDER BY p.number` + order
	ps, _, err := readProposals(ctx, tx, q, append(f.args, lim, off)...)
	if err != nil {
		return nil, classify("postgres.ListProposals", err)
	}
	if order != "" {
		slices.Reverse(ps)
	}
	page.Proposals = ps
	return page, nil
}

// CountProposals returns how many proposals the store holds.
func (db *DB) CountProposals(ctx context.Context) (int, error) {
	var n int
	if err := db.pool.QueryRow(ctx, `SELECT count(*) FROM proposals`).Scan(&n); err != nil {
		return 0, classify("postgres.CountProposals", err)
	}
	return n, nil
}

// Changes returns up to limit changes after seq, oldest first.
func (db *DB) Changes(ctx context.Context, after int64, limit int) ([]tian.Change, error) {
	rows, err := db.pool.Query(ctx, `SELECT seq, number, op FROM changes WHERE seq > $1 ORDER BY seq LIMIT $2`, after, limit)
	if err != nil {
		return nil, classify("postgres.Changes", err)
	}
	out := []tian.Change{}
	var c tian.Change
	if _, err := pgx.ForEachRow(rows, []any{&c.Seq, &c.Number, &c.Op}, func() error {
		out = append(out, c)
		return nil
	}); err != nil {
		return nil, classify("postgres.Changes", err)
	}
	return out, nil
}

// LastChange returns the sequence number of the newest change, 0 if none.
func (db *DB) LastChange(ctx context.Context) (int64, error) {
	var seq int64
	if err := db.pool.QueryRow(ctx, `SELECT coalesce(max(seq), 0) FROM changes`).Scan(&seq); err != nil {
		return 0, classify("postgres.LastChange", err)
	}
	return seq, nil
}

// DeleteProposal removes a proposal and its routings. A proposal others
// were merged into cannot be deleted (ECONFLICT).
func (db *DB) DeleteProposal(ctx context.Context, number, actor string) error {
	return db.inTx(ctx, "postgres.DeleteProposal", func(tx pgx.Tx) error {
		var merged int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM proposals WHERE merged_into = $1`, number).Scan(&merged); err != nil {
			return err
		}
		if merged > 0 {
			return tian.Errorf(tian.ECONFLICT, "提案%s有%d件提案并入，不能删除", number, merged)
		}
		tag, err := tx.Exec(ctx, `DELETE FROM proposals WHERE number = $1`, number)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return notFound(number)
		}
		if err := db.logChange(ctx, tx, number, tian.ChangeDelete); err != nil {
			return err
		}
		return db.audit(ctx, tx, actor, "proposals.delete", number, "")
	})
}

func (db *DB) logChange(ctx context.Context, tx pgx.Tx, number, op string) error {
	_, err := tx.Exec(ctx, logChangeSQL, number, op, db.now())
	return err
}

// logChangeSQL logs a change ($1 number, $2 op, $3 time) and notifies the
// replicas: the notification goes at commit, once however many were sent.
const logChangeSQL = `WITH logged AS (INSERT INTO changes (number, op, at) VALUES ($1, $2, $3))
	SELECT pg_notify('` + changesChannel + `.' || current_schema(), '')`

package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"tian"
)

var errNotFound = errors.New("not found")

const proposalColumns = `p.id, p.number, p.year, p.session, p.title, p.body, p.proposer, p.proposer_type, p.sector,
	coalesce(c.name, ''), p.status, p.status_reason, p.merged_into, p.reply, p.submitted, p.reply_date, p.not_proposal, p.written_number`

func scanProposal(sc interface{ Scan(...any) error }) (*tian.Proposal, int64, error) {
	p := &tian.Proposal{}
	var id int64
	var ptype, status string
	err := sc.Scan(&id, &p.Number, &p.Year, &p.Session, &p.Title, &p.Body, &p.Proposer, &ptype, &p.Sector,
		&p.Category, &status, &p.StatusReason, &p.MergedInto, &p.Reply, &p.Submitted, &p.ReplyDate, &p.NotProposal, &p.WrittenNumber)
	p.ProposerType, p.Status = tian.ProposerType(ptype), tian.Status(status)
	return p, id, err
}

// getProposal reads one proposal with its routings.
func getProposal(ctx context.Context, q interface {
	querier
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, number string) (*tian.Proposal, int64, error) {
	row := q.QueryRowContext(ctx, `SELECT `+proposalColumns+` FROM proposals p
		LEFT JOIN categories c ON c.id = p.category_id WHERE p.number = ?`, number)
	p, id, err := scanProposal(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, 0, errNotFound
	}
	if err != nil {
		return nil, 0, err
	}
	routes, err := loadRoutings(ctx, q, []int64{id})
	if err != nil {
		return nil, 0, err
	}
	routes[id].apply(p)
	return p, id, nil
}

// Proposal returns the proposal with the given number, or ENOTFOUND.
func (db *DB) Proposal(ctx context.Context, number string) (*tian.Proposal, error) {
	p, _, err := getProposal(ctx, db.db, number)
	if errors.Is(err, errNotFound) {
		return nil, tian.Errorf(tian.ENOTFOUND, "没有提案号为%s的提案", number)
	}
	if err != nil {
		return nil, internal("sqlite.Proposal", err)
	}
	return p, nil
}

func where(f tian.ProposalFilter) (string, []any) {
	var conds []string
	var args []any
	if f.Year != 0 {
		conds = append(conds, "p.year = ?")
		args = append(args, f.Year)
	}
	if f.Category != "" {
		conds = append(conds, "(c.name = ? OR c.code = ?)")
		args = append(args, f.Category, f.Category)
	}
	if len(f.Numbers) > 0 {
		conds = append(conds, "p.number IN ("+placeholders(len(f.Numbers))+")")
		for _, n := range f.Numbers {
			args = append(args, n)
		}
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// Proposals returns the proposals f selects, by number.
func (db *DB) Proposals(ctx context.Context, f tian.ProposalFilter) ([]*tian.Proposal, error) {
	where, args := where(f)
	rows, err := db.db.QueryContext(ctx, `SELECT `+proposalColumns+` FROM proposals p
		LEFT JOIN categories c ON c.id = p.category_id`+where+` ORDER BY p.number`, args...)
	if err != nil {
		return nil, internal("sqlite.Proposals", err)
	}
	var out []*tian.Proposal
	var ids []int64
	for rows.Next() {
		p, id, err := scanProposal(rows)
		if err != nil {
			rows.Close()
			return nil, internal("sqlite.Proposals", err)
		}
		out, ids = append(out, p), append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, internal("sqlite.Proposals", err)
	}
	routes, err := loadRoutings(ctx, db.db, ids)
	if err != nil {
		return nil, internal("sqlite.Proposals", err)
	}
	for i, p := range out {
		routes[ids[i]].apply(p)
	}
	return out, nil
}

// ProposalsByNumber returns the proposals that exist among numbers.
func (db *DB) ProposalsByNumber(ctx context.Context, numbers []string) (map[string]*tian.Proposal, error) {
	out := make(map[string]*tian.Proposal, len(numbers))
	for len(numbers) > 0 {
		n := min(len(numbers), 500)
		ps, err := db.Proposals(ctx, tian.ProposalFilter{Numbers: numbers[:n]})
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			out[p.Number] = p
		}
		numbers = numbers[n:]
	}
	return out, nil
}

// LastChange returns the sequence number of the newest change, 0 if none.
func (db *DB) LastChange(ctx context.Context) (int64, error) {
	var seq int64
	if err := db.db.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) FROM changes`).Scan(&seq); err != nil {
		return 0, internal("sqlite.LastChange", err)
	}
	return seq, nil
}

var _ tian.ProposalReader = (*DB)(nil)

// CountProposals returns how many proposals the store holds.
func (db *DB) CountProposals(ctx context.Context) (int, error) {
	var n int
	if err := db.db.QueryRowContext(ctx, `SELECT count(*) FROM proposals`).Scan(&n); err != nil {
		return 0, internal("sqlite.CountProposals", err)
	}
	return n, nil
}

// DeleteProposal removes a proposal and its routings. A proposal others
// were merged into cannot be deleted (ECONFLICT).
func (db *DB) DeleteProposal(ctx context.Context, number, actor string) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var merged int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM proposals WHERE merged_into = ?`, number).Scan(&merged); err != nil {
			return internal("sqlite.DeleteProposal", err)
		}
		if merged > 0 {
			return tian.Errorf(tian.ECONFLICT, "提案%s有%d件提案并入，不能删除", number, merged)
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM proposals WHERE number = ?`, number)
		if err != nil {
			return internal("sqlite.DeleteProposal", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return tian.Errorf(tian.ENOTFOUND, "没有提案号为%s的提案", number)
		}
		if err := logChange(ctx, tx, db.now(), number, "delete"); err != nil {
			return internal("sqlite.DeleteProposal", err)
		}
		return db.audit(ctx, tx, actor, "proposals.delete", number, "")
	})
}

// Changes returns up to limit changes after seq, oldest first.
func (db *DB) Changes(ctx context.Context, after int64, limit int) ([]tian.Change, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT seq, number, op FROM changes WHERE seq > ? ORDER BY seq LIMIT ?`, after, limit)
	if err != nil {
		return nil, internal("sqlite.Changes", err)
	}
	defer rows.Close()
	var out []tian.Change
	for rows.Next() {
		var c tian.Change
		if err := rows.Scan(&c.Seq, &c.Number, &c.Op); err != nil {
			return nil, internal("sqlite.Changes", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// routing is the units of one proposal, in order.
type routing struct {
	lead string
	co   []string
}

// apply sets a proposal's units; a proposal without co-handling units
// gets an empty list (JSON [], never null).
func (r *routing) apply(p *tian.Proposal) {
	p.CoUnits = []string{}
	if r == nil {
		return
	}
	p.LeadUnit = r.lead
	if r.co != nil {
		p.CoUnits = r.co
	}
}

// loadRoutings reads the routings of the given proposals, in chunks that
// stay under SQLite's limit on bound parameters.
func loadRoutings(ctx context.Context, q querier, ids []int64) (map[int64]*routing, error) {
	out := make(map[int64]*routing, len(ids))
	for len(ids) > 0 {
		n := min(len(ids), 500)
		chunk := ids[:n]
		ids = ids[n:]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		rows, err := q.QueryContext(ctx, fmt.Sprintf(`SELECT r.proposal_id, r.role, u.name FROM routings r
			JOIN units u ON u.id = r.unit_id WHERE r.proposal_id IN (%s) ORDER BY r.proposal_id, r.ord`,
			placeholders(len(chunk))), args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id int64
			var role, name string
			if err := rows.Scan(&id, &role, &name); err != nil {
				rows.Close()
				return nil, err
			}
			r := out[id]
			if r == nil {
				r = &routing{}
				out[id] = r
			}
			if role == "lead" {
				r.lead = name
			} else {
				r.co = append(r.co, name)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

var _ tian.Store = (*DB)(nil)

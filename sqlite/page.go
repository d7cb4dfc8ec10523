package sqlite

import (
	"context"
	"database/sql"
	"slices"
	"strings"

	"tian"
)

// MaxPageSize is the most proposals ListProposals returns at once.
const MaxPageSize = 500

// ListProposals implements tian.Store: one page, by number, of the
// proposals f selects, and how many it selects. Both are read in one
// snapshot and neither reads the rest: the page's ids come from an index
// alone (proposals(number), (year, number) or (category_id, number)), so
// that skipping 149,000 proposals walks index entries, never proposal
// rows; only the page's rows and routings are then read.
func (db *DB) ListProposals(ctx context.Context, f tian.ProposalFilter, offset, limit int) (*tian.ProposalPage, error) {
	if offset < 0 || limit < 1 || limit > MaxPageSize {
		return nil, tian.Errorf(tian.EINVALID, "limit 须在 1–%d 之间，offset 不能为负（收到 limit %d，offset %d）", MaxPageSize, limit, offset)
	}
	tx, err := db.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true}) // a deferred BEGIN: a snapshot, no lock
	if err != nil {
		return nil, internal("sqlite.ListProposals", err)
	}
	defer tx.Rollback()
	page, err := listPage(ctx, tx, f, offset, limit)
	if err != nil {
		return nil, internal("sqlite.ListProposals", err)
	}
	return page, nil
}

func listPage(ctx context.Context, tx *sql.Tx, f tian.ProposalFilter, offset, limit int) (*tian.ProposalPage, error) {
	page := &tian.ProposalPage{Offset: offset, Proposals: []*tian.Proposal{}}
	sel, err := selectionOf(ctx, tx, f)
	if err != nil || sel.none {
		return page, err
	}
	if err := tx.QueryRowContext(ctx, sel.countQuery(), sel.args...).Scan(&page.Total); err != nil {
		return nil, err
	}
	if offset >= page.Total {
		return page, nil
	}
	// A page nearer the end is read from the end: the index walk skips at
	// most half the selection.
	desc, lim, off := false, limit, offset
	if tail := page.Total - offset - limit; tail < offset {
		desc, lim, off = true, min(limit, page.Total-offset), max(tail, 0)
	}
	rows, err := tx.QueryContext(ctx, sel.pageQuery(desc), append(sel.args, lim, off)...)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for rows.Next() {
		p, id, err := scanProposal(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		page.Proposals, ids = append(page.Proposals, p), append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if desc {
		slices.Reverse(page.Proposals)
		slices.Reverse(ids)
	}
	routes, err := loadRoutings(ctx, tx, ids)
	if err != nil {
		return nil, err
	}
	for i, p := range page.Proposals {
		routes[ids[i]].apply(p)
	}
	return page, nil
}

// selection is a filter as conditions on the proposals table alone (alias
// p), so that an index on it can answer both the count and the page.
type selection struct {
	where string // "" or " WHERE …"
	args  []any
	none  bool // the filter names a category the store does not have
}

// selectionOf resolves the category (a name or a code) to ids first: a
// condition on p.category_id lets SQLite walk (category_id, number) in
// order, where a join to categories would sort or read proposal rows.
func selectionOf(ctx context.Context, q querier, f tian.ProposalFilter) (selection, error) {
	var conds []string
	var s selection
	if f.Year != 0 {
		conds, s.args = append(conds, "p.year = ?"), append(s.args, f.Year)
	}
	if f.Category != "" {
		ids, err := categoryIDs(ctx, q, f.Category)
		if err != nil || len(ids) == 0 {
			return selection{none: true}, err
		}
		conds = append(conds, "p.category_id IN ("+placeholders(len(ids))+")")
		s.args = append(s.args, ids...)
	}
	if len(f.Numbers) > 0 {
		conds = append(conds, "p.number IN ("+placeholders(len(f.Numbers))+")")
		for _, n := range f.Numbers {
			s.args = append(s.args, n)
		}
	}
	if len(conds) > 0 {
		s.where = " WHERE " + strings.Join(conds, " AND ")
	}
	return s, nil
}

// categoryIDs returns the ids of the categories named or coded c: usually
// one (SQLite then treats IN (?) as =), two only if one category's name is
// another's code.
func categoryIDs(ctx context.Context, q querier, c string) ([]any, error) {
	rows, err := q.QueryContext(ctx, `SELECT id FROM categories WHERE name = ? OR code = ? ORDER BY id`, c, c)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []any
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

func placeholders(n int) string { return strings.TrimSuffix(strings.Repeat("?,", n), ",") }

func (s selection) countQuery() string { return `SELECT count(*) FROM proposals p` + s.where }

// pageQuery takes the selection's arguments, then LIMIT and OFFSET. The
// inner query skips OFFSET entries of a covering index (an index holds the
// rowid); the outer reads the page's rows by id. desc walks the index from
// the end, and the rows come in that order.
func (s selection) pageQuery(desc bool) string {
	order := " ORDER BY p.number"
	outer := " ORDER BY pg.number"
	if desc {
		order, outer = order+" DESC", outer+" DESC"
	}
	return `SELECT ` + proposalColumns + ` FROM (SELECT p.id, p.number FROM proposals p` + s.where + order +
		` LIMIT ? OFFSET ?) AS pg
		JOIN proposals p ON p.id = pg.id LEFT JOIN categories c ON c.id = p.category_id` + outer
}

package sqlite

import (
	"context"
	"database/sql"
	"strings"

	"tian"
	"tian/internal/storecore"
)

// filed is the condition of a filed proposal: merged ones are handled
// with the proposal they joined and count as filed.
const filed = `p.status IN ('立案', '并案')`

// Stats computes the annual-report figures for a year (0: all years),
// compared with the year before's when both years have proposals. Topics
// are left for the caller, who has the segmenter. Each figure costs one
// pass at most: the headline, status, proposer, sector and category
// figures come from one grouped pass over an index (tally), the 不予立案
// reasons from one over the rejected proposals, the lead units and
// replies from one over the filed.
func (db *DB) Stats(ctx context.Context, year int) (*tian.Stats, error) {
	return db.StatsIncluding(ctx, year, false)
}

// StatsIncluding is Stats counting, with other, the records that are not
// proposals too (tian.Proposal.NotProposal: a message board imported
// beside the proposals), which Stats leaves out (staff's include_other).
func (db *DB) StatsIncluding(ctx context.Context, year int, other bool) (*tian.Stats, error) {
	s, err := db.tally(ctx, year, other)
	if err != nil {
		return nil, internal("sqlite.Stats", err)
	}
	var prev *tian.Stats
	if year != 0 && s.Received > 0 {
		if prev, err = db.tally(ctx, year-1, other); err != nil {
			return nil, internal("sqlite.Stats", err)
		}
	}
	s.Compare(prev)
	if s.Reasons, err = db.reasons(ctx, year, other, s.Rejected); err != nil {
		return nil, internal("sqlite.Stats", err)
	}
	if s.LeadUnits, s.Replied, err = db.leadUnits(ctx, year, other, s.Filed); err != nil {
		return nil, internal("sqlite.Stats", err)
	}
	if s.Years, err = db.years(ctx, other); err != nil {
		return nil, internal("sqlite.Stats", err)
	}
	if !other {
		if s.Other, err = db.others(ctx, year); err != nil {
			return nil, internal("sqlite.Stats", err)
		}
	}
	storecore.EmptyLists(s)
	return s, nil
}

// scope is the condition on proposals p that every statistics query
// counts: the proposals of year, all of them for 0, and, with other, the
// records that are not proposals too. A rule that keeps records out of the
// statistics belongs here, once. The not-proposal test is a filter, not
// an index bound (the unary +), so that all years' tally walks the index
// proposals_stats in its order and groups without sorting.
func scope(year int, other bool) (string, []any) {
	conds, args := []string{"1 = 1"}, []any{}
	if !other {
		conds = append(conds, "+p.not_proposal = 0")
	}
	if year != 0 {
		conds, args = append(conds, "p.year = ?"), append(args, year)
	}
	return strings.Join(conds, " AND "), args
}

// tally computes a year's figures but reasons, lead units, replies,
// topics and years in one pass over the index proposals_stats, which
// holds every column it groups by.
func (db *DB) tally(ctx context.Context, year int, other bool) (*tian.Stats, error) {
	names, err := categoryNames(ctx, db.db)
	if err != nil {
		return nil, err
	}
	cond, args := scope(year, other)
	rows, err := db.db.QueryContext(ctx, `SELECT p.year, p.proposer_type, p.sector, p.category_id, p.status, count(*)
		FROM proposals p WHERE `+cond+` GROUP BY p.year, p.not_proposal, p.proposer_type, p.sector, p.category_id, p.status`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	t := storecore.NewTallies(year)
	for rows.Next() {
		var r storecore.TallyRow
		var category sql.NullInt64
		if err := rows.Scan(&r.Year, &r.ProposerType, &r.Sector, &category, &r.Status, &r.N); err != nil {
			return nil, err
		}
		r.Category = category.Int64
		t.Add(r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return t.Stats(names), nil
}

// categoryNames maps category ids to names.
func categoryNames(ctx context.Context, q querier) (map[int64]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, name FROM categories`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	names := map[int64]string{}
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, err
		}
		names[id] = name
	}
	return names, rows.Err()
}

// reasons counts the 不予立案 proposals by their reason's lead clause.
func (db *DB) reasons(ctx context.Context, year int, other bool, rejected int) ([]tian.Count, error) {
	if rejected == 0 {
		return []tian.Count{}, nil
	}
	cond, args := scope(year, other)
	byReason, err := counts(ctx, db.db, `SELECT p.status_reason, count(*) FROM proposals p WHERE `+cond+
		` AND p.status = '不予立案' GROUP BY p.status_reason`, args, rejected, false)
	if err != nil {
		return nil, err
	}
	return storecore.Reasons(byReason, rejected), nil
}

// leadUnits counts the filed proposals by lead unit, and those with a
// reply recorded, in one pass.
func (db *DB) leadUnits(ctx context.Context, year int, other bool, filedCount int) (units []tian.Count, replied int, err error) {
	cond, args := scope(year, other)
	rows, err := db.db.QueryContext(ctx, `SELECT u.name, count(*), sum(p.reply <> '') FROM proposals p
		LEFT JOIN routings r ON r.proposal_id = p.id AND r.role = 'lead' LEFT JOIN units u ON u.id = r.unit_id
		WHERE `+cond+` AND `+filed+` GROUP BY u.id`, args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	units = []tian.Count{}
	for rows.Next() {
		var name sql.NullString
		var n, withReply int
		if err := rows.Scan(&name, &n, &withReply); err != nil {
			return nil, 0, err
		}
		replied += withReply
		if name.Valid { // not the filed proposals without a lead unit
			units = append(units, tian.Count{Name: name.String, Count: n, Share: tian.Percent(n, filedCount)})
		}
	}
	storecore.SortByCount(units)
	return units, replied, rows.Err()
}

// others counts the records of year (0: all years) that are not
// proposals, which the figures leave out.
func (db *DB) others(ctx context.Context, year int) (int, error) {
	cond, args := scope(year, true)
	var n int
	err := db.db.QueryRowContext(ctx, `SELECT count(*) FROM proposals p WHERE `+cond+` AND p.not_proposal = 1`, args...).Scan(&n)
	return n, err
}

// years lists the years that have proposals, oldest first.
func (db *DB) years(ctx context.Context, other bool) ([]tian.YearCount, error) {
	cond, args := scope(0, other)
	rows, err := db.db.QueryContext(ctx, `SELECT p.year, count(*) FROM proposals p WHERE `+cond+
		` AND p.year <> 0 GROUP BY p.year ORDER BY p.year`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []tian.YearCount{}
	for rows.Next() {
		var y tian.YearCount
		if err := rows.Scan(&y.Year, &y.Received); err != nil {
			return nil, err
		}
		out = append(out, y)
	}
	return out, rows.Err()
}

// counts runs a name–count query and adds shares of whole; byCount sorts
// by count, descending (ties by name).
func counts(ctx context.Context, q querier, query string, args []any, whole int, byCount bool) ([]tian.Count, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []tian.Count
	for rows.Next() {
		var c tian.Count
		var name sql.NullString
		if err := rows.Scan(&name, &c.Count); err != nil {
			return nil, err
		}
		c.Name, c.Share = name.String, tian.Percent(c.Count, whole)
		out = append(out, c)
	}
	if byCount {
		storecore.SortByCount(out)
	}
	return out, rows.Err()
}

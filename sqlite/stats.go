package sqlite

import (
	"context"
	"database/sql"
	"sort"

	"tian"
)

// Stats computes the annual-report figures for a year (0: all years), of
// proposals only (records marked tian.Proposal.NotProposal left out).
// Topics are left for the caller, who has the segmenter.
func (db *DB) Stats(ctx context.Context, year int) (*tian.Stats, error) {
	return db.StatsIncluding(ctx, year, false)
}

// StatsIncluding is Stats counting, with other, the records that are not
// proposals too (staff's include_other).
func (db *DB) StatsIncluding(ctx context.Context, year int, other bool) (*tian.Stats, error) {
	s := &tian.Stats{Year: year, Statuses: map[tian.Status]int{}}
	cond, args := " WHERE (p.not_proposal = 0 OR ?)", []any{other}
	if year != 0 {
		cond, args = cond+" AND p.year = ?", append(args, year)
	}
	const filed = `p.status IN ('立案', '并案')`
	and := " AND "
	err := db.db.QueryRowContext(ctx, `SELECT count(*), coalesce(min(nullif(p.year, 0)), 0), coalesce(max(p.year), 0),
		coalesce(sum(`+filed+`), 0),
		coalesce(sum(`+filed+` AND p.proposer_type = '委员'), 0),
		coalesce(sum(`+filed+` AND p.proposer_type = '集体'), 0),
		coalesce(sum(`+filed+` AND p.reply <> ''), 0)
		FROM proposals p`+cond, args...).Scan(&s.Received, &s.FromYear, &s.ToYear, &s.Filed, &s.Members, &s.Collective, &s.Replied)
	if err != nil {
		return nil, internal("sqlite.Stats", err)
	}
	s.FilingRate = tian.Percent(s.Filed, s.Received)
	if s.Statuses, err = statusCounts(ctx, db.db, cond, args); err != nil {
		return nil, internal("sqlite.Stats", err)
	}
	if s.Categories, err = counts(ctx, db.db, `SELECT coalesce(c.name, '未分类'), count(*) FROM proposals p
		LEFT JOIN categories c ON c.id = p.category_id`+cond+and+filed+` GROUP BY c.id ORDER BY c.id`, args, s.Filed, false); err != nil {
		return nil, internal("sqlite.Stats", err)
	}
	if s.LeadUnits, err = counts(ctx, db.db, `SELECT u.name, count(*) FROM proposals p
		JOIN routings r ON r.proposal_id = p.id AND r.role = 'lead' JOIN units u ON u.id = r.unit_id`+
		cond+and+filed+` GROUP BY u.id`, args, s.Filed, true); err != nil {
		return nil, internal("sqlite.Stats", err)
	}
	// lists are [] in JSON, never null, also for a year with no proposals
	for _, l := range []*[]tian.Count{&s.Categories, &s.LeadUnits, &s.Topics} {
		if *l == nil {
			*l = []tian.Count{}
		}
	}
	return s, nil
}

func statusCounts(ctx context.Context, q querier, cond string, args []any) (map[tian.Status]int, error) {
	rows, err := q.QueryContext(ctx, `SELECT p.status, count(*) FROM proposals p`+cond+` GROUP BY p.status`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	m := map[tian.Status]int{}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, err
		}
		m[tian.Status(st)] = n
	}
	return m, rows.Err()
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
		sort.SliceStable(out, func(i, j int) bool {
			if out[i].Count != out[j].Count {
				return out[i].Count > out[j].Count
			}
			return out[i].Name < out[j].Name
		})
	}
	return out, rows.Err()
}

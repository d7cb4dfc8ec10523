package sqlite

import (
	"context"

	"tian"
)

// ListProposals implements tian.Store. (First version: reads the whole
// selection; being replaced by a LIMIT/OFFSET query.)
func (db *DB) ListProposals(ctx context.Context, f tian.ProposalFilter, offset, limit int) (*tian.ProposalPage, error) {
	if offset < 0 || limit < 1 || limit > 500 {
		return nil, tian.Errorf(tian.EINVALID, "limit 须在 1–500 之间，offset 不能为负")
	}
	ps, err := db.Proposals(ctx, f)
	if err != nil {
		return nil, err
	}
	total := len(ps)
	return &tian.ProposalPage{Total: total, Offset: offset, Proposals: ps[min(offset, total):min(offset+limit, total)]}, nil
}

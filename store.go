package tian

import "context"

// ImportOptions control an import into the store.
type ImportOptions struct {
	File   string // the file the records came from, for messages
	Strict bool   // import nothing when any record is bad
	DryRun bool   // check everything, write nothing; the report counts what would be done
	// Edit marks a single proposal written by hand (the API's POST and
	// PUT): audited and logged for the index, but not a batch, and kept
	// as a proposal unless it says otherwise (Proposal.NotProposal), where
	// a file's records are judged by Proposal.IsProposal.
	Edit bool
	// NewUnits creates units the catalogue does not know. Without it an
	// unknown unit rejects the record, naming the closest known units;
	// with an empty catalogue units are always created (the catalogue is
	// learnt from the first import).
	NewUnits bool
	Actor    string
	// ClearAbsent empties, on an update, the fields a record does not
	// have (Record.Fields). Without it they keep their stored values, so
	// a file of only 提案号, 标题 and 内容 never wipes a proposal's reply.
	ClearAbsent bool
	// Columns maps a field (JSON name) to the column it came from, e.g.
	// "category" → "I（类别）", so that messages point at the cell.
	Columns map[string]string
	// Progress, if set, is called as records are processed.
	Progress func(done int)
	// AllProposals marks no record as not a proposal (tian.Proposal.IsProposal).
	AllProposals bool
	// Outcome, if set, is told what became of each record, by its row:
	// "inserted", "updated", "unchanged" or "rejected".
	Outcome func(row int, outcome string)
}

// ProposalFilter selects proposals; zero fields select everything.
type ProposalFilter struct {
	Year     int
	Category string // name or code
	Numbers  []string
}

// ProposalPage is one page of a list of proposals and the list's size.
type ProposalPage struct {
	Total     int         `json:"total"`
	Offset    int         `json:"offset"`
	Proposals []*Proposal `json:"proposals"`
}

// Store is the system of record as the service uses it. Implementations
// return ENOTFOUND for a missing proposal and ECONFLICT for a delete that
// would break a merge.
type Store interface {
	ProposalReader
	Proposals(ctx context.Context, f ProposalFilter) ([]*Proposal, error)
	// ListProposals reads one page (by number) of the proposals f selects
	// and counts them all, without reading the rest: a page costs the same
	// at 150,000 proposals as at 1,500. EINVALID for a negative offset or a
	// limit outside 1–500.
	ListProposals(ctx context.Context, f ProposalFilter, offset, limit int) (*ProposalPage, error)
	CountProposals(ctx context.Context) (int, error)
	ImportProposals(ctx context.Context, recs []Record, opt ImportOptions) (*ImportReport, error)
	DeleteProposal(ctx context.Context, number, actor string) error
	AddFeedback(ctx context.Context, f Feedback) (int64, error)
	Stats(ctx context.Context, year int) (*Stats, error)
	Units(ctx context.Context) ([]Unit, error)
	Categories(ctx context.Context) ([]Category, error)
}

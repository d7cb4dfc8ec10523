package tian

import "context"

// Batch is one committed import: a file written to the store in one
// transaction. The store keeps, for each proposal a batch updated, the
// version it replaced, so that the batch can be undone.
type Batch struct {
	ID    int64  `json:"id"`
	File  string `json:"file"`  // the file's name as its user knows it
	Actor string `json:"actor"` // who imported it
	At    string `json:"at"`    // when, RFC 3339 UTC
	Rows  int    `json:"rows"`
	// Added, Updated, Unchanged and Rejected count records as the import
	// report does; NotProposals counts the written records marked as not
	// proposals.
	Added         int      `json:"added"`
	Updated       int      `json:"updated"`
	Unchanged     int      `json:"unchanged"`
	Rejected      int      `json:"rejected"`
	NotProposals  int      `json:"not_proposals"`
	NewCategories []string `json:"new_categories"`
	NewUnits      []string `json:"new_units"`
	// UndoneAt and UndoneBy say when and by whom the batch was undone; ""
	// while it stands.
	UndoneAt string `json:"undone_at,omitempty"`
	UndoneBy string `json:"undone_by,omitempty"`
}

// BatchPage is one page of the batches, newest first, and their number.
type BatchPage struct {
	Total   int     `json:"total"`
	Offset  int     `json:"offset"`
	Batches []Batch `json:"batches"`
}

// UndoReport says what undoing a batch did.
type UndoReport struct {
	Batch    Batch    `json:"batch"`    // the batch, now undone
	Removed  []string `json:"removed"`  // numbers of the proposals it had added, now deleted
	Restored []string `json:"restored"` // numbers of the proposals it had updated, now as before
	// RemovedCategories and RemovedUnits are catalogue entries the batch
	// had created that nothing refers to any more.
	RemovedCategories []string `json:"removed_categories"`
	RemovedUnits      []string `json:"removed_units"`
	// Warning says the index could not follow yet (it catches up later).
	Warning string `json:"warning,omitempty"`
}

// BatchStore keeps the batches of the store's imports.
type BatchStore interface {
	// Batches reads one page of the batches, newest first. EINVALID for
	// a negative offset or a limit outside 1–500.
	Batches(ctx context.Context, offset, limit int) (*BatchPage, error)
	// Batch returns one batch, or ENOTFOUND.
	Batch(ctx context.Context, id int64) (*Batch, error)
	// UndoBatch removes the proposals the batch added and restores those
	// it updated, in one transaction, audited, and logs the changes for
	// the index. ENOTFOUND for no such batch; ECONFLICT, naming the
	// proposals and the later batches, when the batch was undone already
	// or a proposal of it changed after it (a later batch that is not
	// undone, an edit, a delete) or another proposal was merged into one
	// it added.
	UndoBatch(ctx context.Context, id int64, actor string) (*UndoReport, error)
}

// PreviewRows is how many parsed rows an import preview shows.
const PreviewRows = 20

// PreviewRow is one row of a file as the import would read it.
type PreviewRow struct {
	Row      int      `json:"row"`
	Proposal Proposal `json:"proposal"` // the body cut to a few hundred characters
	// Outcome is what a commit would do with it: inserted, updated,
	// unchanged or rejected.
	Outcome string `json:"outcome"`
	// Sheet is the worksheet the row is on, when several were read.
	Sheet string `json:"sheet,omitempty"`
	// Written is the proposal number as the file wrote it (第0001号,
	// 〔2024〕1号); Proposal.Number is the canonical one.
	Written string `json:"written"`
	// Provisional: the file gave no number and one was made up (a Word
	// form without one); staff may change it.
	Provisional bool `json:"provisional"`
	// YearSource says where the row's year came from, in Chinese.
	YearSource string `json:"year_source"`
}

// FieldInfo is a proposal field a column can be mapped to.
type FieldInfo struct {
	Name   string `json:"name"`   // the JSON name, as --map takes it
	Header string `json:"header"` // its Chinese header, e.g. 提案号
}

// ImportPreview is what importing a file would do, before it is done:
// the header the reader found, which column would go to which field,
// the first rows as read, and a dry run's report (added, updated,
// unchanged, rejected with row and column).
type ImportPreview struct {
	File      string          `json:"file"`
	HeaderRow int             `json:"header_row"` // the header's row in the file (0: JSON Lines, keys)
	Columns   []string        `json:"columns"`    // every column, labelled as in messages
	Headers   []string        `json:"headers"`    // the same columns' headers, as map strings take them
	Mapping   []ColumnMapping `json:"mapping"`
	Unmapped  []string        `json:"unmapped"`
	// Map is the mapping as --map strings (field=header), for a commit
	// that must read the file as the preview did.
	Map    []string      `json:"map"`
	Fields []FieldInfo   `json:"fields"` // the fields a column can go to
	Rows   []PreviewRow  `json:"rows"`   // the first PreviewRows records
	Report *ImportReport `json:"report"` // the dry run
	// What the reader found: the text above the header (a list's title
	// rows, a Word document's title), where the year of rows without
	// their own came from (empty: nowhere), the kind of file (表格,
	// 提案表, 提案选编, JSON Lines) and the worksheets read.
	Title      string   `json:"title"`
	YearSource string   `json:"year_source"`
	Kind       string   `json:"kind"`
	Sheets     []string `json:"sheets"`
	// HeaderRows is 2 for a two-row header (承办单位 over 主办 | 协办).
	HeaderRows int `json:"header_rows"`
}

// Imports previews imports and lists and undoes their batches; after an
// undo the index catches up. Preview returns the errors Import returns
// for an unreadable file; UndoBatch those of BatchStore.UndoBatch.
type Imports interface {
	Preview(ctx context.Context, req FileImport) (*ImportPreview, error)
	Batches(ctx context.Context, offset, limit int) (*BatchPage, error)
	UndoBatch(ctx context.Context, id int64, actor string) (*UndoReport, error)
}

// OtherStats is a Reporter that can count, with other, the records that
// are not proposals too (Proposal.NotProposal), which Stats leaves out.
type OtherStats interface {
	StatsIncluding(ctx context.Context, year int, other bool) (*Stats, error)
}

// IsProposal says whether a record reads as a proposal rather than
// another kind of text an office may import (a citizens' message board,
// a hotline log): it has a proposal's workflow — a status or its reason,
// a merge, a proposer type, a 界别, a 届次, or undertaking units. A
// category, a reply or a proposer alone do not count: message boards
// carry their own classification, the government's reply and the
// writer's name.
func (p *Proposal) IsProposal() bool {
	for _, v := range []string{string(p.Status), p.StatusReason, p.MergedInto, string(p.ProposerType),
		p.Sector, p.Session, p.LeadUnit} {
		if v != "" {
			return true
		}
	}
	return len(p.CoUnits) > 0
}

package tian

import "context"

// ReviewRequest asks for the review (审查) of a proposal: a new text, or a
// stored proposal (Number) whose text may be given as edited.
type ReviewRequest struct {
	Title string `json:"title"`
	Body  string `json:"body"`
	// Number names the stored proposal under review: it is left out of
	// its own similar and earlier proposals and of the history routing
	// cites, and its year is the review's year. With no title and body,
	// its stored text is reviewed.
	Number string `json:"number,omitempty"`
	// Year is the year the proposal is submitted in; 0 means the stored
	// proposal's year, or the current year for a new text.
	Year int `json:"year,omitempty"`
}

// Review is everything a reviewer decides on, in one answer.
type Review struct {
	Number string `json:"number,omitempty"`
	Year   int    `json:"year"` // the year the proposal is reviewed in
	// Category is the suggested category with its calibrated confidence,
	// evidence and honest uncertainty.
	Category *Suggestion `json:"category"`
	// Categories are all the committee's categories, for an override to
	// any of them.
	Categories []Category `json:"categories"`
	Routing    *Routing   `json:"routing"`
	// Similar are proposals of the same year like this one (candidates for
	// 并案); Earlier are proposals of strictly earlier years (以往), with
	// how they were answered.
	Similar []Match `json:"similar"`
	Earlier []Match `json:"earlier"`
	// Filing is the filing model's advice; absent when the service has
	// no filing model.
	Filing *FilingAdvice `json:"filing,omitempty"`
	// Recommendation is RecommendFile, RecommendReject, RecommendMerge or
	// RecommendUnsure; empty when there is neither a filing model nor a
	// proposal to join.
	Recommendation string `json:"recommendation,omitempty"`
	// Reason says why, in words: the likely 不予立案 reason, or why the
	// proposal would join another.
	Reason string `json:"reason,omitempty"`
	// MergeInto is the proposal a 建议并案 would join: a filed proposal of
	// the same year, submitted no later, that is a near-duplicate or very
	// similar.
	MergeInto *Match `json:"merge_into,omitempty"`
}

// Reviewer reviews proposals.
type Reviewer interface {
	// Review answers what a reviewer needs for one proposal. EINVALID for
	// a text with no Chinese in it (empty, punctuation, English only),
	// ETOOLARGE for an oversized one, ENOTFOUND for an unknown Number.
	Review(ctx context.Context, req ReviewRequest) (*Review, error)
}

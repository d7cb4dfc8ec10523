package tian

import "context"

// FilingAdvice is a recommendation on filing (审查立案): whether a text
// looks like the proposals the office has filed or like those it has not,
// and, if not, for which of the office's own reasons. It is learnt from
// the store's past decisions; it decides nothing.
type FilingAdvice struct {
	// NotFiledProb is the calibrated probability that the office would
	// not file the text (不予立案).
	NotFiledProb float64 `json:"not_filed_prob"`
	// Recommendation is RecommendFile, RecommendReject or RecommendUnsure.
	// (建议并案 is decided where similar proposals are known: see Review.)
	Recommendation string `json:"recommendation"`
	// Reasons are the likely 不予立案 reasons, best first, as the office
	// wrote them (learnt from StatusReason, grouped by their lead clause).
	Reasons []Scored `json:"reasons"`
	// Evidence are the words that pushed towards not filing.
	Evidence []Evidence `json:"evidence"`
	// RejectAt and FileAt are the probabilities of not filing at or above
	// which the model recommends 不予立案, and at or below which it
	// recommends 立案; in between it is unsure.
	RejectAt float64 `json:"reject_at"`
	FileAt   float64 `json:"file_at"`
	Model    string  `json:"model"`
}

// Filing recommendations.
const (
	RecommendFile   = "建议立案"
	RecommendReject = "建议不予立案"
	RecommendMerge  = "建议并案"
	RecommendUnsure = "无法判断"
)

// Filer advises on filing. Models may be swapped while it serves.
type Filer interface {
	// AdviseFiling returns the filing advice for a text. EINVALID for an
	// empty text.
	AdviseFiling(ctx context.Context, title, body string) (*FilingAdvice, error)
}

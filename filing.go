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
	// Reasons are the likely 不予立案 reasons, best first (at most three),
	// each as the office most often wrote it (learnt from StatusReason,
	// grouped by lead clause, the text before the first "，" or "。";
	// rare ones as "其他"). Prob is the probability of the reason if the
	// text is not filed, so Reasons are given whatever the recommendation.
	// Never nil.
	Reasons []Scored `json:"reasons"`
	// Evidence is what pushed towards not filing, strongest first: words,
	// with their byte spans in title + "\n" + body (body alone when the
	// title is empty), and text shapes such as 篇幅很短, 未分条提出措施 or
	// 个人经历叙述, with the spans of their cue words if they have any.
	// Never nil.
	Evidence []Evidence `json:"evidence"`
	// RejectAt and FileAt are the probabilities of not filing at or above
	// which the model recommends 不予立案, and at or below which it
	// recommends 立案; in between it is unsure. Both are chosen on the
	// latest year of the training data.
	RejectAt float64 `json:"reject_at"`
	FileAt   float64 `json:"file_at"`
	// Model is the filing model's version.
	Model string `json:"model"`
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
	// AdviseFiling returns the filing advice for a text. EINVALID for a
	// text with no letters or digits (see Letters), ETOOLARGE for one over
	// the length limit; EINVALID also when the model file is unreadable,
	// ENOTFOUND when there is none.
	AdviseFiling(ctx context.Context, title, body string) (*FilingAdvice, error)
}

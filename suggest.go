package tian

import "context"

// Scored is a label with its probability.
type Scored struct {
	Label string  `json:"label"`
	Prob  float64 `json:"prob"`
}

// Evidence is a word that drove a suggestion, with its weight and where
// it occurs in the text (byte offsets of the input, end exclusive).
type Evidence struct {
	Term   string   `json:"term"`
	Weight float64  `json:"weight"`
	Spans  [][2]int `json:"spans,omitempty"`
}

// Suggestion is a category suggested for a text.
type Suggestion struct {
	Labels    []Scored   `json:"labels"`    // best first
	Evidence  []Evidence `json:"evidence"`  // for the best label
	Uncertain bool       `json:"uncertain"` // the best label's probability is under Threshold
	Threshold float64    `json:"threshold"` // chosen so that confident suggestions are right ≥ 95% of the time
	Model     string     `json:"model"`     // the model's version
}

// UnitSuggestion is an undertaking unit suggested for a text, with what a
// person reads to judge it: its rank, a strength word and the evidence in
// words. Probability is the model's estimate that the unit takes the role
// it is suggested for (leads, or co-handles); for a co-handler it is
// calibrated on held-out years, and Likelihood says it in a word.
type UnitSuggestion struct {
	Unit string `json:"unit"`
	Rank int    `json:"rank"` // 1-based, within its list (lead candidates or co-handlers)
	// Strength says how strongly the evidence points to the unit:
	// StrengthHigh, StrengthMedium or StrengthLow.
	Strength string     `json:"strength"`
	Reasons  []string   `json:"reasons"` // the evidence in words, e.g. 以往同类提案3件由该单位主办
	Cases    []UnitCase `json:"cases"`   // past proposals like the text that the unit handled
	Duties   []string   `json:"duties"`  // the unit's duties the text matched
	// Probability is in [0, 1]; Likelihood is CoLikely or CoPossible for a
	// co-handler, empty for a lead candidate.
	Probability float64  `json:"probability"`
	Likelihood  string   `json:"likelihood,omitempty"`
	Score       float64  `json:"score"`              // the same as Probability, for older clients
	Features    []string `json:"features,omitempty"` // how the score was made, for the curious
}

// UnitCase is a past proposal like the text that a unit handled, as lead
// (主办) or co-handler (协办).
type UnitCase struct {
	Number string `json:"number"`
	Year   int    `json:"year"`
	Title  string `json:"title"`
	Role   string `json:"role"` // 主办 or 协办
}

// Strength words of a UnitSuggestion.
const (
	StrengthHigh   = "较强"
	StrengthMedium = "一般"
	StrengthLow    = "较弱"
)

// Likelihood words of a suggested co-handler: CoLikely when it is more
// likely than not to co-handle, CoPossible otherwise.
const (
	CoLikely   = "较可能"
	CoPossible = "可能"
)

// Routing is the suggested lead unit and co-handling units. A unit
// appears once: as a lead candidate or as a co-handler, never both.
type Routing struct {
	Lead  []UnitSuggestion `json:"lead"` // best first; the first is the suggestion
	Co    []UnitSuggestion `json:"co"`   // best first
	Model string           `json:"model"`
}

// RouteRequest asks for undertaking units for a text; an empty Category
// is suggested first.
type RouteRequest struct {
	Title    string `json:"title"`
	Body     string `json:"body"`
	Category string `json:"category,omitempty"`
	K        int    `json:"k,omitempty"`
	// Exclude names a stored proposal left out of the history routing
	// cites: the one under review.
	Exclude string `json:"exclude,omitempty"`
	// BeforeYear, when set, keeps the history routing cites to years
	// before it (a stored proposal is routed on what was known by its
	// year, not on later proposals).
	BeforeYear int `json:"before_year,omitempty"`
}

// Suggester makes the suggestions reviewers and staff act on: a category
// with its evidence, and lead and co-handling units with theirs. Models
// may be swapped while it serves; a call finishes on the models it began
// with.
type Suggester interface {
	// Classify returns the k best categories with probabilities and the
	// evidence for the best.
	Classify(ctx context.Context, title, body string, k int) (*Suggestion, error)
	Route(ctx context.Context, req RouteRequest) (*Routing, error)
}

// ModelStore keeps the serving models: their versions, and retraining
// from the store (with reviewers' feedback), saved atomically and swapped
// into the running Suggester.
type ModelStore interface {
	// Versions names the serving models' versions by model.
	Versions() map[string]string
	// Train retrains the models and swaps them in, reporting its steps;
	// it returns the new category model's version.
	Train(ctx context.Context, progress func(step string)) (string, error)
}

// Neighbours finds past proposals like a text, for routing by history.
type Neighbours interface {
	// SimilarText returns up to k proposals most like the text, each with
	// its lead unit; before, when set, keeps only years before it; exclude,
	// when set, leaves out that stored proposal (the one under review).
	// EINVALID for k out of range, ETOOLARGE for an oversized text.
	SimilarText(ctx context.Context, title, body string, k, before int, exclude string) ([]Match, error)
}

// Feedback is a reviewer's verdict on a suggestion: accepted, or
// overridden with another choice. It is stored, audited and used by
// training.
type Feedback struct {
	ID           int64  `json:"id"`
	Number       string `json:"number,omitempty"` // the proposal, if it is stored
	Kind         string `json:"kind"`             // category, lead_unit or co_unit
	Suggested    string `json:"suggested"`
	Chosen       string `json:"chosen"`
	Accepted     bool   `json:"accepted"`
	Text         string `json:"text,omitempty"` // the text judged, when it is not a stored proposal
	ModelVersion string `json:"model_version,omitempty"`
	Actor        string `json:"actor"`
	At           string `json:"at"`
}

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

// UnitSuggestion is an undertaking unit suggested for a text.
type UnitSuggestion struct {
	Unit     string   `json:"unit"`
	Score    float64  `json:"score"`
	Similar  []string `json:"similar,omitempty"`  // past proposals this unit handled that are like the text
	Duties   []string `json:"duties,omitempty"`   // the unit's duties the text matched
	Features []string `json:"features,omitempty"` // how the score was made, for the curious
}

// Routing is the suggested lead unit and co-handling units.
type Routing struct {
	Lead  []UnitSuggestion `json:"lead"` // best first; the first is the suggestion
	Co    []UnitSuggestion `json:"co"`
	Model string           `json:"model"`
}

// RouteRequest asks for undertaking units for a text; an empty Category
// is suggested first.
type RouteRequest struct {
	Title    string `json:"title"`
	Body     string `json:"body"`
	Category string `json:"category,omitempty"`
	K        int    `json:"k,omitempty"`
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
	// Similar returns up to k proposals most like the text, each with its
	// lead unit; before, when set, keeps only earlier years.
	SimilarText(ctx context.Context, title, body string, k, before int) ([]Match, error)
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

package relate

import (
	"context"

	"tian"
)

// Engine is what a search engine does for a Service. Documents are
// proposals, identified by number, with the fields below; text fields are
// analysed with tian's segmenter in search mode (IndexCut), lower-cased.
// Methods return tian errors (EINTERNAL when the engine fails).
type Engine interface {
	// Search runs a query and returns one page of hits, in the query's
	// order, with the facet counts it asks for.
	Search(ctx context.Context, q Query) (*Result, error)
	// Candidates returns the numbers of up to q.N documents holding any of
	// q.Terms in title or body, best first (score descending, then number
	// ascending). Each term counts with its weight, a title match
	// TitleBoost times more; documents outside q.Filter and q.Exclude are
	// left out.
	Candidates(ctx context.Context, q CandidateQuery) ([]string, error)
	// Select returns the numbers of the documents within f, ascending, at
	// most limit of them.
	Select(ctx context.Context, f Filter, limit int) ([]string, error)
	// DocFreqs returns the number of documents and, for each term of the
	// body field, how many documents hold it.
	DocFreqs(ctx context.Context) (n int, df map[string]int, err error)
}

// Fields of a document, by the names engines index them under.
const (
	FieldNumber       = "number"
	FieldTitle        = "title"
	FieldBody         = "body"
	FieldReply        = "reply"
	FieldCategory     = "category"
	FieldLeadUnit     = "lead_unit"
	FieldUnits        = "units" // lead and co-handling
	FieldProposerType = "proposer_type"
	FieldYear         = "year"
	FieldSession      = "session"
	FieldStatus       = "status"
	FieldProposer     = "proposer"
)

// TitleBoost weighs a match in the title above one in the body.
const TitleBoost = 2.5

// IndexCut is how engines analyse text fields and queries: search mode
// (long words and their parts), without stop words and punctuation.
var IndexCut = tian.CutOptions{Mode: tian.ModeSearch, DropStop: true, DropPunct: true}

// ExactCut is how quoted phrases are analysed: whole words only.
var ExactCut = tian.CutOptions{Mode: tian.ModeExact, DropStop: true, DropPunct: true}

// Query is a search for an engine: an OR of AND-groups of clauses, none
// of the excluded clauses, within the filter; one page in an order, with
// facets. Clauses hold at least one searchable word.
type Query struct {
	Any    [][]Clause // at least one group matches entirely; none: all documents
	None   []Clause
	Filter Filter
	ByDate bool // year, then number, descending; else score, then number descending
	From   int  // hits skipped
	Size   int
	// Facets are document fields (FieldCategory, …) to count the hits'
	// values of, the FacetSize most frequent each.
	Facets    []string
	FacetSize int
}

// Clause is one condition of a query.
type Clause struct {
	// Field is "" for title or body, FieldTitle, FieldBody or FieldReply
	// for text matched by words (all of them) or as a phrase, FieldYear
	// for Years, or a keyword field matched exactly by Text.
	Field  string
	Text   string
	Phrase bool       // analyse Text with ExactCut and match the words in order
	Years  *YearRange // for FieldYear; nil matches nothing (an unreadable year)
	// Unit, on a clause of title or body (Field ""), is the current name
	// of the unit Text names: the clause matches the documents the unit
	// leads or co-handles (FieldUnits), leads ranked above co-handlers,
	// and those whose title or body holds Text or Unit as a phrase.
	Unit string
}

// YearRange is the years From to To, both included; From > To holds none.
type YearRange struct{ From, To int }

// Filter restricts documents; its zero value restricts nothing. Every
// condition set must hold.
type Filter struct {
	Session, Category, Unit, LeadUnit, ProposerType, Status string
	Years                                                   *YearRange
	Numbers                                                 []string // only these, when not nil
	NotStatus                                               string   // leave out this status
}

// IsZero reports whether f restricts nothing.
func (f Filter) IsZero() bool {
	return f.Session == "" && f.Category == "" && f.Unit == "" && f.LeadUnit == "" && f.ProposerType == "" &&
		f.Status == "" && f.Years == nil && f.Numbers == nil && f.NotStatus == ""
}

// Result is a page of hits with facet counts.
type Result struct {
	Total  int
	Hits   []Scored
	Facets map[string]Facet // by field
}

// Scored is a document number with its score.
type Scored struct {
	Number string
	Score  float64
}

// Facet counts the values of a field over the hits, most frequent first;
// Total counts every value, including those past the facet's size.
type Facet struct {
	Total int
	Terms []tian.Count // Name and Count
}

// CandidateQuery asks for documents like a profile.
type CandidateQuery struct {
	Terms   []Weighted
	Filter  Filter
	Exclude string // a number left out: the source itself
	N       int
}

// Weighted is a term with its weight.
type Weighted struct {
	Term   string
	Weight float64
}

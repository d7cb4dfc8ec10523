package tian

import (
	"context"
	"fmt"
	"math"
)

// Change is one entry of the store's change log: a proposal was written or
// deleted. Derived data (the index) records the last Seq it applied and
// catches up from there.
type Change struct {
	Seq    int64  `json:"seq"`
	Number string `json:"number"`
	Op     string `json:"op"` // ChangeUpsert or ChangeDelete
}

// Change operations.
const (
	ChangeUpsert = "upsert"
	ChangeDelete = "delete"
)

// ProposalReader is what derived data needs of the system of record.
type ProposalReader interface {
	// Proposal returns one proposal, or an ENOTFOUND error.
	Proposal(ctx context.Context, number string) (*Proposal, error)
	// ProposalsByNumber returns the proposals that exist among numbers.
	ProposalsByNumber(ctx context.Context, numbers []string) (map[string]*Proposal, error)
	// Changes returns up to limit changes after seq, oldest first.
	Changes(ctx context.Context, after int64, limit int) ([]Change, error)
}

// Searcher finds proposals by words and filters. Returns EINVALID for a
// malformed query or out-of-range paging.
type Searcher interface {
	Search(ctx context.Context, req SearchRequest) (*SearchResult, error)
}

// SimilarRequest asks for proposals like a stored one (Number) or like a
// text (Title, Body).
type SimilarRequest struct {
	Number string `json:"number,omitempty"`
	Title  string `json:"title,omitempty"`
	Body   string `json:"body,omitempty"`
	K      int    `json:"k,omitempty"` // how many; 0 means the default (10)
	// BeforeYear, when set, looks only at proposals of earlier years:
	// "was this proposed before, and how was it answered?"
	BeforeYear int `json:"before_year,omitempty"`
	// Year, when set, looks only at proposals of that year (with
	// BeforeYear as well, at none unless the year is before it).
	Year int `json:"year,omitempty"`
	// Exclude leaves a stored proposal out of a text's matches: the one
	// under review, whose own text would match it as a duplicate.
	Exclude string `json:"exclude,omitempty"`
}

// GroupRequest names a set of proposals to group for joint consultation:
// a year, a session, or numbers (at least one of them).
type GroupRequest struct {
	Year    int      `json:"year,omitempty"`
	Session string   `json:"session,omitempty"`
	Numbers []string `json:"numbers,omitempty"`
	// FiledOnly leaves out proposals not accepted (不予立案) and records
	// that are not proposals (Proposal.NotProposal).
	FiledOnly bool `json:"filed_only,omitempty"`
	// Threshold is the similarity at which groups stop merging; 0 means
	// the default.
	Threshold float64 `json:"threshold,omitempty"`
}

// DuplicateRequest asks for a year's 查重: every two of its proposals
// whose texts repeat each other (copies), and every proposal of it that
// repeats one of the Lookback years before (resubmissions).
type DuplicateRequest struct {
	Year int `json:"year"`
	// Lookback is how many earlier years are checked for resubmissions;
	// 0 means DefaultLookback, at most MaxLookback.
	Lookback int `json:"lookback,omitempty"`
}

// How far back a year's 查重 looks by default, and at most: a member
// resubmits within the term of the committee (five years).
const (
	DefaultLookback = 2
	MaxLookback     = 10
)

// DuplicateReport is a year's 查重.
type DuplicateReport struct {
	Year     int `json:"year"`
	FromYear int `json:"from_year"` // the earliest year compared
	Compared int `json:"compared"`  // proposals compared, of all those years
	// Pairs are the repeats found, resubmissions first, then by number.
	Pairs []DuplicatePair `json:"pairs"`
}

// DuplicatePair is a proposal of the year and the proposal it repeats:
// an earlier year's (a resubmission) or the same year's (a copy, the
// later number repeating the earlier).
type DuplicatePair struct {
	Kind     string        `json:"kind"` // MatchResubmission or MatchCopy
	Proposal DuplicateSide `json:"proposal"`
	Repeats  DuplicateSide `json:"repeats"`
	// Cover is the least of the two texts' shares aligned with the other.
	Cover float64 `json:"cover"`
	// Passages are the proposal's sentences (A) beside the ones of the
	// proposal it repeats (B), in the proposal's order: up to five, the
	// reworded ones and the longest repeated word for word.
	Passages []SentencePair `json:"passages"`
}

// DuplicateSide is one proposal of a DuplicatePair.
type DuplicateSide struct {
	Number   string `json:"number"`
	Year     int    `json:"year"`
	Title    string `json:"title"`
	Proposer string `json:"proposer"`
	Status   string `json:"status"`
	HasReply bool   `json:"has_reply"`
}

// Note says what the proposal repeats and where that one stands, as
// Match.DuplicateNote does.
func (d *DuplicatePair) Note() string {
	r := d.Repeats
	return duplicateNote(d.Kind, r.Year, r.Number, r.HasReply, r.Status)
}

// KindLabel names the kind as staff say it (Match.KindLabel).
func (d *DuplicatePair) KindLabel() string { return (&Match{Kind: d.Kind}).KindLabel() }

// DuplicateFinder finds a year's repeats (查重). Returns EINVALID for a
// year or lookback out of range, ETOOLARGE for more proposals than it
// compares at once.
type DuplicateFinder interface {
	Duplicates(ctx context.Context, req DuplicateRequest) (*DuplicateReport, error)
}

// Relater relates proposals to each other: similar proposals and groups
// for joint consultation. Returns ENOTFOUND for an unknown number,
// EINVALID for a request naming no set, ETOOLARGE for a set too large.
type Relater interface {
	Similar(ctx context.Context, req SimilarRequest) ([]Match, error)
	Groups(ctx context.Context, req GroupRequest) ([]Group, error)
}

// SearchRequest is a search over proposals: a query string and filters.
type SearchRequest struct {
	// Query: words, "quoted phrases", AND / OR, -excluded, and field
	// filters such as 类别:社会建设 or 年度:2024. Empty matches everything.
	Query     string   `json:"query"`
	YearFrom  int      `json:"year_from,omitempty"`
	YearTo    int      `json:"year_to,omitempty"`
	Session   string   `json:"session,omitempty"`
	Category  string   `json:"category,omitempty"`
	Unit      string   `json:"unit,omitempty"` // lead or co-handling
	LeadUnit  string   `json:"lead_unit,omitempty"`
	Proposer  string   `json:"proposer_type,omitempty"` // 委员 or 集体
	Status    string   `json:"status,omitempty"`
	Sort      string   `json:"sort,omitempty"` // relevance (default) or date
	Page      int      `json:"page,omitempty"` // 1-based
	Size      int      `json:"size,omitempty"` // hits a page
	Facets    []string `json:"facets,omitempty"`
	FacetSize int      `json:"facet_size,omitempty"`
}

// SearchResult is one page of hits with facet counts.
type SearchResult struct {
	Total  int                `json:"total"`
	Page   int                `json:"page"`
	Size   int                `json:"size"`
	Hits   []Hit              `json:"hits"`
	Facets map[string][]Count `json:"facets,omitempty"`
	TookMS float64            `json:"took_ms"`
	// Units are the query's words read as undertaking units: each finds
	// the proposals the unit leads or co-handles, and those naming it.
	Units []UnitTerm `json:"units"`
	// Hint, present when nothing was found, says why and how to widen.
	Hint *SearchHint `json:"hint,omitempty"`
}

// UnitTerm is a query word read as an undertaking unit (a name or alias).
type UnitTerm struct {
	Text string `json:"text"` // as typed, e.g. 住建局
	Unit string `json:"unit"` // the unit's current name, 市住房和城乡建设局
}

// SearchHint explains an empty search result in Chinese and how to widen
// it: the filters in force, how many proposals of the whole archive hold
// each query word, and what removing one filter or word would find.
type SearchHint struct {
	Message string      `json:"message"`
	Filters []string    `json:"filters"` // in force, e.g. 年度 2021, 类别 社会建设
	Terms   []TermCount `json:"terms"`
	Widen   []Widening  `json:"widen"` // dropping a filter first, then a word
}

// TermCount is a query word and the proposals of the whole archive (no
// filters) it finds by itself; 0 means it occurs nowhere.
type TermCount struct {
	Term  string `json:"term"`
	Count int    `json:"count"`
}

// Widening is one way to widen a search that found nothing: drop a filter
// (Param names the request parameter, e.g. category or year) or a query
// word (Query is the query without it); Total is what that finds.
type Widening struct {
	Label string  `json:"label"` // e.g. 去掉筛选「类别 社会建设」
	Param string  `json:"param,omitempty"`
	Query *string `json:"query,omitempty"`
	Total int     `json:"total"`
}

// Hit is a proposal found by a search, with highlighted snippets: the
// matched words are wrapped in <mark> and everything else is HTML-escaped.
type Hit struct {
	Number       string   `json:"number"`
	Score        float64  `json:"score"`
	Year         int      `json:"year"`
	Title        string   `json:"title"`
	TitleHTML    string   `json:"title_html"`
	Snippet      string   `json:"snippet_html"`
	Category     string   `json:"category"`
	LeadUnit     string   `json:"lead_unit"`
	CoUnits      []string `json:"co_units"`
	Proposer     string   `json:"proposer"`
	ProposerType string   `json:"proposer_type"`
	Status       string   `json:"status"`
	HasReply     bool     `json:"has_reply"`
	// NotProposal marks a record kept in the archive that is not a
	// proposal (Proposal.NotProposal, e.g. an imported message board).
	NotProposal bool     `json:"not_proposal,omitempty"`
	Terms       []string `json:"terms,omitempty"` // the query words matched
}

// Match is a proposal similar to another, with the reason.
type Match struct {
	Number        string   `json:"number"`
	Year          int      `json:"year"`
	Title         string   `json:"title"`
	Score         float64  `json:"score"` // in [0,1]
	Kind          string   `json:"kind"`  // MatchResubmission, MatchCopy or MatchSimilar
	SharedTerms   []string `json:"shared_terms"`
	Cosine        float64  `json:"cosine"`  // term-vector cosine
	Shingles      float64  `json:"overlap"` // character-shingle overlap
	LeadUnit      string   `json:"lead_unit,omitempty"`
	CoUnits       []string `json:"co_units,omitempty"`
	Status        string   `json:"status,omitempty"`
	Reply         string   `json:"reply,omitempty"` // for earlier proposals: how it was answered
	CategoryLabel string   `json:"category,omitempty"`
	// Passages are, for a resubmission or a copy, the source's sentences
	// beside the sentences of this proposal they repeat, in the source's
	// order: up to five, the reworded ones and the longest repeated word
	// for word.
	Passages []SentencePair `json:"passages,omitempty"`
}

// Kinds of Match.
const (
	// MatchResubmission: the text repeats a proposal of another year,
	// however edited: the later of the two resubmits the earlier (a
	// member resubmitting an answered proposal).
	MatchResubmission = "resubmission"
	// MatchCopy: the text repeats a proposal of the same year, however
	// edited: another member's, copied.
	MatchCopy    = "copy"
	MatchSimilar = "similar" // the same topic
)

// KindLabel names the kind as staff say it: 重复提交, 疑似雷同 or 相似.
func (m *Match) KindLabel() string {
	switch m.Kind {
	case MatchResubmission:
		return "重复提交"
	case MatchCopy:
		return "疑似雷同"
	}
	return "相似"
}

// DuplicateNote says what a resubmission or copy repeats, and where that
// proposal stands: "与2023年第20230123号提案基本相同，已答复".
func (m *Match) DuplicateNote() string {
	return duplicateNote(m.Kind, m.Year, m.Number, m.Reply != "", m.Status)
}

func duplicateNote(kind string, year int, number string, replied bool, status string) string {
	note := fmt.Sprintf("与%d年第%s号提案基本相同", year, number)
	if kind == MatchCopy {
		note = fmt.Sprintf("与同年第%s号提案文字基本相同", number)
	}
	switch {
	case replied:
		note += "，已答复"
	case status == string(StatusFiled) || status == string(StatusMerged):
		note += "，已" + status
	case status != "":
		note += "，" + status
	}
	return note
}

// CoverPercent is the cover as a whole percentage, rounded down: 100%
// only for texts aligned throughout.
func (d *DuplicatePair) CoverPercent() int { return int(math.Floor(d.Cover * 100)) }

// Duplicate says whether the match repeats the source's text (a
// resubmission or a copy) rather than sharing its topic.
func (m *Match) Duplicate() bool { return m.Kind == MatchResubmission || m.Kind == MatchCopy }

// SentencePair is a sentence of one text beside the most alike sentence
// of another: a passage one copied from the other, as staff compare them.
type SentencePair struct {
	A          string  `json:"a"`
	B          string  `json:"b"`
	Similarity float64 `json:"similarity"`
}

// Group is a set of proposals for joint consultation (同类提案集中协商).
type Group struct {
	Label    []string      `json:"label"` // 2–4 key terms
	Members  []GroupMember `json:"members"`
	Cohesion float64       `json:"cohesion"` // mean similarity between members
	LeadUnit string        `json:"lead_unit,omitempty"`
}

// GroupMember is a proposal in a group and why it is there.
type GroupMember struct {
	Number string   `json:"number"`
	Title  string   `json:"title"`
	Reason []string `json:"reason"` // the group's key terms it shares
	Score  float64  `json:"score"`  // mean similarity to the other members
}

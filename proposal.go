package tian

// Status is where a proposal stands after review (审查).
type Status string

const (
	StatusFiled    Status = "立案"   // accepted and routed to undertaking units
	StatusRejected Status = "不予立案" // not accepted; Proposal.StatusReason says why
	StatusMerged   Status = "并案"   // merged into another proposal (Proposal.MergedInto)
)

// ProposerType tells an individual member's proposal from a collective one.
type ProposerType string

const (
	ProposerMember     ProposerType = "委员" // one member (possibly with co-signers)
	ProposerCollective ProposerType = "集体" // a party, group or CPPCC committee
)

// Proposal is one proposal (提案) as the office keeps it.
type Proposal struct {
	Number       string       `json:"number"`   // e.g. 20240123, unique
	Year         int          `json:"year"`     // 2024
	Session      string       `json:"session"`  // 十四届二次
	Title        string       `json:"title"`    // 关于……的提案
	Body         string       `json:"body"`     // the text
	Proposer     string       `json:"proposer"` // a member's name or a group
	ProposerType ProposerType `json:"proposer_type"`
	Sector       string       `json:"sector,omitempty"` // the member's 界别
	Category     string       `json:"category"`         // a Category name, e.g. 社会建设
	LeadUnit     string       `json:"lead_unit"`        // 主办单位
	CoUnits      []string     `json:"co_units"`         // 协办单位
	Status       Status       `json:"status"`
	StatusReason string       `json:"status_reason,omitempty"`
	MergedInto   string       `json:"merged_into,omitempty"`
	Reply        string       `json:"reply,omitempty"` // summary of the answer (办理答复)
}

// Text returns the title and the body as one text, the title first.
func (p *Proposal) Text() string {
	return p.Title + "\n" + p.Body
}

// Category is one label of a committee's classification, e.g. 经济建设.
// The label set comes from data, never from code.
type Category struct {
	Code  string `json:"code"`  // a stable identifier, e.g. economic
	Name  string `json:"name"`  // what users see, e.g. 经济建设
	Scope string `json:"scope"` // the topics it covers, for explanations
}

// Unit is an undertaking unit (承办单位) that can lead or co-handle a
// proposal.
type Unit struct {
	Name    string   `json:"name"`    // the current name
	Kind    string   `json:"kind"`    // 政府部门, 区县政府, 群团组织, …
	Duties  string   `json:"duties"`  // what it is responsible for
	Aliases []string `json:"aliases"` // former or short names
}

package tian

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"
)

// Status is where a proposal stands after review (审查).
type Status string

const (
	StatusFiled    Status = "立案"   // accepted and routed to undertaking units
	StatusRejected Status = "不予立案" // not accepted; Proposal.StatusReason says why
	StatusMerged   Status = "并案"   // merged into another proposal (Proposal.MergedInto)
	StatusUnknown  Status = ""     // not recorded (e.g. imported messages)
)

// ParseStatus accepts the statuses and the usual ways offices write them.
func ParseStatus(s string) (Status, error) {
	switch s {
	case "立案", "已立案", "予以立案", "filed":
		return StatusFiled, nil
	case "不予立案", "不立案", "未立案", "rejected":
		return StatusRejected, nil
	case "并案", "并案处理", "合并办理", "merged":
		return StatusMerged, nil
	case "":
		return StatusUnknown, nil
	}
	return "", Errorf(EINVALID, "未知状态 %q（应为立案、不予立案或并案）", s)
}

// ParseProposerType accepts 委员/个人 and 集体/党派/团体 forms.
func ParseProposerType(s string) (ProposerType, error) {
	switch s {
	case "委员", "个人", "委员提案", "个人提案", "member":
		return ProposerMember, nil
	case "集体", "集体提案", "党派", "团体", "党派团体", "collective":
		return ProposerCollective, nil
	case "":
		return "", nil
	}
	return "", Errorf(EINVALID, "未知提案人类型 %q（应为委员或集体）", s)
}

// ProposerType tells an individual member's proposal from a collective one.
type ProposerType string

const (
	ProposerMember     ProposerType = "委员" // one member (possibly with co-signers)
	ProposerCollective ProposerType = "集体" // a party, group or CPPCC committee
)

// Proposal is one proposal (提案) as the office keeps it.
type Proposal struct {
	Number string `json:"number"` // e.g. 20240123, unique
	// WrittenNumber is the number as the office wrote it (第0123号,
	// 〔2024〕123号), kept for display when it differs from Number, the
	// canonical form by which a list and a form of one proposal meet.
	WrittenNumber string       `json:"written_number,omitempty"`
	Year          int          `json:"year"`     // 2024
	Session       string       `json:"session"`  // 十四届二次
	Title         string       `json:"title"`    // 关于……的提案
	Body          string       `json:"body"`     // the text
	Proposer      string       `json:"proposer"` // a member's name or a group
	ProposerType  ProposerType `json:"proposer_type"`
	Sector        string       `json:"sector,omitempty"` // the member's 界别
	Category      string       `json:"category"`         // a Category name, e.g. 社会建设
	LeadUnit      string       `json:"lead_unit"`        // 主办单位
	CoUnits       []string     `json:"co_units"`         // 协办单位
	Status        Status       `json:"status"`
	StatusReason  string       `json:"status_reason,omitempty"`
	MergedInto    string       `json:"merged_into,omitempty"`
	Reply         string       `json:"reply,omitempty"`      // summary of the answer (办理答复)
	Submitted     string       `json:"submitted,omitempty"`  // date received, YYYY-MM-DD
	ReplyDate     string       `json:"reply_date,omitempty"` // date answered, YYYY-MM-DD
	// NotProposal marks a record kept in the archive that is not a
	// proposal (a citizen's message, say: see IsProposal); statistics and
	// training leave it out unless asked to include it.
	NotProposal bool `json:"not_proposal,omitempty"`
}

// Filed reports whether the proposal was accepted (立案), merged ones
// included: they are handled together with the proposal they joined.
func (p *Proposal) Filed() bool {
	return p.Status == StatusFiled || p.Status == StatusMerged
}

// Units returns the lead unit followed by the co-handling units.
func (p *Proposal) Units() []string {
	if p.LeadUnit == "" {
		return p.CoUnits
	}
	return append([]string{p.LeadUnit}, p.CoUnits...)
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

// Limits on a proposal's fields: generous for real proposals (a long
// collective proposal runs to a few thousand characters), within what one
// Excel cell holds (32,767 characters), so that every proposal exports to
// the office's spreadsheets whole, and small enough that a malformed file
// cannot fill memory or the index.
const (
	MaxTitleRunes = 500
	MaxBodyRunes  = 30_000
	MaxFieldRunes = 30_000 // any other text field
)

// FieldProblem is a problem with one field of a proposal.
type FieldProblem struct {
	Field   string // the JSON name of the field, e.g. "title"
	Message string
}

// Check returns what is wrong with p as a record to keep: missing number
// or title, out-of-range year, inconsistent status, oversized fields.
func (p *Proposal) Check() []FieldProblem {
	var out []FieldProblem
	bad := func(field, format string, args ...any) {
		out = append(out, FieldProblem{field, fmt.Sprintf(format, args...)})
	}
	if strings.TrimSpace(p.Number) == "" {
		bad("number", "提案号为空")
	} else if utf8.RuneCountInString(p.Number) > 64 {
		bad("number", "提案号过长（超过64个字符）")
	}
	if utf8.RuneCountInString(p.WrittenNumber) > 64 {
		bad("written_number", "原文提案号过长（超过64个字符）")
	}
	if strings.TrimSpace(p.Title) == "" {
		bad("title", "标题为空")
	}
	if n := utf8.RuneCountInString(p.Title); n > MaxTitleRunes {
		bad("title", "标题有%d个字符，超过上限%d", n, MaxTitleRunes)
	}
	if n := utf8.RuneCountInString(p.Body); n > MaxBodyRunes {
		bad("body", "内容有%d个字符，超过上限%d", n, MaxBodyRunes)
	}
	if p.Year != 0 && (p.Year < 1949 || p.Year > 2100) {
		bad("year", "年度%d不在1949—2100之间", p.Year)
	}
	switch p.Status {
	case StatusFiled, StatusRejected, StatusMerged, StatusUnknown:
	default:
		bad("status", "未知状态 %q（应为立案、不予立案或并案）", p.Status)
	}
	switch p.ProposerType {
	case ProposerMember, ProposerCollective, "":
	default:
		bad("proposer_type", "未知提案人类型 %q（应为委员或集体）", p.ProposerType)
	}
	if p.Status == StatusMerged && strings.TrimSpace(p.MergedInto) == "" {
		bad("merged_into", "状态为并案，但没有并入的提案号")
	}
	if p.MergedInto != "" && p.MergedInto == p.Number {
		bad("merged_into", "提案不能并入自身")
	}
	for field, v := range map[string]string{"session": p.Session, "proposer": p.Proposer, "sector": p.Sector,
		"category": p.Category, "status_reason": p.StatusReason, "reply": p.Reply} {
		if n := utf8.RuneCountInString(v); n > MaxFieldRunes {
			bad(field, "有%d个字符，超过上限%d", n, MaxFieldRunes)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Field < out[j].Field })
	return out
}

package tian

import (
	"context"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

// CuratedGroup is a group for joint consultation (并案) as the office
// decided it: staff start from a suggested Group, move, merge, split and
// rename, and confirm the year's groups.
type CuratedGroup struct {
	// ID is unique within its year; the store gives a new group one.
	ID       string   `json:"id"`
	Year     int      `json:"year"`
	Name     string   `json:"name"`      // the topic, e.g. 老旧小区加装电梯
	Members  []string `json:"members"`   // proposal numbers, in the office's order
	LeadUnit string   `json:"lead_unit"` // 牵头单位: a unit of the catalogue, or empty
	// Confirmed and who confirmed it when are the year's (YearGroups).
	Confirmed   bool   `json:"confirmed"`
	ConfirmedBy string `json:"confirmed_by,omitempty"`
	ConfirmedAt string `json:"confirmed_at,omitempty"`
	SavedBy     string `json:"saved_by,omitempty"`
	SavedAt     string `json:"saved_at,omitempty"`
}

// YearGroups is a year's curated groups as stored: a working draft until
// confirmed. Version grows with every save and confirmation; a save names
// the version it started from, so that a stale page cannot overwrite a
// colleague's work.
type YearGroups struct {
	Year        int            `json:"year"`
	Version     int            `json:"version"` // 0: nothing stored
	Groups      []CuratedGroup `json:"groups"`
	Confirmed   bool           `json:"confirmed"`
	ConfirmedBy string         `json:"confirmed_by,omitempty"`
	ConfirmedAt string         `json:"confirmed_at,omitempty"`
	SavedBy     string         `json:"saved_by,omitempty"`
	SavedAt     string         `json:"saved_at,omitempty"`
}

// GroupTuning is the grouping threshold learnt from confirmed groups: the
// threshold at which the suggestion best reproduces, pair by pair, the
// groups staff confirmed in past years.
type GroupTuning struct {
	Threshold float64 `json:"threshold"`
	Years     []int   `json:"years"` // the confirmed years it was tuned on
	F1        float64 `json:"f1"`    // mean pairwise F1 over those years at Threshold
	// Previous is the threshold before this tuning, PreviousF1 its F1 on
	// the same years.
	Previous   float64 `json:"previous"`
	PreviousF1 float64 `json:"previous_f1"`
	At         string  `json:"at,omitempty"`
	// Scale names the similarity the threshold was learnt on (the pair
	// model's version; "" for the fixed blend of earlier versions): a new
	// model makes an older threshold meaningless.
	Scale string `json:"scale,omitempty"`
}

// GroupStore keeps the curated groups of each year. Implementations audit
// every save and confirmation and make each atomic.
type GroupStore interface {
	// YearGroups returns the year's stored groups, ENOTFOUND when none
	// were ever saved.
	YearGroups(ctx context.Context, year int) (*YearGroups, error)
	// SaveYearGroups replaces the year's groups with groups, as a draft
	// (a confirmed year saved again needs confirming again), if the stored
	// version is still expected (0: none saved yet). It checks the groups
	// with CheckGroups against the stored proposals and units, gives new
	// groups an ID, and returns the year as stored. EINVALID for groups
	// CheckGroups refuses, ECONFLICT for a stale expected version.
	SaveYearGroups(ctx context.Context, year int, groups []CuratedGroup, expected int, actor string) (*YearGroups, error)
	// ConfirmYearGroups confirms the year's groups at version expected.
	// ENOTFOUND when none were saved, ECONFLICT for a stale version.
	ConfirmYearGroups(ctx context.Context, year, expected int, actor string) (*YearGroups, error)
	// GroupOf returns the stored group holding a proposal, with its year's
	// confirmation; ENOTFOUND when it is in none.
	GroupOf(ctx context.Context, number string) (*CuratedGroup, error)
	// ConfirmedYearGroups returns every confirmed year, oldest first: the
	// office's own judgement, the training signal for grouping.
	ConfirmedYearGroups(ctx context.Context) ([]YearGroups, error)
	// GroupTuning returns the last stored tuning, ENOTFOUND if none.
	GroupTuning(ctx context.Context) (*GroupTuning, error)
	// SaveGroupTuning stores a tuning (audited).
	SaveGroupTuning(ctx context.Context, t GroupTuning, actor string) error
}

// Limits on a year's curated groups.
const (
	MaxCuratedGroups = 1000
	MaxGroupMembers  = 200
	MaxGroupNameRune = 100
	maxGroupIDLen    = 32
)

// CheckGroups is the one place the rules of a year's curated groups live.
// Every member exists (in proposals, by number) and is of that year; no
// proposal is in two groups or twice in one; a group has a name and at
// least two members; a lead unit is empty or a known unit (units maps
// names and aliases to the unit's current name); IDs are unique. It
// trims names, sets each group's Year, and writes lead units under their
// current names. EINVALID names the group and the proposal.
func CheckGroups(year int, groups []CuratedGroup, proposals map[string]*Proposal, units map[string]string) error {
	if year < 1949 || year > 2100 {
		return Errorf(EINVALID, "年度 %d 不在1949—2100之间", year)
	}
	if len(groups) > MaxCuratedGroups {
		return Errorf(ETOOLARGE, "一年最多 %d 个分组，收到 %d 个", MaxCuratedGroups, len(groups))
	}
	var problems []string
	bad := func(i int, g *CuratedGroup, format string, args ...any) {
		name := ""
		if g.Name != "" {
			name = "（" + shortName(g.Name) + "）"
		}
		problems = append(problems, fmt.Sprintf("第%d组%s：", i+1, name)+fmt.Sprintf(format, args...))
	}
	in := map[string]int{} // number → group index
	ids := map[string]bool{}
	for i := range groups {
		g := &groups[i]
		g.Year, g.Name, g.ID = year, strings.TrimSpace(g.Name), strings.TrimSpace(g.ID)
		checkGroupFields(i, g, ids, units, bad)
		if len(g.Members) < 2 {
			bad(i, g, "至少要有2件提案，现有%d件", len(g.Members))
		}
		if len(g.Members) > MaxGroupMembers {
			bad(i, g, "最多%d件提案，现有%d件", MaxGroupMembers, len(g.Members))
		}
		for k, n := range g.Members {
			n = strings.TrimSpace(n)
			g.Members[k] = n
			p, ok := proposals[n]
			switch {
			case !ok:
				bad(i, g, "没有提案号为 %s 的提案", shortName(n))
			case p.Year != year:
				bad(i, g, "提案 %s 属于%d年，不是%d年", n, p.Year, year)
			}
			if j, dup := in[n]; dup && j == i {
				bad(i, g, "提案 %s 出现了两次", shortName(n))
			} else if dup {
				bad(i, g, "提案 %s 已在第%d组（%s）", shortName(n), j+1, shortName(groups[j].Name))
			}
			in[n] = i
		}
	}
	if len(problems) == 0 {
		return nil
	}
	more := ""
	if len(problems) > 5 {
		more = fmt.Sprintf("；另有%d处问题", len(problems)-5)
		problems = problems[:5]
	}
	return Errorf(EINVALID, "分组未保存：%s%s", strings.Join(problems, "；"), more)
}

// checkGroupFields checks a group's ID, name and lead unit.
func checkGroupFields(i int, g *CuratedGroup, ids map[string]bool, units map[string]string, bad func(int, *CuratedGroup, string, ...any)) {
	if g.Name == "" {
		bad(i, g, "组名为空")
	} else if n := utf8.RuneCountInString(g.Name); n > MaxGroupNameRune {
		bad(i, g, "组名有%d个字，超过上限%d", n, MaxGroupNameRune)
	} else if r, ok := invisible(g.Name); ok {
		bad(i, g, "组名含有不可见的控制字符 U+%04X，请删去", r)
	}
	if len(g.ID) > maxGroupIDLen {
		bad(i, g, "编号过长")
	} else if g.ID != "" && ids[g.ID] {
		bad(i, g, "编号 %s 与其他组重复", g.ID)
	}
	ids[g.ID] = g.ID != ""
	if r, ok := invisible(g.LeadUnit + g.ID); ok {
		bad(i, g, "编号或牵头单位含有不可见的控制字符 U+%04X，请删去", r)
	} else if u := strings.TrimSpace(g.LeadUnit); u == "" {
		g.LeadUnit = ""
	} else if name, ok := units[u]; ok {
		g.LeadUnit = name
	} else {
		bad(i, g, "牵头单位“%s”不在单位名录中", shortName(u))
	}
}

// invisible finds a character a group's name, ID or lead unit may not
// hold: a control character (NUL, an escape, a line break) or a
// direction override, which would make a name show other than it reads.
func invisible(s string) (rune, bool) {
	for _, r := range s {
		if unicode.IsControl(r) || r == '\u200E' || r == '\u200F' || '\u202A' <= r && r <= '\u202E' || '\u2066' <= r && r <= '\u2069' {
			return r, true
		}
	}
	return 0, false
}

// shortName is a name as a message quotes it: at most 20 characters.
func shortName(s string) string {
	if utf8.RuneCountInString(s) <= 20 {
		return s
	}
	return string([]rune(s)[:20]) + "…"
}

// CurationRequest asks for a year's groups as the curation page shows
// them.
type CurationRequest struct {
	Year int
	// IncludeAll puts proposals not filed (不予立案) into a suggestion;
	// by default only filed (and merged) proposals are grouped.
	IncludeAll bool
	// Threshold is the suggestion's grouping threshold; 0 means the
	// service's (learnt from confirmed years, or the default).
	Threshold float64
	// Suggest asks for the suggestion even when groups are stored.
	Suggest bool
}

// Sources of a CurationView.
const (
	CurationStored    = "stored"    // the office's saved groups
	CurationSuggested = "suggested" // computed, not saved yet
)

// CurationView is a year's groups with what staff need to judge them:
// each member's status, proposer, category and units, and the members of
// its group it nearly duplicates.
type CurationView struct {
	Year        int         `json:"year"`
	Source      string      `json:"source"`  // CurationStored or CurationSuggested
	Version     int         `json:"version"` // the stored version (also on a suggestion, to save over)
	Confirmed   bool        `json:"confirmed"`
	ConfirmedBy string      `json:"confirmed_by,omitempty"`
	ConfirmedAt string      `json:"confirmed_at,omitempty"`
	SavedBy     string      `json:"saved_by,omitempty"`
	SavedAt     string      `json:"saved_at,omitempty"`
	Threshold   float64     `json:"threshold"`        // the grouping threshold used (or that a suggestion would use)
	ThresholdOf string      `json:"threshold_source"` // request, tuned or default
	FiledOnly   bool        `json:"filed_only"`       // a suggestion of filed proposals only
	Groups      []GroupView `json:"groups"`
	// Tuning is set by a confirmation: the threshold learnt from it.
	Tuning *GroupTuning `json:"tuning,omitempty"`
	// Warning says what the view lacks, such as near-duplicate flags
	// while the index is not ready.
	Warning string `json:"warning,omitempty"`
}

// GroupView is one group of a CurationView.
type GroupView struct {
	ID       string            `json:"id"`
	Name     string            `json:"name"`
	LeadUnit string            `json:"lead_unit"`
	Label    []string          `json:"label"`              // a suggestion's key terms
	Cohesion float64           `json:"cohesion,omitempty"` // a suggestion's mean similarity
	Members  []GroupMemberView `json:"members"`
}

// GroupMemberView is a proposal of a group with its particulars.
type GroupMemberView struct {
	Number       string   `json:"number"`
	Year         int      `json:"year"`
	Title        string   `json:"title"`
	Status       string   `json:"status"`
	StatusReason string   `json:"status_reason,omitempty"`
	Proposer     string   `json:"proposer"`
	ProposerType string   `json:"proposer_type"`
	Category     string   `json:"category"`
	LeadUnit     string   `json:"lead_unit"`
	CoUnits      []string `json:"co_units"`
	Reason       []string `json:"reason"` // the group's key terms it holds
	// NearDuplicates are the members of the same group whose text this
	// one nearly repeats (the Relater's near_duplicate kind).
	NearDuplicates []string `json:"near_duplicates"`
	Missing        bool     `json:"missing,omitempty"` // deleted since the group was saved
}

// ProposalGroup is the stored group a proposal is in, for its page.
type ProposalGroup struct {
	Year        int       `json:"year"`
	Version     int       `json:"version"`
	Confirmed   bool      `json:"confirmed"`
	ConfirmedBy string    `json:"confirmed_by,omitempty"`
	ConfirmedAt string    `json:"confirmed_at,omitempty"`
	Group       GroupView `json:"group"`
}

// Curator is group curation as the service offers it to staff.
type Curator interface {
	// YearGroups returns the year's stored groups if there are any (and
	// the request does not ask for the suggestion), else the suggestion.
	// EINVALID for a bad year or threshold, ETOOLARGE for a year too
	// large to group.
	YearGroups(ctx context.Context, req CurationRequest) (*CurationView, error)
	// SaveYearGroups stores the year's groups as a draft: the errors of
	// GroupStore.SaveYearGroups.
	SaveYearGroups(ctx context.Context, year int, groups []CuratedGroup, expected int, actor string) (*CurationView, error)
	// ConfirmYearGroups confirms the year's groups and learns the
	// grouping threshold again from every confirmed year (the view's
	// Tuning); the errors of GroupStore.ConfirmYearGroups. A failure to
	// learn does not undo the confirmation.
	ConfirmYearGroups(ctx context.Context, year, expected int, actor string) (*CurationView, error)
	// ProposalGroup returns the stored group holding a proposal;
	// ENOTFOUND when it is in none.
	ProposalGroup(ctx context.Context, number string) (*ProposalGroup, error)
	// WriteYearGroups writes a view as an Excel workbook.
	WriteYearGroups(w io.Writer, v *CurationView) error
	// GroupThreshold is the threshold a suggestion uses when a request
	// gives none, and where it comes from (tuned or default).
	GroupThreshold() (float64, string)
}

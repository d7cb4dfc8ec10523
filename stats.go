package tian

import (
	"context"
	"fmt"
	"math"
	"strings"
)

// Stats are the figures of a committee's annual report on proposals.
//
// A proposal with no review result recorded (Status "", e.g. an old
// register that kept only titles) is received but neither filed nor
// rejected: the filing rate is taken over the proposals with a result
// (Reviewed), so that a year kept without results does not read as
// "立案率0.00%".
type Stats struct {
	Year       int     `json:"year,omitempty"` // 0: all years
	FromYear   int     `json:"from_year,omitempty"`
	ToYear     int     `json:"to_year,omitempty"`
	Received   int     `json:"received"`
	Reviewed   int     `json:"reviewed"`    // received with a review result recorded
	Unrecorded int     `json:"unrecorded"`  // received with none (未记录审查结果): Received − Reviewed
	Filed      int     `json:"filed"`       // 立案, merged ones included
	Merged     int     `json:"merged"`      // of Filed, merged into another proposal (并案)
	Rejected   int     `json:"rejected"`    // 不予立案
	FilingRate float64 `json:"filing_rate"` // percent of Reviewed; 0 when none was reviewed
	Members    int     `json:"members"`     // filed, from individual members
	Collective int     `json:"collective"`  // filed, from parties and groups
	Categories []Count `json:"categories"`  // filed, by category; shares of Filed
	LeadUnits  []Count `json:"lead_units"`  // filed, by lead unit; shares of Filed
	// Sectors are the received proposals by the proposer's 界别: members'
	// proposals without one under 未标注界别; collective proposals have
	// none and are counted under ProposerTypes only.
	Sectors       []Tally `json:"sectors"`
	ProposerTypes []Tally `json:"proposer_types"` // 委员, 集体 (and 未标注提案人类型)
	// Reasons are the 不予立案 proposals by their reason's lead clause
	// (ReasonLead), most frequent first; shares of Rejected.
	Reasons  []Count        `json:"reasons"`
	Topics   []Count        `json:"topics"`  // most frequent key terms of filed proposals
	Replied  int            `json:"replied"` // filed with a reply recorded
	Statuses map[Status]int `json:"statuses"`
	// Previous are the year before's figures, set by Compare when Year is
	// a year and the year before has proposals; CategoryChanges compare
	// the filed proposals by category with it ([] without Previous).
	Previous        *Previous    `json:"previous,omitempty"`
	CategoryChanges []YearOnYear `json:"category_changes"`
	// Years are the years the store has proposals in, whatever Year is,
	// oldest first: what a year can be chosen from.
	Years []YearCount `json:"years"`
	// Other counts the period's records that are not proposals
	// (Proposal.NotProposal, e.g. an imported message board), left out of
	// every figure; 0 when they are counted.
	Other int `json:"other"`
}

// Count is a name with how often it occurs and its share (percent).
type Count struct {
	Name  string  `json:"name"`
	Count int     `json:"count"`
	Share float64 `json:"share"`
}

// Tally is one part of the received proposals (a sector, a proposer
// type): how many were received, had a review result, and were filed.
type Tally struct {
	Name       string  `json:"name"`
	Received   int     `json:"received"`
	Reviewed   int     `json:"reviewed"`
	Filed      int     `json:"filed"`
	FilingRate float64 `json:"filing_rate"` // percent of Reviewed
	Share      float64 `json:"share"`       // percent of all received
}

// Previous are the headline figures of the year before, for year-on-year
// changes.
type Previous struct {
	Year       int     `json:"year"`
	Received   int     `json:"received"`
	Reviewed   int     `json:"reviewed"`
	Filed      int     `json:"filed"`
	FilingRate float64 `json:"filing_rate"`
}

// YearOnYear is a count this year beside the year before's.
type YearOnYear struct {
	Name     string `json:"name"`
	Count    int    `json:"count"`
	Previous int    `json:"previous"`
	Change   int    `json:"change"` // Count − Previous
}

// YearCount is a year with how many proposals were received in it.
type YearCount struct {
	Year     int `json:"year"`
	Received int `json:"received"`
}

// Names the figures use for what the data leave blank.
const (
	Uncategorised    = "未分类"
	NoSector         = "未标注界别"
	NoProposerType   = "未标注提案人类型"
	NoReason         = "未注明理由"
	reasonSeparators = "，,；;。"
)

// Percent returns part of whole in percent, 0 for an empty whole.
func Percent(part, whole int) float64 {
	if whole == 0 {
		return 0
	}
	return float64(part) * 100 / float64(whole)
}

// ReasonLead is the lead clause of a 不予立案 reason, which names the
// kind of reason: the text before the first comma, semicolon or full
// stop ("内容空泛，缺少具体可行的建议" → "内容空泛"), NoReason when blank.
func ReasonLead(reason string) string {
	lead := strings.TrimSpace(reason)
	if i := strings.IndexAny(lead, reasonSeparators); i >= 0 {
		lead = strings.TrimSpace(lead[:i])
	}
	if lead == "" {
		return NoReason
	}
	return lead
}

// Compare sets the year-on-year figures from prev, the year before's
// statistics; a prev without proposals leaves them unset.
func (s *Stats) Compare(prev *Stats) {
	s.CategoryChanges = []YearOnYear{}
	if prev == nil || prev.Received == 0 {
		s.Previous = nil
		return
	}
	s.Previous = &Previous{Year: prev.Year, Received: prev.Received, Reviewed: prev.Reviewed, Filed: prev.Filed, FilingRate: prev.FilingRate}
	before := map[string]int{}
	for _, c := range prev.Categories {
		before[c.Name] = c.Count
	}
	for _, c := range s.Categories {
		s.CategoryChanges = append(s.CategoryChanges, YearOnYear{Name: c.Name, Count: c.Count, Previous: before[c.Name], Change: c.Count - before[c.Name]})
		delete(before, c.Name)
	}
	for _, c := range prev.Categories { // gone this year, in the year before's order
		if _, gone := before[c.Name]; gone {
			s.CategoryChanges = append(s.CategoryChanges, YearOnYear{Name: c.Name, Previous: c.Count, Change: -c.Count})
		}
	}
}

// Title names the statistics: 2024年提案统计, 2021—2025年提案统计, 提案统计.
func (s *Stats) Title() string {
	return s.Period() + "提案统计"
}

// Period is what the statistics cover: 2024年, 2021—2025年, or "" for
// a store without proposals.
func (s *Stats) Period() string {
	switch {
	case s.Year != 0:
		return fmt.Sprintf("%d年", s.Year)
	case s.FromYear != 0 && s.FromYear != s.ToYear:
		return fmt.Sprintf("%d—%d年", s.FromYear, s.ToYear)
	case s.FromYear != 0:
		return fmt.Sprintf("%d年", s.FromYear)
	}
	return ""
}

// Report writes the figures the way a committee's annual report states
// them: 2024年全年共收到提案743件，比上年增加25件；经审查立案618件……
// One sentence a subject, each left out when it has nothing to say; the
// last names the records left out as not proposals, if any.
func (s *Stats) Report() string {
	var b strings.Builder
	s.writeFigures(&b)
	if s.Other > 0 {
		fmt.Fprintf(&b, "另有网上留言等非提案记录%d件，未计入统计。", s.Other)
	}
	return b.String()
}

func (s *Stats) writeFigures(b *strings.Builder) {
	if s.Received == 0 {
		b.WriteString(s.Period() + "尚无提案记录。")
		return
	}
	s.writeOpening(b)
	s.writeReasons(b)
	if s.Filed > 0 {
		s.writeProposers(b)
	}
	s.writeSectors(b)
	if s.Filed > 0 {
		s.writeCategories(b)
		s.writeLeadUnits(b)
		s.writeTopics(b)
		s.writeReplied(b)
	}
}

// writeOpening states received, filed and the filing rate, with the
// changes from the year before and, when some proposals have no review
// result, how many and what the rate is taken over.
func (s *Stats) writeOpening(b *strings.Builder) {
	p := s.Previous
	if s.Year != 0 {
		fmt.Fprintf(b, "%d年全年共收到提案%d件", s.Year, s.Received)
	} else {
		fmt.Fprintf(b, "%s共收到提案%d件", s.Period(), s.Received)
	}
	if p != nil {
		b.WriteString("，" + countChange(s.Received, p.Received))
	}
	if s.Reviewed == 0 {
		b.WriteString("，均未记录审查结果，无法计算立案率。")
		return
	}
	sep := "，"
	if p != nil {
		sep = "；"
	}
	if s.Unrecorded > 0 {
		fmt.Fprintf(b, "，其中%d件未记录审查结果；已记录审查结果的%d件中，经审查立案%d件", s.Unrecorded, s.Reviewed, s.Filed)
	} else {
		fmt.Fprintf(b, "%s经审查立案%d件", sep, s.Filed)
	}
	if s.Merged > 0 {
		fmt.Fprintf(b, "（含并案%d件）", s.Merged)
	}
	if p != nil {
		b.WriteString("，" + countChange(s.Filed, p.Filed))
	}
	fmt.Fprintf(b, "%s立案率%.2f%%", sep, s.FilingRate)
	if s.Unrecorded > 0 {
		fmt.Fprintf(b, "（按已记录审查结果的%d件计算）", s.Reviewed)
	}
	if p != nil && p.Reviewed > 0 {
		b.WriteString("，" + rateChange(s.FilingRate, p.FilingRate))
	}
	b.WriteString("。")
}

// countChange says how a count moved from the year before.
func countChange(now, before int) string {
	switch d := now - before; {
	case d > 0:
		return fmt.Sprintf("比上年增加%d件", d)
	case d < 0:
		return fmt.Sprintf("比上年减少%d件", -d)
	}
	return "与上年持平"
}

// rateChange says how a rate moved, in percentage points.
func rateChange(now, before float64) string {
	switch d := PointChange(now, before); {
	case d > 0:
		return fmt.Sprintf("比上年提高%.2f个百分点", d)
	case d < 0:
		return fmt.Sprintf("比上年下降%.2f个百分点", -d)
	}
	return "与上年持平"
}

// PointChange is the change from one rate (percent) to another in
// percentage points: the difference of the two as printed to 0.01, so
// that a report's figures subtract.
func PointChange(now, before float64) float64 {
	return (math.Round(now*100) - math.Round(before*100)) / 100
}

func (s *Stats) writeReasons(b *strings.Builder) {
	if s.Rejected == 0 {
		return
	}
	fmt.Fprintf(b, "不予立案%d件", s.Rejected)
	if len(s.Reasons) > 0 {
		b.WriteString("，理由主要是")
		writeCounts(b, s.Reasons, 5, "件")
		if len(s.Reasons) > 5 {
			b.WriteString("等")
		}
	}
	b.WriteString("。")
}

func (s *Stats) writeProposers(b *strings.Builder) {
	fmt.Fprintf(b, "立案提案中，委员提案%d件、集体提案%d件", s.Members, s.Collective)
	if other := s.Filed - s.Members - s.Collective; other > 0 {
		fmt.Fprintf(b, "、未标注提案人类型%d件", other)
	}
	b.WriteString("。")
}

// writeSectors names the sectors that sent the most proposals; members'
// proposals without a sector are in the table, not in the sentence.
func (s *Stats) writeSectors(b *strings.Builder) {
	var named []Count
	for _, t := range s.Sectors {
		if t.Name != NoSector {
			named = append(named, Count{Name: t.Name, Count: t.Received})
		}
	}
	if len(named) == 0 {
		return
	}
	b.WriteString("按界别分，提交提案较多的是")
	writeCounts(b, named, 5, "件")
	b.WriteString("。")
}

func (s *Stats) writeCategories(b *strings.Builder) {
	if len(s.Categories) == 0 {
		return
	}
	change := map[string]YearOnYear{}
	for _, c := range s.CategoryChanges {
		change[c.Name] = c
	}
	b.WriteString("按类别分，")
	for i, c := range s.Categories {
		if i > 0 {
			b.WriteString("；")
		}
		if c.Name == Uncategorised {
			fmt.Fprintf(b, "未分类提案%d件，占%.1f%%", c.Count, c.Share)
		} else {
			fmt.Fprintf(b, "%s类提案%d件，占%.1f%%", c.Name, c.Count, c.Share)
		}
		if ch, ok := change[c.Name]; ok && s.Previous != nil {
			b.WriteString("，" + countChange(ch.Count, ch.Previous))
		}
	}
	b.WriteString("。")
}

func (s *Stats) writeLeadUnits(b *strings.Builder) {
	if len(s.LeadUnits) == 0 {
		return
	}
	b.WriteString("主办件数较多的承办单位是")
	writeCounts(b, s.LeadUnits, 5, "件")
	b.WriteString("。")
}

func (s *Stats) writeTopics(b *strings.Builder) {
	if len(s.Topics) == 0 {
		return
	}
	b.WriteString("委员关注的热点集中在")
	for i, t := range s.Topics {
		if i == 8 {
			break
		}
		if i > 0 {
			b.WriteString("、")
		}
		b.WriteString(t.Name)
	}
	b.WriteString("等方面。")
}

func (s *Stats) writeReplied(b *strings.Builder) {
	if s.Replied > 0 {
		fmt.Fprintf(b, "已登记办理答复%d件，占立案提案的%.1f%%。", s.Replied, Percent(s.Replied, s.Filed))
	}
}

func writeCounts(b *strings.Builder, cs []Count, most int, unit string) {
	for i, c := range cs {
		if i == most {
			break
		}
		if i > 0 {
			b.WriteString("、")
		}
		fmt.Fprintf(b, "%s（%d%s）", c.Name, c.Count, unit)
	}
}

// Reporter gives the statistics of a year (0: all years), hot topics
// included. A year without proposals gives Received 0 and empty lists,
// not an error; EINTERNAL when the store fails.
type Reporter interface {
	Stats(ctx context.Context, year int) (*Stats, error)
}

// IndexStatus is the search index's lag behind the store: changes
// committed and not yet searchable, and why, when catching up failed.
type IndexStatus struct {
	Behind int64  `json:"behind"`
	Error  string `json:"error,omitempty"`
}

// Health is what the service reports and guards: the index's lag, and
// the disk space writes need.
type Health interface {
	// CatchUp brings the index up to date after a write.
	CatchUp(ctx context.Context) error
	IndexStatus(ctx context.Context) IndexStatus
	// CheckSpace returns ENOSPACE when the data directory's disk cannot
	// take need more bytes and keep its reserve.
	CheckSpace(need int64) error
}

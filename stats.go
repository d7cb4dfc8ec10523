package tian

import (
	"context"
	"fmt"
	"strings"
)

// Stats are the figures of a committee's annual report on proposals.
type Stats struct {
	Year       int            `json:"year,omitempty"` // 0: all years
	FromYear   int            `json:"from_year,omitempty"`
	ToYear     int            `json:"to_year,omitempty"`
	Received   int            `json:"received"`
	Filed      int            `json:"filed"`       // 立案, merged ones included
	FilingRate float64        `json:"filing_rate"` // percent of received
	Members    int            `json:"members"`     // filed, from individual members
	Collective int            `json:"collective"`  // filed, from parties and groups
	Categories []Count        `json:"categories"`  // filed, by category
	LeadUnits  []Count        `json:"lead_units"`  // filed, by lead unit
	Topics     []Count        `json:"topics"`      // most frequent key terms of filed proposals
	Replied    int            `json:"replied"`     // filed with a reply recorded
	Statuses   map[Status]int `json:"statuses"`
}

// Count is a name with how often it occurs and its share (percent).
type Count struct {
	Name  string  `json:"name"`
	Count int     `json:"count"`
	Share float64 `json:"share"`
}

// Percent returns part of whole in percent, 0 for an empty whole.
func Percent(part, whole int) float64 {
	if whole == 0 {
		return 0
	}
	return float64(part) * 100 / float64(whole)
}

// Report writes the figures the way a committee's annual report states
// them: 全年共收到提案743件，经审查立案618件，立案率83.18%。……
func (s *Stats) Report() string {
	var b strings.Builder
	switch {
	case s.Year != 0:
		fmt.Fprintf(&b, "%d年全年共收到提案%d件", s.Year, s.Received)
	case s.FromYear != 0 && s.FromYear != s.ToYear:
		fmt.Fprintf(&b, "%d—%d年共收到提案%d件", s.FromYear, s.ToYear, s.Received)
	default:
		fmt.Fprintf(&b, "共收到提案%d件", s.Received)
	}
	fmt.Fprintf(&b, "，经审查立案%d件，立案率%.2f%%。", s.Filed, s.FilingRate)
	if s.Filed == 0 {
		return b.String()
	}
	fmt.Fprintf(&b, "立案提案中，委员提案%d件、集体提案%d件", s.Members, s.Collective)
	if other := s.Filed - s.Members - s.Collective; other > 0 {
		fmt.Fprintf(&b, "、未标注提案人类型%d件", other)
	}
	b.WriteString("。")
	if len(s.Categories) > 0 {
		b.WriteString("按类别分，")
		for i, c := range s.Categories {
			if i > 0 {
				b.WriteString("；")
			}
			fmt.Fprintf(&b, "%s类提案%d件，占%.1f%%", c.Name, c.Count, c.Share)
		}
		b.WriteString("。")
	}
	if len(s.LeadUnits) > 0 {
		b.WriteString("主办件数较多的承办单位是")
		writeCounts(&b, s.LeadUnits, 5, "件")
		b.WriteString("。")
	}
	if len(s.Topics) > 0 {
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
	if s.Replied > 0 {
		fmt.Fprintf(&b, "已登记办理答复%d件，占立案提案的%.1f%%。", s.Replied, Percent(s.Replied, s.Filed))
	}
	return b.String()
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
// included.
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

package office

import (
	"context"
	"io"

	"tian"
	"tian/sheet"
)

// HotTopics is how many key terms Stats ranks as the year's hot topics.
const HotTopics = 10

// Stats is the statistics of a year (0: all years) with its hot topics:
// the key terms of its filed proposals, as `tian stats` prints them and
// the 统计 page shows them.
func (o *Office) Stats(ctx context.Context, year int) (*tian.Stats, error) {
	return o.StatsWith(ctx, year, HotTopics)
}

// StatsWith is Stats with topics hot topics (0: none).
func (o *Office) StatsWith(ctx context.Context, year, topics int) (*tian.Stats, error) {
	return o.StatsOf(ctx, year, topics, false)
}

// StatsIncluding is Stats counting, with other, the records that are not
// proposals too (tian.OtherStats).
func (o *Office) StatsIncluding(ctx context.Context, year int, other bool) (*tian.Stats, error) {
	return o.StatsOf(ctx, year, HotTopics, other)
}

// StatsOf is StatsWith counting, with other, the records that are not
// proposals too.
func (o *Office) StatsOf(ctx context.Context, year, topics int, other bool) (*tian.Stats, error) {
	s, err := o.store.StatsIncluding(ctx, year, other)
	if err != nil || s.Filed == 0 || topics <= 0 {
		return s, err
	}
	ps, err := o.store.Proposals(ctx, tian.ProposalFilter{Year: year})
	if err != nil {
		return nil, err
	}
	var docs []string
	for _, p := range ps {
		if p.Filed() {
			docs = append(docs, p.Text())
		}
	}
	if topics := o.seg.Topics(docs, 3, topics); len(topics) > 0 {
		s.Topics = topics
	}
	return s, nil
}

// ExportStats writes the statistics as a workbook: the report paragraph,
// the headline figures and one sheet a table.
func (o *Office) ExportStats(w io.Writer, s *tian.Stats) error {
	return sheet.WriteStatsXLSX(w, s)
}

// ExportDuplicates writes a year's 查重 as a workbook (sheet.WriteDuplicates).
func (o *Office) ExportDuplicates(w io.Writer, rep *tian.DuplicateReport) error {
	return sheet.WriteDuplicates(w, rep)
}

package tian_test

import (
	"strings"
	"testing"

	"tian"
)

// year2024 are the demo corpus's 2024 figures, compared with 2023's.
func year2024() *tian.Stats {
	s := &tian.Stats{Year: 2024, FromYear: 2024, ToYear: 2024, Received: 344, Reviewed: 344, Filed: 299, Merged: 20, Rejected: 45,
		FilingRate: tian.Percent(299, 344), Members: 214, Collective: 85, Replied: 106,
		Categories: []tian.Count{{Name: "经济建设", Count: 78, Share: 26.09}, {Name: "政治建设", Count: 33, Share: 11.04},
			{Name: "社会建设", Count: 119, Share: 39.80}},
		LeadUnits: []tian.Count{{Name: "市卫生健康委员会", Count: 22}, {Name: "市教育局", Count: 22}, {Name: "市文化和旅游局", Count: 21}},
		Sectors: []tian.Tally{{Name: "经济界", Received: 30, Reviewed: 30, Filed: 24}, {Name: "民建", Received: 19, Reviewed: 19, Filed: 18},
			{Name: tian.NoSector, Received: 40, Reviewed: 40, Filed: 35}, {Name: "工商联", Received: 17, Reviewed: 17, Filed: 12}},
		Reasons: []tian.Count{{Name: "内容空泛", Count: 8}, {Name: "涉及国家统一规定", Count: 8}, {Name: "涉及司法个案", Count: 6}},
		Topics:  []tian.Count{{Name: "企业"}, {Name: "学校"}, {Name: "非遗"}},
	}
	s.Compare(&tian.Stats{Year: 2023, Received: 341, Reviewed: 341, Filed: 297, FilingRate: tian.Percent(297, 341),
		Categories: []tian.Count{{Name: "经济建设", Count: 79}, {Name: "政治建设", Count: 31}, {Name: "社会建设", Count: 118}, {Name: "文化建设", Count: 36}}})
	return s
}

func TestReport(t *testing.T) {
	for _, c := range []struct {
		name  string
		stats func() *tian.Stats
		want  string
	}{
		{"a year compared with the year before", year2024,
			"2024年全年共收到提案344件，比上年增加3件；经审查立案299件（含并案20件），比上年增加2件；立案率86.92%，比上年下降0.18个百分点。" +
				"不予立案45件，理由主要是内容空泛（8件）、涉及国家统一规定（8件）、涉及司法个案（6件）。" +
				"立案提案中，委员提案214件、集体提案85件。" +
				"按界别分，提交提案较多的是经济界（30件）、民建（19件）、工商联（17件）。" +
				"按类别分，经济建设类提案78件，占26.1%，比上年减少1件；政治建设类提案33件，占11.0%，比上年增加2件；社会建设类提案119件，占39.8%，比上年增加1件。" +
				"主办件数较多的承办单位是市卫生健康委员会（22件）、市教育局（22件）、市文化和旅游局（21件）。" +
				"委员关注的热点集中在企业、学校、非遗等方面。" +
				"已登记办理答复106件，占立案提案的35.5%。"},
		{"a first year has no changes", func() *tian.Stats {
			s := &tian.Stats{Year: 2021, Received: 743, Reviewed: 743, Filed: 618, Rejected: 125, FilingRate: tian.Percent(618, 743),
				Members: 465, Collective: 150, Categories: []tian.Count{{Name: "社会建设", Count: 618, Share: 100}}}
			s.Compare(nil)
			return s
		},
			"2021年全年共收到提案743件，经审查立案618件，立案率83.18%。不予立案125件。" +
				"立案提案中，委员提案465件、集体提案150件、未标注提案人类型3件。按类别分，社会建设类提案618件，占100.0%。"},
		{"all years", func() *tian.Stats {
			return &tian.Stats{FromYear: 2021, ToYear: 2025, Received: 1570, Reviewed: 1570, Filed: 1364, Merged: 95, Rejected: 206,
				FilingRate: tian.Percent(1364, 1570), Members: 970, Collective: 394}
		},
			"2021—2025年共收到提案1570件，经审查立案1364件（含并案95件），立案率86.88%。不予立案206件。立案提案中，委员提案970件、集体提案394件。"},
		{"some proposals have no review result", func() *tian.Stats {
			s := &tian.Stats{Year: 2024, Received: 400, Reviewed: 344, Unrecorded: 56, Filed: 299, Rejected: 45,
				FilingRate: tian.Percent(299, 344), Members: 214, Collective: 85}
			s.Compare(&tian.Stats{Year: 2023, Received: 341, Reviewed: 341, Filed: 299, FilingRate: tian.Percent(299, 341)})
			return s
		},
			"2024年全年共收到提案400件，比上年增加59件，其中56件未记录审查结果；已记录审查结果的344件中，经审查立案299件，与上年持平；" +
				"立案率86.92%（按已记录审查结果的344件计算），比上年下降0.76个百分点。不予立案45件。立案提案中，委员提案214件、集体提案85件。"},
		{"no proposal has a review result", func() *tian.Stats {
			return &tian.Stats{Year: 2012, Received: 494, Unrecorded: 494,
				Sectors: []tian.Tally{{Name: tian.NoSector, Received: 494}}}
		},
			"2012年全年共收到提案494件，均未记录审查结果，无法计算立案率。"},
		{"the year before had no review results", func() *tian.Stats {
			s := &tian.Stats{Year: 2013, Received: 20, Reviewed: 20, Filed: 20, FilingRate: 100, Members: 20}
			s.Compare(&tian.Stats{Year: 2012, Received: 494})
			return s
		},
			"2013年全年共收到提案20件，比上年减少474件；经审查立案20件，比上年增加20件；立案率100.00%。立案提案中，委员提案20件、集体提案0件。"},
		{"an uncategorised proposal", func() *tian.Stats {
			return &tian.Stats{Year: 2022, Received: 2, Reviewed: 2, Filed: 2, FilingRate: 100, Members: 2,
				Categories: []tian.Count{{Name: "经济建设", Count: 1, Share: 50}, {Name: tian.Uncategorised, Count: 1, Share: 50}}}
		},
			"2022年全年共收到提案2件，经审查立案2件，立案率100.00%。立案提案中，委员提案2件、集体提案0件。" +
				"按类别分，经济建设类提案1件，占50.0%；未分类提案1件，占50.0%。"},
		{"a year without proposals", func() *tian.Stats { return &tian.Stats{Year: 2012} }, "2012年尚无提案记录。"},
		{"a year of messages left out", func() *tian.Stats { return &tian.Stats{Year: 2012, Other: 32} },
			"2012年尚无提案记录。另有网上留言等非提案记录32件，未计入统计。"},
		{"proposals and messages left out", func() *tian.Stats {
			return &tian.Stats{FromYear: 2011, ToYear: 2025, Received: 1570, Reviewed: 1570, Filed: 1364, Rejected: 206,
				FilingRate: tian.Percent(1364, 1570), Members: 970, Collective: 394, Other: 494}
		},
			"2011—2025年共收到提案1570件，经审查立案1364件，立案率86.88%。不予立案206件。立案提案中，委员提案970件、集体提案394件。" +
				"另有网上留言等非提案记录494件，未计入统计。"},
		{"a store without proposals", func() *tian.Stats { return &tian.Stats{} }, "尚无提案记录。"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := c.stats().Report(); got != c.want {
				t.Errorf("report differs:\n%s", sentenceDiff(got, c.want))
			}
		})
	}
}

// sentenceDiff lists the report's sentences that differ from the wanted
// ones, so that a failure says which sentence broke and how.
func sentenceDiff(got, want string) string {
	g, w := strings.SplitAfter(got, "。"), strings.SplitAfter(want, "。")
	var b strings.Builder
	for i := range max(len(g), len(w)) {
		gs, ws := "", ""
		if i < len(g) {
			gs = g[i]
		}
		if i < len(w) {
			ws = w[i]
		}
		if gs != ws {
			b.WriteString("sentence " + itoa(i+1) + ":\n  got:  " + gs + "\n  want: " + ws + "\n")
		}
	}
	return b.String()
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

// The report never claims a filing rate over proposals without a review
// result, whatever the mix.
func TestReportRateOnlyOverReviewed(t *testing.T) {
	for unrecorded := 0; unrecorded <= 344; unrecorded += 43 {
		reviewed := 344 - unrecorded
		filed := reviewed * 87 / 100
		s := &tian.Stats{Year: 2024, Received: 344, Reviewed: reviewed, Unrecorded: unrecorded, Filed: filed,
			FilingRate: tian.Percent(filed, reviewed), Members: filed}
		r := s.Report()
		switch {
		case reviewed == 0 && (strings.Contains(r, "立案率") && !strings.Contains(r, "无法计算立案率")):
			t.Errorf("%d of 344 without a result: the report states a rate: %s", unrecorded, r)
		case unrecorded > 0 && !strings.Contains(r, "未记录审查结果"):
			t.Errorf("%d of 344 without a result: the report does not say so: %s", unrecorded, r)
		case unrecorded == 0 && strings.Contains(r, "未记录"):
			t.Errorf("all reviewed: the report speaks of unrecorded ones: %s", r)
		case strings.Contains(r, "立案率0.00%"):
			t.Errorf("%d of 344 without a result: %s", unrecorded, r)
		}
	}
}

func TestReasonLead(t *testing.T) {
	for _, c := range []struct{ reason, want string }{
		{"内容空泛，缺少具体可行的建议", "内容空泛"},
		{"涉及司法个案，不属于提案受理范围，建议当事人依法向执行法院反映", "涉及司法个案"},
		{"所提问题已在办理中", "所提问题已在办理中"},
		{"  属于党派团体内部事务；不属于提案受理范围", "属于党派团体内部事务"},
		{"属于个人诉求, 建议通过信访渠道反映", "属于个人诉求"},
		{"不属于本级职权。", "不属于本级职权"},
		{"", tian.NoReason},
		{"，缺少具体建议", tian.NoReason},
	} {
		if got := tian.ReasonLead(c.reason); got != c.want {
			t.Errorf("ReasonLead(%q) = %q, want %q", c.reason, got, c.want)
		}
	}
}

// Compare lists this year's categories in order, then those only the
// year before had, with the counts that make the changes.
func TestCompare(t *testing.T) {
	s := year2024()
	want := []tian.YearOnYear{{Name: "经济建设", Count: 78, Previous: 79, Change: -1}, {Name: "政治建设", Count: 33, Previous: 31, Change: 2},
		{Name: "社会建设", Count: 119, Previous: 118, Change: 1}, {Name: "文化建设", Count: 0, Previous: 36, Change: -36}}
	if len(s.CategoryChanges) != len(want) {
		t.Fatalf("changes %+v, want %+v", s.CategoryChanges, want)
	}
	for i := range want {
		if s.CategoryChanges[i] != want[i] {
			t.Errorf("change %d: %+v, want %+v", i, s.CategoryChanges[i], want[i])
		}
	}
	if p := s.Previous; p == nil || p.Year != 2023 || p.Received != 341 || p.Filed != 297 {
		t.Errorf("previous %+v, want 2023's 341 received and 297 filed", p)
	}
	s.Compare(&tian.Stats{Year: 2023})
	if s.Previous != nil || s.CategoryChanges == nil || len(s.CategoryChanges) != 0 {
		t.Errorf("compared with an empty year: previous %+v, changes %+v; want none and []", s.Previous, s.CategoryChanges)
	}
}

func TestPointChange(t *testing.T) {
	for _, c := range []struct{ now, before, want float64 }{
		{tian.Percent(299, 344), tian.Percent(297, 341), -0.18}, // 86.92 − 87.10
		{83.18, 80.005, 3.17},
		{87.5, 87.5, 0},
		{100, 0, 100},
	} {
		if got := tian.PointChange(c.now, c.before); got < c.want-1e-9 || got > c.want+1e-9 {
			t.Errorf("PointChange(%.4f, %.4f) = %v, want %v", c.now, c.before, got, c.want)
		}
	}
}

func TestTitle(t *testing.T) {
	for _, c := range []struct {
		s    tian.Stats
		want string
	}{
		{tian.Stats{Year: 2024}, "2024年提案统计"},
		{tian.Stats{FromYear: 2021, ToYear: 2025}, "2021—2025年提案统计"},
		{tian.Stats{FromYear: 2023, ToYear: 2023}, "2023年提案统计"},
		{tian.Stats{}, "提案统计"},
	} {
		if got := c.s.Title(); got != c.want {
			t.Errorf("%+v: Title() = %q, want %q", c.s, got, c.want)
		}
	}
}

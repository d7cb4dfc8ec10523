package sqlite_test

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"testing"

	"tian"
)

// tallied are the figures counted proposal by proposal, the slow way,
// to check the store's queries against.
type tallied struct {
	received, reviewed, filed, merged, rejected, members, collective, replied int
	categories, reasons, leads                                                map[string]int
	sectors, types                                                            map[string][3]int // received, reviewed, filed
}

func tally(ps []*tian.Proposal, year int) tallied {
	t := tallied{categories: map[string]int{}, reasons: map[string]int{}, leads: map[string]int{},
		sectors: map[string][3]int{}, types: map[string][3]int{}}
	add := func(m map[string][3]int, name string, p *tian.Proposal) {
		v := m[name]
		v[0]++
		if p.Status != tian.StatusUnknown {
			v[1]++
		}
		if p.Filed() {
			v[2]++
		}
		m[name] = v
	}
	for _, p := range ps {
		if year != 0 && p.Year != year {
			continue
		}
		t.received++
		add(t.types, string(p.ProposerType), p)
		if p.Sector != "" {
			add(t.sectors, p.Sector, p)
		} else if p.ProposerType != tian.ProposerCollective {
			add(t.sectors, tian.NoSector, p)
		}
		switch {
		case p.Status == tian.StatusUnknown:
			continue
		case p.Status == tian.StatusRejected:
			t.rejected++
			lead, _, _ := strings.Cut(p.StatusReason, "，")
			t.reasons[lead]++
		}
		t.reviewed++
		if !p.Filed() {
			continue
		}
		t.filed++
		t.categories[p.Category]++
		t.leads[p.LeadUnit]++
		if p.Status == tian.StatusMerged {
			t.merged++
		}
		if p.ProposerType == tian.ProposerMember {
			t.members++
		} else {
			t.collective++
		}
		if p.Reply != "" {
			t.replied++
		}
	}
	return t
}

func countsOf(cs []tian.Count) map[string]int {
	m := map[string]int{}
	for _, c := range cs {
		m[c.Name] = c.Count
	}
	return m
}

func talliesOf(ts []tian.Tally) map[string][3]int {
	m := map[string][3]int{}
	for _, t := range ts {
		m[t.Name] = [3]int{t.Received, t.Reviewed, t.Filed}
	}
	return m
}

// checkStats compares the store's statistics with the proposals counted
// one by one.
func checkStats(t *testing.T, s *tian.Stats, want tallied) {
	t.Helper()
	got := [...]int{s.Received, s.Reviewed, s.Filed, s.Merged, s.Rejected, s.Members, s.Collective, s.Replied}
	if exp := [...]int{want.received, want.reviewed, want.filed, want.merged, want.rejected, want.members, want.collective, want.replied}; got != exp {
		t.Errorf("received, reviewed, filed, merged, rejected, members, collective, replied = %v, want %v", got, exp)
	}
	if s.Unrecorded != s.Received-s.Reviewed {
		t.Errorf("unrecorded %d, want received − reviewed = %d", s.Unrecorded, s.Received-s.Reviewed)
	}
	for name, pair := range map[string][2]map[string]int{"categories": {countsOf(s.Categories), want.categories},
		"reasons": {countsOf(s.Reasons), want.reasons}, "lead units": {countsOf(s.LeadUnits), want.leads}} {
		if !maps.Equal(pair[0], pair[1]) {
			t.Errorf("%s:\n got  %v\n want %v", name, pair[0], pair[1])
		}
	}
	for name, pair := range map[string][2]map[string][3]int{"sectors": {talliesOf(s.Sectors), want.sectors},
		"proposer types": {talliesOf(s.ProposerTypes), want.types}} {
		if !maps.Equal(pair[0], pair[1]) {
			t.Errorf("%s (received, reviewed, filed):\n got  %v\n want %v", name, pair[0], pair[1])
		}
	}
	if want.reviewed > 0 && fmt.Sprintf("%.4f", s.FilingRate) != fmt.Sprintf("%.4f", float64(want.filed)*100/float64(want.reviewed)) {
		t.Errorf("filing rate %.4f, want %d of %d reviewed", s.FilingRate, want.filed, want.reviewed)
	}
}

// The figures of every demo year, and of all years, are the proposals
// counted one by one; each year is compared with the one before.
func TestStatsCountTheDemo(t *testing.T) {
	ctx := context.Background()
	db := demoDB(t)
	all, err := readDemo()
	if err != nil {
		t.Fatal(err)
	}
	for _, year := range []int{0, 2021, 2022, 2023, 2024, 2025} {
		t.Run(fmt.Sprint(year), func(t *testing.T) {
			s, err := db.Stats(ctx, year)
			if err != nil {
				t.Fatal(err)
			}
			checkStats(t, s, tally(all, year))
			if s.Categories[0].Name != "社会建设" || s.Categories[1].Name != "经济建设" {
				t.Errorf("categories %+v: want the catalogue's order, 社会建设 and 经济建设 first", s.Categories)
			}
			for i := 1; i < len(s.Reasons); i++ {
				if s.Reasons[i].Count > s.Reasons[i-1].Count {
					t.Errorf("reasons not by count: %+v", s.Reasons)
				}
			}
			if len(s.ProposerTypes) != 2 || s.ProposerTypes[0].Name != "委员" || s.ProposerTypes[1].Name != "集体" {
				t.Errorf("proposer types %+v, want 委员 then 集体", s.ProposerTypes)
			}
			checkPrevious(t, s, all)
		})
	}
}

// checkPrevious checks the year-on-year figures: none for all years and
// for the first year, the year before's counts otherwise.
func checkPrevious(t *testing.T, s *tian.Stats, all []*tian.Proposal) {
	t.Helper()
	if s.Year == 0 || s.Year == 2021 {
		if s.Previous != nil || len(s.CategoryChanges) != 0 {
			t.Errorf("%d: previous %+v, changes %+v; want none", s.Year, s.Previous, s.CategoryChanges)
		}
		return
	}
	before := tally(all, s.Year-1)
	if p := s.Previous; p == nil || p.Year != s.Year-1 || p.Received != before.received || p.Filed != before.filed {
		t.Fatalf("%d: previous %+v, want %d with %d received, %d filed", s.Year, s.Previous, s.Year-1, before.received, before.filed)
	}
	for _, c := range s.CategoryChanges {
		if c.Previous != before.categories[c.Name] || c.Change != c.Count-c.Previous {
			t.Errorf("%d: %+v, want previous %d", s.Year, c, before.categories[c.Name])
		}
	}
	if !strings.Contains(s.Report(), "比上年") {
		t.Errorf("%d: the report states no change from the year before: %s", s.Year, s.Report())
	}
}

// Records without a review result (a message board kept as 2012's
// register) count as received, not as rejected: the filing rate is taken
// over the others and the report says so. An empty year is empty, not
// an error, with lists that encode as [].
func TestStatsWithoutReviewResults(t *testing.T) {
	ctx := context.Background()
	db := demoDB(t)
	all, _ := readDemo()
	var recs []tian.Record
	for i, p := range all {
		if p.Year != 2024 || i%10 != 0 {
			continue
		}
		for _, year := range []int{2012, 2024} {
			q := *p
			q.Number, q.Year, q.Status, q.StatusReason, q.MergedInto = fmt.Sprintf("%d9%s", year, p.Number[4:]), year, tian.StatusUnknown, "", ""
			recs = append(recs, rec(len(recs)+2, q))
		}
	}
	mustImport(t, db, recs, tian.ImportOptions{NewUnits: true, Actor: "test"})
	added := len(recs) / 2

	s, err := db.Stats(ctx, 2012)
	if err != nil {
		t.Fatal(err)
	}
	if s.Received != added || s.Unrecorded != added || s.Reviewed != 0 || s.Filed != 0 || s.FilingRate != 0 {
		t.Errorf("2012: received %d, unrecorded %d, reviewed %d, filed %d, rate %.2f; want %d received, none reviewed",
			s.Received, s.Unrecorded, s.Reviewed, s.Filed, s.FilingRate, added)
	}
	if r := s.Report(); strings.Contains(r, "立案率0.00%") || !strings.Contains(r, "均未记录审查结果") {
		t.Errorf("2012 report: %s", r)
	}

	s, _ = db.Stats(ctx, 2024)
	want := tally(all, 2024)
	if s.Received != want.received+added || s.Unrecorded != added || s.Reviewed != want.reviewed || s.Filed != want.filed {
		t.Errorf("2024 with %d unrecorded: %+v", added, s)
	}
	if s.FilingRate != tian.Percent(want.filed, want.reviewed) {
		t.Errorf("2024 rate %.2f, want %.2f (over the reviewed only)", s.FilingRate, tian.Percent(want.filed, want.reviewed))
	}
	if r := s.Report(); !strings.Contains(r, fmt.Sprintf("其中%d件未记录审查结果", added)) || !strings.Contains(r, "按已记录审查结果的") {
		t.Errorf("2024 report does not say how many have no result: %s", r)
	}

	s, _ = db.Stats(ctx, 2013)
	if s.Received != 0 || s.Previous != nil || s.Report() != "2013年尚无提案记录。" {
		t.Errorf("2013: received %d, previous %+v, report %q", s.Received, s.Previous, s.Report())
	}
	for name, n := range map[string]int{"categories": len(s.Categories), "lead units": len(s.LeadUnits), "reasons": len(s.Reasons)} {
		if n != 0 {
			t.Errorf("2013 %s: %d", name, n)
		}
	}
	if s.Sectors == nil || s.ProposerTypes == nil || s.CategoryChanges == nil || s.Categories == nil || s.Reasons == nil {
		t.Errorf("2013: a list is nil (null in JSON): %+v", s)
	}
	if len(s.Years) != 6 || s.Years[0] != (tian.YearCount{Year: 2012, Received: added}) || s.Years[5].Year != 2025 {
		t.Errorf("years %+v, want 2012 and 2021–2025", s.Years)
	}
}

// A store without proposals reports so, whatever the year.
func TestStatsOfAnEmptyStore(t *testing.T) {
	db := openDB(t)
	for _, year := range []int{0, 2024} {
		s, err := db.Stats(context.Background(), year)
		if err != nil {
			t.Fatal(err)
		}
		if s.Received != 0 || len(s.Years) != 0 || s.Years == nil || !strings.Contains(s.Report(), "尚无提案记录") {
			t.Errorf("%d: %+v, report %q", year, s, s.Report())
		}
	}
}

// Records that are not proposals (a message board: no status, proposer
// type, 界别 or unit) are left out of the figures and counted as such;
// counted in, they are proposals without a review result (the store
// contract, storetest, checks those figures).
func TestStatsLeaveOutOtherRecords(t *testing.T) {
	ctx := context.Background()
	db := demoDB(t)
	messages := []tian.Record{
		rec(2, tian.Proposal{Number: "37042", Year: 2012, Title: "A市经济学院寒假过年期间组织学生统一去工厂工作", Body: "学校要求学生寒假去工厂实习，每天工作十一个小时。", Proposer: "A00093", Category: "教育文体"}),
		rec(3, tian.Proposal{Number: "37043", Year: 2012, Title: "西地省二本院校在A市招生计划缩减", Body: "今年招生计划比去年少了一半。", Category: "教育文体"}),
		rec(4, tian.Proposal{Number: "37044", Year: 2024, Title: "请求整治A7县小区噪音扰民", Body: "楼下商铺夜间施工噪音大。", Category: "城乡建设"}),
	}
	mustImport(t, db, messages, tian.ImportOptions{Actor: "test"})

	all, _ := readDemo()
	s, err := db.Stats(ctx, 2024)
	if err != nil {
		t.Fatal(err)
	}
	checkStats(t, s, tally(all, 2024))
	if s.Other != 1 || !strings.HasSuffix(s.Report(), "另有网上留言等非提案记录1件，未计入统计。") {
		t.Errorf("2024: other %d, report %q", s.Other, s.Report())
	}
	s, _ = db.Stats(ctx, 0)
	if s.FromYear != 2021 || s.Other != 3 || len(s.Years) != 5 {
		t.Errorf("all years: from %d, other %d, years %+v; want the demo's years and the 3 messages left out", s.FromYear, s.Other, s.Years)
	}
}

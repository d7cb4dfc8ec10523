package storecore

import (
	"cmp"
	"slices"
	"sort"

	"tian"
)

// TallyRow is one group of proposals alike in year, proposer type,
// sector, category (its id, 0 for none) and status, with how many.
type TallyRow struct {
	Year                         int
	ProposerType, Sector, Status string
	Category                     int64
	N                            int
}

// Tallies folds tally rows into the statistics of a year.
type Tallies struct {
	s          *tian.Stats
	categories map[int64]int // filed by category id; 0: none
	sectors    map[string]*tian.Tally
	types      map[string]*tian.Tally
}

// NewTallies starts the figures of year (0: all years).
func NewTallies(year int) *Tallies {
	return &Tallies{s: &tian.Stats{Year: year, Statuses: map[tian.Status]int{}}, categories: map[int64]int{},
		sectors: map[string]*tian.Tally{}, types: map[string]*tian.Tally{}}
}

// Add counts one group.
func (t *Tallies) Add(r TallyRow) {
	s, isFiled := t.s, r.Status == string(tian.StatusFiled) || r.Status == string(tian.StatusMerged)
	s.Received += r.N
	s.Statuses[tian.Status(r.Status)] += r.N
	if r.Year != 0 && (s.FromYear == 0 || r.Year < s.FromYear) {
		s.FromYear = r.Year
	}
	s.ToYear = max(s.ToYear, r.Year)
	switch r.Status {
	case string(tian.StatusUnknown):
		s.Unrecorded += r.N
	case string(tian.StatusRejected):
		s.Rejected += r.N
	case string(tian.StatusMerged):
		s.Merged += r.N
	}
	if isFiled {
		s.Filed += r.N
		t.categories[r.Category] += r.N
		switch tian.ProposerType(r.ProposerType) {
		case tian.ProposerMember:
			s.Members += r.N
		case tian.ProposerCollective:
			s.Collective += r.N
		}
	}
	reviewed := r.Status != string(tian.StatusUnknown)
	countPart(t.types, cmp.Or(r.ProposerType, tian.NoProposerType), r.N, reviewed, isFiled)
	switch {
	case r.Sector != "":
		countPart(t.sectors, r.Sector, r.N, reviewed, isFiled)
	case r.ProposerType != string(tian.ProposerCollective):
		countPart(t.sectors, tian.NoSector, r.N, reviewed, isFiled)
	}
}

// countPart adds n proposals to the part named name.
func countPart(m map[string]*tian.Tally, name string, n int, reviewed, filed bool) {
	p := m[name]
	if p == nil {
		p = &tian.Tally{Name: name}
		m[name] = p
	}
	p.Received += n
	if reviewed {
		p.Reviewed += n
	}
	if filed {
		p.Filed += n
	}
}

// Stats finishes the figures: rates, shares and the order of the lists;
// names are the categories' names by id.
func (t *Tallies) Stats(names map[int64]string) *tian.Stats {
	s := t.s
	s.Reviewed = s.Received - s.Unrecorded
	s.FilingRate = tian.Percent(s.Filed, s.Reviewed)
	ids := make([]int64, 0, len(t.categories))
	for id := range t.categories {
		ids = append(ids, id)
	}
	// the catalogue's order, uncategorised (id 0) last
	slices.SortFunc(ids, func(a, b int64) int {
		if (a == 0) != (b == 0) {
			return cmp.Compare(b, a)
		}
		return cmp.Compare(a, b)
	})
	s.Categories = []tian.Count{}
	for _, id := range ids {
		name := names[id]
		if id == 0 || name == "" {
			name = tian.Uncategorised
		}
		s.Categories = append(s.Categories, tian.Count{Name: name, Count: t.categories[id], Share: tian.Percent(t.categories[id], s.Filed)})
	}
	s.Sectors = finishParts(t.sectors, s.Received, func(a, b tian.Tally) int {
		return cmp.Or(cmp.Compare(b.Received, a.Received), cmp.Compare(a.Name, b.Name))
	})
	// 委员, 集体, then 未标注提案人类型
	s.ProposerTypes = finishParts(t.types, s.Received, func(a, b tian.Tally) int { return cmp.Compare(rank(a.Name), rank(b.Name)) })
	for st, n := range s.Statuses {
		if n == 0 {
			delete(s.Statuses, st)
		}
	}
	return s
}

// rank orders proposer types: 委员, 集体, then 未标注提案人类型.
func rank(name string) int {
	switch tian.ProposerType(name) {
	case tian.ProposerMember:
		return 0
	case tian.ProposerCollective:
		return 1
	}
	return 2
}

// finishParts lists the tallies in order with their rates and shares of
// received.
func finishParts(m map[string]*tian.Tally, received int, order func(a, b tian.Tally) int) []tian.Tally {
	out := make([]tian.Tally, 0, len(m))
	for _, t := range m {
		t.FilingRate, t.Share = tian.Percent(t.Filed, t.Reviewed), tian.Percent(t.Received, received)
		out = append(out, *t)
	}
	slices.SortFunc(out, order)
	return out
}

// Reasons folds the 不予立案 proposals counted by reason into counts by
// the reason's lead clause (tian.ReasonLead), most frequent first, with
// shares of rejected.
func Reasons(byReason []tian.Count, rejected int) []tian.Count {
	byLead := map[string]int{}
	for _, c := range byReason {
		byLead[tian.ReasonLead(c.Name)] += c.Count
	}
	out := make([]tian.Count, 0, len(byLead))
	for name, n := range byLead {
		out = append(out, tian.Count{Name: name, Count: n, Share: tian.Percent(n, rejected)})
	}
	SortByCount(out)
	return out
}

// SortByCount sorts by count, descending, ties by name.
func SortByCount(cs []tian.Count) {
	sort.SliceStable(cs, func(i, j int) bool {
		if cs[i].Count != cs[j].Count {
			return cs[i].Count > cs[j].Count
		}
		return cs[i].Name < cs[j].Name
	})
}

// EmptyLists makes the statistics' lists [] in JSON, never null, also
// for a year with no proposals.
func EmptyLists(s *tian.Stats) {
	for _, l := range []*[]tian.Count{&s.Categories, &s.LeadUnits, &s.Topics, &s.Reasons} {
		if *l == nil {
			*l = []tian.Count{}
		}
	}
}

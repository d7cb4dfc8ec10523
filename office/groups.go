package office

import (
	"context"
	"io"
	"strings"
	"sync"
	"time"

	"tian"
	"tian/relate"
	"tian/sheet"
)

// GroupRelater is what curation asks of the relations engine
// (relate.Service): suggestions, near-duplicates inside a group, and the
// threshold learnt from confirmed years.
type GroupRelater interface {
	tian.Relater
	NearDuplicatePairs(ctx context.Context, numbers []string) ([][2]string, error)
	TuneThreshold(ctx context.Context, confirmed []tian.YearGroups, current float64, grid []float64, opt relate.GroupOptions) (*tian.GroupTuning, error)
	// DefaultThreshold and Scale are the threshold and the name of the
	// similarity in use (relate.Service).
	DefaultThreshold() float64
	Scale() string
}

// CurationStore is what curation asks of the system of record.
type CurationStore interface {
	tian.GroupStore
	Proposals(ctx context.Context, f tian.ProposalFilter) ([]*tian.Proposal, error)
	ProposalsByNumber(ctx context.Context, numbers []string) (map[string]*tian.Proposal, error)
}

// Where a threshold came from (CurationView.ThresholdOf).
const (
	ThresholdDefault = "default" // the similarity's own (the pair model's)
	ThresholdTuned   = "tuned"   // learnt from confirmed years
	ThresholdRequest = "request" // the request named it
)

// Curation is group curation (并案): a year's suggested or stored groups
// with each member's particulars, versioned saves, confirmation, and the
// grouping threshold learnt again from every confirmed year. It
// implements tian.Curator and is safe for concurrent use.
type Curation struct {
	store CurationStore
	rel   GroupRelater
	// Log, if set, is told what went wrong where nothing can be
	// answered (a tuning that failed after a confirmation committed).
	Log func(msg string)

	mu        sync.Mutex // guards threshold and source; one tuning at a time
	tuneMu    sync.Mutex
	threshold float64
	source    string
	scale     string // the similarity a tuned threshold was learnt on
}

var _ tian.Curator = (*Curation)(nil)

// NewCuration returns curation over a store and a relations engine; the
// threshold is the last one learnt (stored) on the similarity in use,
// else the similarity's own.
func NewCuration(ctx context.Context, store CurationStore, rel GroupRelater) (*Curation, error) {
	c := &Curation{store: store, rel: rel, threshold: rel.DefaultThreshold(), source: ThresholdDefault}
	if err := c.Refresh(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

// Refresh reads the stored threshold again: the one another replica
// sharing the store learnt from a confirmation (KeepCurationFresh).
func (c *Curation) Refresh(ctx context.Context) error {
	t, err := c.store.GroupTuning(ctx)
	switch {
	case err == nil && t.Threshold > 0 && t.Threshold <= 1 && t.Scale == c.rel.Scale():
		c.mu.Lock()
		c.threshold, c.source, c.scale = t.Threshold, ThresholdTuned, t.Scale
		c.mu.Unlock()
	case err != nil && tian.ErrorCode(err) != tian.ENOTFOUND:
		return err
	}
	return nil
}

// KeepFresh, when the store is shared by replicas, reads the stored
// threshold again every so often, until ctx ends.
func (c *Curation) KeepFresh(ctx context.Context, every time.Duration) {
	if _, shared := c.store.(tian.ChangeWatcher); !shared {
		return
	}
	everySoOften(ctx, every, func() {
		if err := c.Refresh(ctx); err != nil && c.Log != nil && ctx.Err() == nil {
			c.Log("未能读取其他副本学得的分组阈值：" + err.Error())
		}
	})
}

// GroupThreshold is the threshold a suggestion uses when a request gives
// none, and where it comes from.
func (c *Curation) GroupThreshold() (float64, string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.source != ThresholdTuned || c.scale != c.rel.Scale() {
		// a retrained model brings its own threshold
		return c.rel.DefaultThreshold(), ThresholdDefault
	}
	return c.threshold, c.source
}

// YearGroups returns the year's stored groups, or the suggestion when
// none are stored or the request asks for it.
func (c *Curation) YearGroups(ctx context.Context, req tian.CurationRequest) (*tian.CurationView, error) {
	if req.Year < 1949 || req.Year > 2100 {
		return nil, tian.Errorf(tian.EINVALID, "年度须在1949—2100之间，收到 %d", req.Year)
	}
	if req.Threshold != 0 && !(req.Threshold > 0 && req.Threshold <= 1) {
		return nil, tian.Errorf(tian.EINVALID, "threshold 须为 (0,1] 之间的数，收到 %v", req.Threshold)
	}
	stored, err := c.store.YearGroups(ctx, req.Year)
	if err != nil && tian.ErrorCode(err) != tian.ENOTFOUND {
		return nil, err
	}
	if stored != nil && !req.Suggest {
		return c.storedView(ctx, stored)
	}
	v, err := c.suggest(ctx, req)
	if err != nil {
		return nil, err
	}
	if stored != nil {
		v.Version = stored.Version
	}
	return v, nil
}

func (c *Curation) suggest(ctx context.Context, req tian.CurationRequest) (*tian.CurationView, error) {
	th, source := c.GroupThreshold()
	if req.Threshold != 0 {
		th, source = req.Threshold, ThresholdRequest
	}
	v := &tian.CurationView{Year: req.Year, Source: tian.CurationSuggested, Threshold: th, ThresholdOf: source,
		FiledOnly: !req.IncludeAll, Groups: []tian.GroupView{}}
	greq := tian.GroupRequest{Year: req.Year, Threshold: th}
	if !req.IncludeAll {
		numbers, err := c.filed(ctx, req.Year)
		if err != nil || len(numbers) == 0 {
			return v, err
		}
		greq.Numbers, greq.FiledOnly = numbers, true
	}
	gs, err := c.rel.Groups(ctx, greq)
	if err != nil {
		return nil, err
	}
	v.Groups = make([]tian.GroupView, len(gs))
	reasons := map[string][]string{}
	for i, g := range gs {
		gv := tian.GroupView{Name: strings.Join(g.Label, "、"), LeadUnit: g.LeadUnit, Label: g.Label, Cohesion: g.Cohesion}
		for _, m := range g.Members {
			gv.Members = append(gv.Members, tian.GroupMemberView{Number: m.Number})
			reasons[m.Number] = m.Reason
		}
		v.Groups[i] = gv
	}
	if v.Warning, err = c.fill(ctx, v.Groups, reasons); err != nil {
		return nil, err
	}
	return v, nil
}

// filed returns the numbers of the year's filed proposals (立案, and
// 并案 ones, handled with the proposal they joined): not those refused,
// nor those without a status, nor records that are not proposals.
func (c *Curation) filed(ctx context.Context, year int) ([]string, error) {
	ps, err := c.store.Proposals(ctx, tian.ProposalFilter{Year: year})
	if err != nil {
		return nil, err
	}
	var out []string
	for _, p := range ps {
		if p.Filed() && !p.NotProposal {
			out = append(out, p.Number)
		}
	}
	return out, nil
}

func (c *Curation) storedView(ctx context.Context, y *tian.YearGroups) (*tian.CurationView, error) {
	th, source := c.GroupThreshold()
	v := &tian.CurationView{Year: y.Year, Source: tian.CurationStored, Version: y.Version, Confirmed: y.Confirmed,
		ConfirmedBy: y.ConfirmedBy, ConfirmedAt: y.ConfirmedAt, SavedBy: y.SavedBy, SavedAt: y.SavedAt,
		Threshold: th, ThresholdOf: source, Groups: make([]tian.GroupView, len(y.Groups))}
	for i, g := range y.Groups {
		v.Groups[i] = groupView(g)
	}
	var err error
	if v.Warning, err = c.fill(ctx, v.Groups, nil); err != nil {
		return nil, err
	}
	return v, nil
}

func groupView(g tian.CuratedGroup) tian.GroupView {
	gv := tian.GroupView{ID: g.ID, Name: g.Name, LeadUnit: g.LeadUnit, Label: []string{}}
	for _, n := range g.Members {
		gv.Members = append(gv.Members, tian.GroupMemberView{Number: n})
	}
	return gv
}

// fill gives each member its particulars and the near-duplicates among
// its group; a member no longer stored is marked Missing. The
// near-duplicate flags are advice: when the relations engine cannot give
// them (an index not yet ready), the groups are shown without them and
// the warning says so; only the store failing is an error (a save has
// committed by then, and must not be answered with one for want of flags).
func (c *Curation) fill(ctx context.Context, groups []tian.GroupView, reasons map[string][]string) (warning string, err error) {
	var numbers []string
	for _, g := range groups {
		for _, m := range g.Members {
			numbers = append(numbers, m.Number)
		}
	}
	ps, err := c.store.ProposalsByNumber(ctx, numbers)
	if err != nil {
		return "", err
	}
	for gi := range groups {
		g := &groups[gi]
		if g.Label == nil {
			g.Label = []string{}
		}
		var present []string
		for mi := range g.Members {
			m := &g.Members[mi]
			m.Reason, m.NearDuplicates, m.CoUnits = orNone(reasons[m.Number]), []string{}, []string{}
			p, ok := ps[m.Number]
			if !ok {
				m.Missing = true
				continue
			}
			present = append(present, m.Number)
			m.Year, m.Title, m.Status, m.StatusReason = p.Year, p.Title, string(p.Status), p.StatusReason
			m.Proposer, m.ProposerType, m.Category = p.Proposer, string(p.ProposerType), p.Category
			m.LeadUnit, m.CoUnits = p.LeadUnit, orNone(p.CoUnits)
		}
		if warning != "" {
			continue
		}
		if err := c.flagDuplicates(ctx, g, present); err != nil {
			warning = "暂未标出组内疑似重复的提案（" + tian.ErrorMessage(err) + "）"
		}
	}
	return warning, nil
}

func (c *Curation) flagDuplicates(ctx context.Context, g *tian.GroupView, numbers []string) error {
	if len(numbers) < 2 {
		return nil
	}
	pairs, err := c.rel.NearDuplicatePairs(ctx, numbers)
	if err != nil {
		return err
	}
	at := map[string]int{}
	for i, m := range g.Members {
		at[m.Number] = i
	}
	for _, p := range pairs {
		a, b := &g.Members[at[p[0]]], &g.Members[at[p[1]]]
		a.NearDuplicates = append(a.NearDuplicates, p[1])
		b.NearDuplicates = append(b.NearDuplicates, p[0])
	}
	return nil
}

func orNone(xs []string) []string {
	if xs == nil {
		return []string{}
	}
	return xs
}

// SaveYearGroups stores the year's groups as a draft.
func (c *Curation) SaveYearGroups(ctx context.Context, year int, groups []tian.CuratedGroup, expected int, actor string) (*tian.CurationView, error) {
	y, err := c.store.SaveYearGroups(ctx, year, groups, expected, actor)
	if err != nil {
		return nil, err
	}
	return c.storedView(ctx, y)
}

// ConfirmYearGroups confirms the year's groups, then learns the grouping
// threshold again from every confirmed year and stores it. The
// confirmation stands whatever the tuning does.
func (c *Curation) ConfirmYearGroups(ctx context.Context, year, expected int, actor string) (*tian.CurationView, error) {
	y, err := c.store.ConfirmYearGroups(ctx, year, expected, actor)
	if err != nil {
		return nil, err
	}
	tuning, err := c.Retune(ctx, actor)
	if err != nil && c.Log != nil {
		c.Log("并案分组已确认，但据此调整分组阈值失败：" + err.Error())
	}
	v, err := c.storedView(ctx, y)
	if err != nil {
		return nil, err
	}
	v.Tuning = tuning
	return v, nil
}

// Retune learns the grouping threshold from every confirmed year, stores
// it and uses it from now on. With no confirmed year it keeps the one in
// use and stores nothing.
func (c *Curation) Retune(ctx context.Context, actor string) (*tian.GroupTuning, error) {
	c.tuneMu.Lock()
	defer c.tuneMu.Unlock()
	confirmed, err := c.store.ConfirmedYearGroups(ctx)
	if err != nil {
		return nil, err
	}
	current, _ := c.GroupThreshold()
	t, err := c.rel.TuneThreshold(ctx, confirmed, current, nil, relate.GroupOptions{})
	if err != nil || len(confirmed) == 0 {
		return t, err
	}
	if err := c.store.SaveGroupTuning(ctx, *t, actor); err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.threshold, c.source, c.scale = t.Threshold, ThresholdTuned, t.Scale
	c.mu.Unlock()
	return t, nil
}

// ProposalGroup returns the stored group holding a proposal.
func (c *Curation) ProposalGroup(ctx context.Context, number string) (*tian.ProposalGroup, error) {
	g, err := c.store.GroupOf(ctx, number)
	if err != nil {
		return nil, err
	}
	y, err := c.store.YearGroups(ctx, g.Year)
	if err != nil {
		return nil, err
	}
	views := []tian.GroupView{groupView(*g)}
	if _, err := c.fill(ctx, views, nil); err != nil {
		return nil, err
	}
	return &tian.ProposalGroup{Year: g.Year, Version: y.Version, Confirmed: y.Confirmed, ConfirmedBy: y.ConfirmedBy,
		ConfirmedAt: y.ConfirmedAt, Group: views[0]}, nil
}

// WriteYearGroups writes a view as an Excel workbook (sheet.WriteCuration).
func (c *Curation) WriteYearGroups(w io.Writer, v *tian.CurationView) error {
	return sheet.WriteCuration(w, v)
}

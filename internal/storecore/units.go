package storecore

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"tian"
)

// UnitCatalog resolves unit names and aliases to units, by their ids in
// the store.
type UnitCatalog struct {
	byID   map[int64]*tian.Unit
	lookup map[string]int64 // names and aliases
}

// NewUnitCatalog is an empty catalogue; fill it with units first, then
// their aliases.
func NewUnitCatalog() *UnitCatalog {
	return &UnitCatalog{byID: map[int64]*tian.Unit{}, lookup: map[string]int64{}}
}

// AddUnit adds a stored unit.
func (c *UnitCatalog) AddUnit(id int64, u tian.Unit) {
	c.byID[id], c.lookup[u.Name] = &u, id
}

// AddAlias adds an alias of unit id; an alias that is also a unit's
// name resolves to that unit.
func (c *UnitCatalog) AddAlias(alias string, id int64) {
	if u := c.byID[id]; u != nil {
		u.Aliases = append(u.Aliases, alias)
		if _, isName := c.lookup[alias]; !isName {
			c.lookup[alias] = id
		}
	}
}

// Names maps every name and alias to its unit's current name.
func (c *UnitCatalog) Names() map[string]string {
	out := make(map[string]string, len(c.lookup))
	for name, id := range c.lookup {
		out[name] = c.byID[id].Name
	}
	return out
}

// Len is how many units the catalogue has.
func (c *UnitCatalog) Len() int { return len(c.byID) }

// Resolve returns the unit a name or alias stands for.
func (c *UnitCatalog) Resolve(name string) (int64, *tian.Unit, bool) {
	id, ok := c.lookup[strings.TrimSpace(name)]
	if !ok {
		return 0, nil, false
	}
	return id, c.byID[id], true
}

// Add adds a unit just created by name.
func (c *UnitCatalog) Add(id int64, name string) { c.AddUnit(id, tian.Unit{Name: name}) }

// Units lists the catalogue by name.
func (c *UnitCatalog) Units() []tian.Unit {
	out := make([]tian.Unit, 0, len(c.byID))
	for _, u := range c.byID {
		out = append(out, *u)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Closest returns up to n known names (units and aliases) most like name,
// by the overlap of their character bigrams (Dice coefficient), for the
// "did you mean" of an unknown unit. Hand-written: the catalogue is small
// (under a few hundred names) and the measure is a few lines.
func (c *UnitCatalog) Closest(name string, n int) []string {
	type scored struct {
		name  string
		score float64
	}
	var cands []scored
	target := bigrams(name)
	for known, id := range c.lookup {
		s := dice(target, bigrams(known))
		if s >= 0.25 {
			canonical := c.byID[id].Name
			label := canonical
			if known != canonical {
				label = known + "（即" + canonical + "）"
			}
			cands = append(cands, scored{label, s})
		}
	}
	sort.Slice(cands, func(i, j int) bool {
		if cands[i].score != cands[j].score {
			return cands[i].score > cands[j].score
		}
		return cands[i].name < cands[j].name
	})
	var out []string
	seen := map[string]bool{}
	for _, s := range cands {
		if len(out) == n {
			break
		}
		if !seen[s.name] {
			seen[s.name] = true
			out = append(out, s.name)
		}
	}
	return out
}

func bigrams(s string) map[string]int {
	r := []rune(s)
	m := make(map[string]int, len(r))
	for i := 0; i+1 < len(r); i++ {
		m[string(r[i:i+2])]++
	}
	if len(r) == 1 {
		m[s]++
	}
	return m
}

func dice(a, b map[string]int) float64 {
	var inter, na, nb int
	for k, v := range a {
		na += v
		inter += min(v, b[k])
	}
	for _, v := range b {
		nb += v
	}
	if na+nb == 0 {
		return 0
	}
	return 2 * float64(inter) / float64(na+nb)
}

// ResolveUnits maps a proposal's lead and co-handling units to the
// catalogue, rewriting aliases to current names in p, and returns the
// current names of the units to route to, lead first. A unit the
// catalogue lacks is kept by name when learn is set (an empty catalogue,
// or ImportOptions.NewUnits), for the caller to create; otherwise it is
// reported to fail with the closest known names, and ok is false.
func (c *UnitCatalog) ResolveUnits(p *tian.Proposal, learn bool, fail func(field, msg string)) (names []string, ok bool) {
	ok = true
	resolve := func(field, name string) string {
		if _, u, found := c.Resolve(name); found {
			name = u.Name
		} else if !learn {
			msg := fmt.Sprintf("未知单位“%s”", name)
			if near := c.Closest(name, 3); len(near) > 0 {
				msg += "，最接近的已知单位：" + strings.Join(near, "、")
			}
			fail(field, msg+"（可在单位表中增加别名，或用 --new-units 新建）")
			ok = false
			return name
		}
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
		return name
	}
	if p.LeadUnit != "" {
		p.LeadUnit = resolve("lead_unit", p.LeadUnit)
	}
	co := p.CoUnits[:0:0]
	for _, name := range p.CoUnits {
		canonical := resolve("co_units", name)
		if canonical != p.LeadUnit && !slices.Contains(co, canonical) {
			co = append(co, canonical)
		}
	}
	p.CoUnits = co
	return names, ok
}

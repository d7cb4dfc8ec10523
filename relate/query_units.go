package relate

import (
	"context"
	"strings"
	"time"

	"tian"
)

// UnitLister lists the undertaking units with their aliases. A Service
// whose store also implements it (every tian.Store does) reads unit names
// in queries as units; the catalogue is read again after unitsTTL, or
// after the next Changed.
type UnitLister interface {
	Units(ctx context.Context) ([]tian.Unit, error)
}

// unitsTTL is how long a Service keeps the unit catalogue it read.
const unitsTTL = time.Minute

// unitNames maps the normalised names and aliases of the units to their
// current names; an alias two units share is left out, being neither.
type unitNames struct {
	byName  map[string]string
	longest int // bytes of the longest name
	read    time.Time
}

func newUnitNames(units []tian.Unit, norm func(string) string) *unitNames {
	n := &unitNames{byName: map[string]string{}, read: time.Now()}
	isName, ambiguous := map[string]bool{}, map[string]bool{}
	add := func(name, unit string) {
		if name == "" || ambiguous[name] {
			return
		}
		if u, ok := n.byName[name]; ok && u != unit {
			delete(n.byName, name)
			ambiguous[name] = true
			return
		}
		n.byName[name] = unit
		n.longest = max(n.longest, len(name))
	}
	for _, u := range units {
		name := norm(strings.TrimSpace(u.Name))
		isName[name] = true
		add(name, u.Name)
	}
	for _, u := range units {
		for _, a := range u.Aliases {
			if a = norm(strings.TrimSpace(a)); !isName[a] {
				add(a, u.Name)
			}
		}
	}
	return n
}

// unitCatalogue returns the unit names the Service reads queries with:
// none when the store lists no units.
func (s *Service) unitCatalogue(ctx context.Context) (*unitNames, error) {
	lister, ok := s.store.(UnitLister)
	if !ok {
		return &unitNames{}, nil
	}
	s.mu.Lock()
	cached := s.units
	s.mu.Unlock()
	if cached != nil && time.Since(cached.read) < unitsTTL {
		return cached, nil
	}
	units, err := lister.Units(ctx)
	if err != nil {
		return nil, err
	}
	names := newUnitNames(units, s.seg.Normalize)
	s.mu.Lock()
	s.units = names
	s.mu.Unlock()
	return names, nil
}

// resolve returns the current name of a unit name or alias, or "".
func (n *unitNames) resolve(text string, norm func(string) string) string {
	return n.byName[norm(strings.TrimSpace(text))]
}

// readUnits reads the units named in a parsed query: a word of title and
// body that is a unit's name or alias becomes a unit clause, and one that
// holds such names among other words (住建局加装电梯) is split into the
// unit clauses and the text around them. Phrases stay text, as typed;
// unit and lead-unit fields accept aliases. A query stays within
// MaxQueryClauses: past it words are not split. Exclusions stay text too:
// -城东区 leaves out what mentions the district, not all it handles.
func (s *Service) readUnits(pq *parsedQuery, names *unitNames) []tian.UnitTerm {
	terms := []tian.UnitTerm{}
	if len(names.byName) == 0 {
		return terms
	}
	clauses := len(pq.none)
	for _, g := range pq.any {
		clauses += len(g)
	}
	for gi, group := range pq.any {
		var out []clause
		for _, c := range group {
			parts := s.unitParts(c, names)
			if len(parts) > 1 && clauses+len(parts)-1 > MaxQueryClauses {
				parts = []clause{c} // split no further than a query may be long
			}
			clauses += len(parts) - 1
			for _, p := range parts {
				if p.unit != "" {
					terms = append(terms, tian.UnitTerm{Text: p.text, Unit: p.unit})
				}
			}
			out = append(out, parts...)
		}
		pq.any[gi] = out
	}
	for i, c := range pq.none {
		pq.none[i] = s.resolveField(c, names)
	}
	return dedupeUnitTerms(terms)
}

// unitParts is clause c with the units it names read.
func (s *Service) unitParts(c clause, names *unitNames) []clause {
	if c.field != "" || c.phrase {
		return []clause{s.resolveField(c, names)}
	}
	if u := names.resolve(c.text, s.seg.Normalize); u != "" {
		c.unit = u
		return []clause{c}
	}
	return s.splitUnits(c, names)
}

// resolveField rewrites an alias in a unit or lead-unit field to the
// unit's current name, the value the index holds.
func (s *Service) resolveField(c clause, names *unitNames) clause {
	if c.field == FieldUnits || c.field == FieldLeadUnit {
		if u := names.resolve(c.text, s.seg.Normalize); u != "" {
			c.text = u
		}
	}
	return c
}

// splitUnits finds unit names inside a word, longest first, where the
// segmenter's words begin and end (so 能源局 inside 国家能源局规划 is
// not taken for 市能源局 unless the segmenter cuts it so), and splits the
// clause around them.
func (s *Service) splitUnits(c clause, names *unitNames) []clause {
	text := s.seg.Normalize(c.text)
	starts, ends := map[int]bool{}, map[int]bool{}
	for _, t := range s.seg.Cut(text, tian.CutOptions{Mode: tian.ModeExact}) {
		starts[t.Start], ends[t.End] = true, true
	}
	var out []clause
	rest := 0
	for i := 0; i < len(text); {
		if !starts[i] {
			i++
			continue
		}
		end := 0
		for j := min(len(text), i+names.longest); j > i; j-- {
			if ends[j] && names.byName[text[i:j]] != "" {
				end = j
				break
			}
		}
		if end == 0 {
			i++
			continue
		}
		if strings.TrimSpace(text[rest:i]) != "" {
			out = append(out, c.with(text[rest:i], ""))
		}
		out = append(out, c.with(text[i:end], names.byName[text[i:end]]))
		rest, i = end, end
	}
	if len(out) == 0 {
		return []clause{c}
	}
	if strings.TrimSpace(text[rest:]) != "" {
		out = append(out, c.with(text[rest:], ""))
	}
	return out
}

// with is c for another text and unit, at the same place in the query.
func (c clause) with(text, unit string) clause {
	c.text, c.unit = text, unit
	return c
}

func dedupeUnitTerms(ts []tian.UnitTerm) []tian.UnitTerm {
	seen := map[tian.UnitTerm]bool{}
	out := ts[:0]
	for _, t := range ts {
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}

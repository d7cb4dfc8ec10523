package relate

import (
	"html"
	"sort"
	"strings"
	"unicode/utf8"
)

// snippetRunes is the length of a body snippet.
const snippetRunes = 120

// highlight escapes text and wraps the words matching terms in <mark>.
// With width > 0 it returns the window of about width characters holding
// the most matches (the beginning when nothing matches), with … where text
// was cut. It also returns the terms it marked.
func (s *Service) highlight(text string, terms map[string]bool, width int) (string, map[string]bool) {
	type span struct{ start, end int }
	var spans []span
	marked := map[string]bool{}
	if len(terms) > 0 {
		for _, t := range s.seg.Cut(text, IndexCut) {
			if terms[strings.ToLower(t.Text)] && t.End > t.Start {
				spans = append(spans, span{t.Start, t.End})
				marked[strings.ToLower(t.Text)] = true
			}
		}
	}
	sort.Slice(spans, func(i, j int) bool {
		if spans[i].start != spans[j].start {
			return spans[i].start < spans[j].start
		}
		return spans[i].end > spans[j].end
	})
	merged := spans[:0]
	for _, sp := range spans {
		if n := len(merged); n > 0 && sp.start <= merged[n-1].end {
			merged[n-1].end = max(merged[n-1].end, sp.end)
			continue
		}
		merged = append(merged, sp)
	}
	from, to := 0, len(text)
	if width > 0 && utf8.RuneCountInString(text) > width {
		from, to = window(text, len(merged), func(i int) int { return merged[i].start }, width)
	}
	var b strings.Builder
	if from > 0 {
		b.WriteString("…")
	}
	pos := from
	for _, sp := range merged {
		if sp.start < from || sp.end > to {
			continue
		}
		b.WriteString(html.EscapeString(text[pos:sp.start]))
		b.WriteString("<mark>" + html.EscapeString(text[sp.start:sp.end]) + "</mark>")
		pos = sp.end
	}
	b.WriteString(html.EscapeString(text[pos:to]))
	if to < len(text) {
		b.WriteString("…")
	}
	return b.String(), marked
}

// window picks the byte range of about width runes of text that starts a
// little before the densest run of matches.
func window(text string, n int, startOf func(int) int, width int) (int, int) {
	best, bestCount := 0, 0
	for i := 0; i < n; i++ {
		count := 0
		for j := i; j < n && utf8.RuneCountInString(text[startOf(i):startOf(j)]) < width*3/4; j++ {
			count++
		}
		if count > bestCount {
			best, bestCount = startOf(i), count
		}
	}
	from := best
	for back := 0; from > 0 && back < width/6; back++ { // a little context before
		_, size := utf8.DecodeLastRuneInString(text[:from])
		from -= size
	}
	to := from
	for k := 0; to < len(text) && k < width; k++ {
		_, size := utf8.DecodeRuneInString(text[to:])
		to += size
	}
	return from, to
}

package relate_test

import (
	"context"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"tian"
)

// commonWords are the n verbs and nouns most proposals of the corpus use
// (by the number of proposals holding them): 建议, 加强, 推进, 服务 and the
// like, which name no matter.
func commonWords(t *testing.T, n int) map[string]bool {
	t.Helper()
	ps, err := tian.ReadDemo()
	if err != nil {
		t.Fatal(err)
	}
	seg := segmenter(t)
	df := map[string]int{}
	for _, p := range ps {
		seen := map[string]bool{}
		for _, tk := range seg.Cut(p.Title+"。"+p.Body, tian.CutOptions{Mode: tian.ModeExact, DropPunct: true}) {
			if (strings.HasPrefix(tk.Pos, "v") || strings.HasPrefix(tk.Pos, "n")) && !seen[tk.Text] {
				seen[tk.Text] = true
				df[tk.Text]++
			}
		}
	}
	words := make([]string, 0, len(df))
	for w := range df {
		words = append(words, w)
	}
	sort.Slice(words, func(i, j int) bool {
		if df[words[i]] != df[words[j]] {
			return df[words[i]] > df[words[j]]
		}
		return words[i] < words[j]
	})
	out := map[string]bool{}
	for _, w := range words[:n] {
		out[w] = true
	}
	return out
}

// Group labels are what a person would write: no label is one of the 50
// commonest verbs and nouns of the proposals, each is two to eight
// characters; every member's reason starts with a phrase of the label
// that it shares with another member.
func TestGroupLabelsAreNotGenericWords(t *testing.T) {
	common := commonWords(t, 50)
	for _, w := range []string{"建议", "加强", "服务"} {
		if !common[w] {
			t.Fatalf("%s is not among the 50 commonest words: %v", w, common)
		}
	}
	rel := demo(t).bleve.Relations()
	ps, err := tian.ReadDemo()
	if err != nil {
		t.Fatal(err)
	}
	byNumber := map[string]*tian.Proposal{}
	for _, p := range ps {
		byNumber[p.Number] = p
	}
	groups, members, byLabel := 0, 0, 0
	for y := 2021; y <= 2025; y++ {
		gs, err := rel.Groups(context.Background(), tian.GroupRequest{Year: y, FiledOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range gs {
			groups++
			if len(g.Label) == 0 {
				t.Errorf("%d: a group of %d has no label", y, len(g.Members))
			}
			for _, l := range g.Label {
				if n := utf8.RuneCountInString(l); common[strings.ToLower(l)] || n < 2 || n > 8 || len(g.Label) > 5 {
					t.Errorf("%d: label %q of %v is a generic word or of %d characters", y, l, g.Label, n)
				}
			}
			for _, m := range g.Members {
				members++
				if len(m.Reason) == 0 {
					t.Errorf("%d: %s %s has no reason", y, m.Number, m.Title)
					continue
				}
				if containsFold(g.Label, m.Reason[0]) {
					byLabel++
				}
				// the reason is a phrase it shares: in its text and another member's
				others := 0
				for _, o := range g.Members {
					if o.Number != m.Number && holds(byNumber[o.Number], m.Reason[0]) {
						others++
					}
				}
				if !holds(byNumber[m.Number], m.Reason[0]) || others == 0 {
					t.Errorf("%d: %s %s: reason %q is not a phrase it shares with the group", y, m.Number, m.Title, m.Reason[0])
				}
			}
		}
	}
	if groups < 100 {
		t.Errorf("%d groups over five years, want about a hundred", groups)
	}
	t.Logf("%d groups, %d members, %d of whose reasons start with a label phrase", groups, members, byLabel)
	if byLabel != members {
		t.Errorf("%d of %d members' reasons start with a label phrase, want all", byLabel, members)
	}
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// holds reports whether a proposal's title or body holds a phrase, as
// written or lower-cased.
func holds(p *tian.Proposal, phrase string) bool {
	text := strings.ToLower(p.Title + p.Body)
	return strings.Contains(text, strings.ToLower(phrase))
}

package relate

import (
	"slices"
	"sort"
	"strings"
	"unicode/utf8"
)

// Group labels are what a person would write on the folder: the key
// phrases most members share (加装电梯, 错时共享停车, 社区老年食堂), or
// failing those a subject word of two or more characters, never a word
// most proposals use (建议, 加快, 推进, 服务). Each member's reason is the
// label phrases it holds, then its other phrases shared in the group.
const (
	maxLabels  = 3
	maxReasons = 4
)

// labelWord is how much a lone subject word of two characters counts
// against a key phrase: phrases name a matter better.
const labelWord = 0.6

type scoredPhrase struct {
	text    string
	score   float64
	holders int
}

// groupPhrases ranks what the members of cluster c share: key phrases and
// subject words held by at least two members, by the members' summed
// weights times the share of members holding them. With named, only those
// that may name a topic to a person (profile.names): the label and the
// reasons; without, every phrase and non-generic word, which is what the
// constraint that a group shares a phrase asks (sharePhrase), so that
// how a label reads does not change which proposals are grouped.
func groupPhrases(set []member, c []int, cs *corpusStats, named bool) []scoredPhrase {
	sum := map[string]float64{}
	holders := map[string]int{}
	for _, i := range c {
		seen := map[string]bool{}
		for ph, w := range set[i].prof.phrases {
			if named && !set[i].prof.names[ph] {
				continue
			}
			sum[ph] += w
			holders[ph]++
			seen[ph] = true
		}
		for t, w := range set[i].prof.terms {
			if seen[t] || named && !set[i].prof.names[t] || utf8.RuneCountInString(t) < 2 || cs.isGeneric(t) || isNumeric(t) {
				continue
			}
			sum[t] += labelWord * w
			holders[t]++
		}
	}
	var out []scoredPhrase
	for t, s := range sum {
		if holders[t] >= 2 {
			out = append(out, scoredPhrase{t, s * float64(holders[t]) / float64(len(c)), holders[t]})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].score != out[j].score {
			return out[i].score > out[j].score
		}
		return out[i].text < out[j].text
	})
	return out
}

// chooseLabel takes up to maxLabels of the ranked phrases that at least
// half of the n members hold, skipping one that repeats a chosen one (电梯
// beside 加装电梯) and stopping when they grow weak (below a third of the
// best).
func chooseLabel(ranked []scoredPhrase, n int) []string {
	var out []string
	for _, sp := range ranked {
		if len(out) == maxLabels || len(out) > 0 && sp.score < ranked[0].score/3 {
			break
		}
		if 2*sp.holders < n || overlapsAny(sp.text, out) {
			continue
		}
		out = append(out, sp.text)
	}
	return out
}

func overlapsAny(t string, chosen []string) bool {
	for _, c := range chosen {
		if strings.Contains(c, t) || strings.Contains(t, c) {
			return true
		}
	}
	return false
}

// maxCover bounds a label grown to cover every member (coverLabel).
const maxCover = 5

// coverLabel adds to label, for each member holding none of it, the
// strongest phrase of ranked (then of fallback) it shares with another
// member, so that every member's reason names a phrase of its group's
// label; the label grows to at most maxCover phrases.
func coverLabel(set []member, c []int, label []string, ranked, fallback []scoredPhrase) []string {
	for _, i := range c {
		if len(label) >= maxCover {
			break
		}
		if slices.ContainsFunc(label, set[i].holds) {
			continue
		}
		for _, list := range [][]scoredPhrase{ranked, fallback} {
			k := slices.IndexFunc(list, func(sp scoredPhrase) bool { return set[i].holds(sp.text) && !overlapsAny(sp.text, label) })
			if k >= 0 {
				label = append(label, list[k].text)
				break
			}
		}
	}
	return label
}

// holds reports whether a member's text has a phrase or word.
func (m member) holds(t string) bool {
	if _, ok := m.prof.phrases[t]; ok {
		return true
	}
	_, ok := m.prof.terms[t]
	return ok
}

// memberReason is what member i shares with its group: the label phrases
// it holds, then its strongest other shared phrases.
func memberReason(m member, label []string, ranked []scoredPhrase) []string {
	holds := m.holds
	var out []string
	for _, t := range label {
		if holds(t) {
			out = append(out, t)
		}
	}
	for _, sp := range ranked {
		if len(out) == maxReasons {
			break
		}
		if holds(sp.text) && !overlapsAny(sp.text, out) {
			out = append(out, sp.text)
		}
	}
	return out
}

package vocab

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"

	"tian"
)

// removeFrequent removes from a dictionary in gse's plain format (`word
// [freq [pos]]` a line, # comments) the words that occur at least min
// times, as occurrences counts them (the tokens of a segmenter that holds
// the dictionary), and returns the rest of the dictionary and the removed
// words. Entries of frequency 0 (words the dictionary removes) stay.
func removeFrequent(dict []byte, occurrences func(word string) int, min int) (kept []byte, removed []string) {
	var out bytes.Buffer
	sc := bufio.NewScanner(bytes.NewReader(dict))
	for sc.Scan() {
		line := sc.Text()
		f := strings.Fields(line)
		if len(f) > 0 && !strings.HasPrefix(f[0], "#") && (len(f) < 2 || f[1] != "0") && occurrences(f[0]) >= min {
			removed = append(removed, f[0])
			continue
		}
		out.WriteString(line + "\n")
	}
	return out.Bytes(), removed
}

// Entries returns the words of a dictionary in gse's plain format, except
// those of frequency 0 (words the dictionary removes).
func Entries(dict []byte) []string {
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(dict))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) > 0 && !strings.HasPrefix(f[0], "#") && (len(f) < 2 || f[1] != "0") {
			out = append(out, f[0])
		}
	}
	return out
}

// RecallAt is the share of targets among the first depth candidates.
func RecallAt(cands []Candidate, targets map[string]bool, depth int) float64 {
	if len(targets) == 0 {
		return 0
	}
	found := 0
	for _, c := range cands[:min(depth, len(cands))] {
		if targets[c.Word] {
			found++
		}
	}
	return float64(found) / float64(len(targets))
}

// ReadJudged reads a judged list of candidates: rank, candidate, 1 (a
// word or term) or 0 (a fragment or free phrase), reason, separated by
// tabs; # comments and blank lines allowed. name is for messages.
func ReadJudged(name string, r io.Reader) (map[string]bool, error) {
	out := make(map[string]bool)
	sc := bufio.NewScanner(r)
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if strings.TrimSpace(text) == "" || strings.HasPrefix(text, "#") {
			continue
		}
		f := strings.Split(text, "\t")
		if len(f) != 4 || (f[2] != "1" && f[2] != "0") {
			return nil, &tian.Error{Code: tian.EINVALID, Op: "vocab.ReadJudged",
				Message: fmt.Sprintf("%s：第%d行：应为“序号<TAB>候选词<TAB>1或0<TAB>理由”", name, line)}
		}
		out[f[1]] = f[2] == "1"
	}
	if err := sc.Err(); err != nil {
		return nil, &tian.Error{Code: tian.EINVALID, Op: "vocab.ReadJudged", Message: fmt.Sprintf("%s：无法读取", name), Err: err}
	}
	return out, nil
}

// PrecisionAt is the share of the first depth candidates judged words; a
// candidate the judged list lacks counts as not a word and is returned
// among the unjudged, so that the list can be judged again when the
// ranking changes.
func PrecisionAt(cands []Candidate, judged map[string]bool, depth int) (p float64, unjudged []string) {
	top := cands[:min(depth, len(cands))]
	if len(top) == 0 {
		return 0, nil
	}
	real := 0
	for _, c := range top {
		v, ok := judged[c.Word]
		switch {
		case !ok:
			unjudged = append(unjudged, c.Word)
		case v:
			real++
		}
	}
	return float64(real) / float64(len(top)), unjudged
}

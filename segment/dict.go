package segment

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"tian"
)

// DefaultFreq is the frequency given to a dictionary entry that names none.
// It is high enough for the entry to win over the split of its parts.
const DefaultFreq = 3000

// Entry is one dictionary word. Freq 0 removes the word from the merged
// dictionary (a base word the deployment wants cut apart).
type Entry struct {
	Word string
	Freq float64
	Pos  string
}

// Dictionary is a parsed word list in gse's plain format, `word [freq
// [pos]]` a line, with # comments and blank lines allowed.
type Dictionary struct {
	Name    string // where it came from, for messages
	Entries []Entry
}

// ParseDictionary reads a dictionary. A malformed line is an EINVALID error
// naming the source and the line.
func ParseDictionary(name string, r io.Reader) (*Dictionary, error) {
	d := &Dictionary{Name: name}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	for line := 1; sc.Scan(); line++ {
		e, ok, err := parseEntry(sc.Text())
		if err != nil {
			return nil, &tian.Error{Code: tian.EINVALID, Op: "segment.ParseDictionary",
				Message: fmt.Sprintf("%s：第%d行：%v", name, line, err)}
		}
		if ok {
			d.Entries = append(d.Entries, e)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, &tian.Error{Code: tian.EINVALID, Op: "segment.ParseDictionary",
			Message: fmt.Sprintf("%s：%s", name, scanProblem(err)), Err: err}
	}
	return d, nil
}

// scanProblem says why a dictionary could not be read to its end.
func scanProblem(err error) string {
	if errors.Is(err, bufio.ErrTooLong) {
		return "有一行过长（超过 1 MB）"
	}
	return "无法读取（" + err.Error() + "）"
}

func parseEntry(line string) (Entry, bool, error) {
	line = strings.TrimSpace(strings.TrimPrefix(line, "\ufeff"))
	if line == "" || strings.HasPrefix(line, "#") {
		return Entry{}, false, nil
	}
	f := strings.Fields(line)
	if len(f) > 3 {
		return Entry{}, false, fmt.Errorf("应为“词 [词频 [词性]]”，这一行有 %d 项", len(f))
	}
	e := Entry{Word: f[0], Freq: DefaultFreq}
	if len(f) > 1 {
		v, err := strconv.ParseFloat(f[1], 64)
		if err != nil || v < 0 || math.IsInf(v, 0) || math.IsNaN(v) {
			return Entry{}, false, fmt.Errorf("“%s”的词频“%s”不是大于等于 0 的数", f[0], f[1])
		}
		e.Freq = v
	}
	if len(f) > 2 {
		e.Pos = f[2]
	}
	return e, true, nil
}

// render writes entries in the form gse's LoadDictStr reads, normalising
// each word as text is normalised before cutting so that they match, and
// returns the words to remove (frequency 0).
func (d *Dictionary) render(b *strings.Builder, conv *converter) (remove []string) {
	for _, e := range d.Entries {
		w := normalize(e.Word, conv).s
		if strings.ContainsAny(w, " ") || w == "" {
			continue
		}
		if e.Freq == 0 {
			remove = append(remove, w)
			continue
		}
		pos := e.Pos
		if pos == "" {
			pos = "n"
		}
		// gse silently drops entries rarer than its MinTokenFreq (2).
		freq := max(e.Freq, 2)
		fmt.Fprintf(b, "%s %s %s\n", w, strconv.FormatFloat(freq, 'f', -1, 64), pos)
	}
	return remove
}

// parseWordList reads a list of words, one a line, # comments allowed.
func parseWordList(r io.Reader) (map[string]bool, error) {
	words := make(map[string]bool)
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		w := strings.TrimSpace(sc.Text())
		if w != "" && !strings.HasPrefix(w, "#") {
			words[w] = true
		}
	}
	return words, sc.Err()
}

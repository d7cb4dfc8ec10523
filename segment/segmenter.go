package segment

import (
	"crypto/sha256"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"github.com/go-ego/gse"

	"tian"
	"tian/models"
)

// Config says which dictionaries a Segmenter loads. cmd builds it; the
// zero value plus DefaultConfig's fields gives the embedded default.
type Config struct {
	// Models holds the domain dictionary and the stop words
	// (models.DomainDict, models.StopWords).
	Models fs.FS
	// User are deployment dictionaries, highest precedence first.
	User []*Dictionary
	// NoBase skips gse's zh_s dictionary (only for tests of the
	// domain dictionary alone); NoDomain skips tian's domain dictionary
	// (for measuring what it changes).
	NoBase   bool
	NoDomain bool
	// Committee are the committee's accepted words (tian.Word), cut whole;
	// SetCommitteeWords replaces them while serving.
	Committee []string
}

// DefaultConfig returns the embedded default: domain dictionary, stop
// words and zh_s, with no user dictionary.
func DefaultConfig() Config {
	return Config{Models: models.FS()}
}

// Segmenter is the gse-backed tian.Segmenter, safe for concurrent use.
// Its dictionaries are fixed when built, except the committee's own words
// (SetCommitteeWords), which swap in a rebuilt dictionary atomically: a
// cut in flight finishes on the dictionary it started with.
type Segmenter struct {
	conv  *converter
	stop  map[string]bool
	user  []*Dictionary // deployment dictionaries, highest precedence first
	dicts []*Dictionary // after the committee's words: the domain dictionary
	base  bool

	mu  sync.Mutex // one rebuild at a time
	cur atomic.Pointer[dictionary]
}

// dictionary is one merged dictionary and the committee words in it.
type dictionary struct {
	gse       *gse.Segmenter
	entries   int
	committee []string // sorted
	version   string
}

var _ tian.Segmenter = (*Segmenter)(nil)

// New loads the dictionaries of cfg into a fresh Segmenter. Loading the
// base dictionary takes most of a second and a few hundred MB: build one per
// process and share it.
func New(cfg Config) (*Segmenter, error) {
	conv, err := sharedConverter()
	if err != nil {
		return nil, &tian.Error{Code: tian.EINTERNAL, Op: "segment.New", Message: "无法加载 OpenCC 繁简转换表（t2s）", Err: err}
	}
	if cfg.Models == nil {
		cfg.Models = models.FS()
	}
	s := &Segmenter{conv: conv, user: cfg.User, base: !cfg.NoBase}
	if !cfg.NoDomain {
		domain, err := openDictionary(cfg.Models, models.DomainDict)
		if err != nil {
			return nil, err
		}
		s.dicts = []*Dictionary{domain}
	}
	if s.stop, err = openWordList(cfg.Models, models.StopWords); err != nil {
		return nil, err
	}
	d, err := s.build(cfg.Committee)
	if err != nil {
		return nil, err
	}
	s.cur.Store(d)
	return s, nil
}

// build merges the dictionaries with the committee's words, which come
// after the deployment's files (a file may still remove a word) and before
// the domain dictionary and zh_s.
func (s *Segmenter) build(committee []string) (*dictionary, error) {
	words := slices.Clone(committee)
	slices.Sort(words)
	words = slices.Compact(words)
	dicts := slices.Clone(s.user)
	if len(words) > 0 {
		d := &Dictionary{Name: "委员会词表"}
		for _, w := range words {
			d.Entries = append(d.Entries, Entry{Word: w, Freq: DefaultFreq})
		}
		dicts = append(dicts, d)
	}
	g, err := loadGse(append(dicts, s.dicts...), s.base, s.conv)
	if err != nil {
		return nil, err
	}
	return &dictionary{gse: g, entries: g.Dict.NumTokens(), committee: words, version: CommitteeVersion(words)}, nil
}

// SetCommitteeWords rebuilds the merged dictionary with words as the
// committee's own (replacing those set before) and swaps it in. It takes
// as long as New; nothing changes when the words are the ones in force.
func (s *Segmenter) SetCommitteeWords(words []string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if CommitteeVersion(words) == s.cur.Load().version {
		return nil
	}
	d, err := s.build(words)
	if err != nil {
		return err
	}
	s.cur.Store(d)
	return nil
}

// CommitteeVersion names a set of committee words: "" for none, else a
// short hash of the sorted, distinct words. The index records the version
// it was analysed with.
func CommitteeVersion(words []string) string {
	words = slices.Clone(words)
	slices.Sort(words)
	words = slices.Compact(words)
	if len(words) == 0 {
		return ""
	}
	h := sha256.New()
	for _, w := range words {
		h.Write([]byte(w))
		h.Write([]byte{0})
	}
	return fmt.Sprintf("%d-%x", len(words), h.Sum(nil)[:4])
}

// Committee returns the committee words in force and their version.
func (s *Segmenter) Committee() (words []string, version string) {
	d := s.cur.Load()
	return slices.Clone(d.committee), d.version
}

// loadGse loads the dictionaries into one gse segmenter. gse keeps the
// first entry it sees for a word (a later load never overrides or drops
// it), so the deployment's and the domain's entries go in first and zh_s
// after them: precedence is user, domain, zh_s. Entries of frequency 0 are
// removed last.
func loadGse(dicts []*Dictionary, base bool, conv *converter) (*gse.Segmenter, error) {
	var b strings.Builder
	var remove []string
	for _, d := range dicts {
		remove = append(remove, d.render(&b, conv)...)
	}
	g := &gse.Segmenter{SkipLog: true, NotLoadHMM: true}
	err := g.LoadDictStr(b.String())
	if err == nil && base {
		err = g.LoadDictEmbed("zh_s")
	}
	for _, w := range remove {
		if err == nil {
			if _, _, found := g.Find(w); found {
				err = g.RemoveToken(w)
			}
		}
	}
	if err != nil {
		return nil, &tian.Error{Code: tian.EINTERNAL, Op: "segment.New", Message: "无法加载词典", Err: err}
	}
	return g, nil
}

// Words returns the number of entries in the merged dictionary.
func (s *Segmenter) Words() int { return s.cur.Load().entries }

// Normalize returns text as it is cut.
func (s *Segmenter) Normalize(text string) string {
	return normalize(text, s.conv).s
}

// Cut splits text into tokens; see tian.Segmenter.
func (s *Segmenter) Cut(text string, opt tian.CutOptions) []tian.Token {
	n := normalize(text, s.conv)
	if n.s == "" {
		return nil
	}
	words := s.words(n.s)
	out := make([]tian.Token, 0, len(words))
	for i, w := range words {
		tok := s.token(n, w.start, w.end, i+1, w.pos())
		if s.keep(tok.Text, opt) {
			out = append(out, tok)
		}
		if opt.Mode != tian.ModeSearch {
			continue
		}
		if w.gse != nil {
			out = s.appendParts(out, n, w.gse, w.start, i+1, opt, map[[2]int]bool{{w.start, w.end}: true})
		} else if num := w.end - len(w.unit); utf8.RuneCountInString(n.s[w.start:num]) >= 2 {
			// the number of a date, so that 2023 finds 2023年
			if part := s.token(n, w.start, num, i+1, "m"); s.keep(part.Text, opt) {
				out = append(out, part)
			}
		}
	}
	return out
}

// word is one exact-mode word: a gse segment, or a date (2023年, 十二月)
// joined from gse's separate number and unit.
type word struct {
	start, end int
	gse        *gse.Token // nil for a joined date
	unit       string     // the unit of a joined date
}

func (w word) pos() string {
	if w.gse == nil {
		return "t"
	}
	return w.gse.Pos()
}

// words cuts normalised text with gse and joins dates: a number written
// in digits, or in two or more Chinese numerals, directly followed by 年,
// 月 or 日 becomes one word, as the PKU and MSR conventions have it.
func (s *Segmenter) words(text string) []word {
	segs := s.cur.Load().gse.ModeSegment([]byte(text), false)
	out := make([]word, 0, len(segs))
	for i := 0; i < len(segs); i++ {
		j, digits, runes := i, false, 0
		for ; j < len(segs) && isNumeral(text[segs[j].Start():segs[j].End()]); j++ {
			w := text[segs[j].Start():segs[j].End()]
			digits = digits || w[0] < utf8.RuneSelf
			runes += utf8.RuneCountInString(w)
		}
		if j > i && j < len(segs) && (digits || runes >= 2) {
			if unit := text[segs[j].Start():segs[j].End()]; unit == "年" || unit == "月" || unit == "日" {
				out = append(out, word{start: segs[i].Start(), end: segs[j].End(), unit: unit})
				i = j
				continue
			}
		}
		out = append(out, word{start: segs[i].Start(), end: segs[i].End(), gse: segs[i].Token()})
	}
	return out
}

// isNumeral reports whether w is all ASCII digits or all Chinese numerals.
func isNumeral(w string) bool {
	if w == "" {
		return false
	}
	ascii := w[0] < utf8.RuneSelf
	for _, r := range w {
		if ascii != (r < utf8.RuneSelf) {
			return false
		}
		if ascii && (r < '0' || r > '9') || !ascii && !strings.ContainsRune("〇○零一二三四五六七八九十百千两", r) {
			return false
		}
	}
	return true
}

func (s *Segmenter) token(n normText, start, end, position int, pos string) tian.Token {
	in0, in1 := n.inputSpan(start, end)
	return tian.Token{Text: n.s[start:end], Start: in0, End: in1, Position: position, Pos: pos}
}

// appendParts adds, for search mode, the words of two or more characters
// that gse finds inside a dictionary word, recursively, each once.
func (s *Segmenter) appendParts(out []tian.Token, n normText, t *gse.Token, base, position int,
	opt tian.CutOptions, seen map[[2]int]bool) []tian.Token {
	for _, sub := range t.Segments() {
		start, end := base+sub.Start(), base+sub.End()
		if end > len(n.s) || seen[[2]int{start, end}] {
			continue
		}
		seen[[2]int{start, end}] = true
		if utf8.RuneCountInString(n.s[start:end]) >= 2 {
			tok := s.token(n, start, end, position, sub.Token().Pos())
			if s.keep(tok.Text, opt) {
				out = append(out, tok)
			}
		}
		out = s.appendParts(out, n, sub.Token(), start, position, opt, seen)
	}
	return out
}

func (s *Segmenter) keep(word string, opt tian.CutOptions) bool {
	if opt.DropPunct && isPunct(word) {
		return false
	}
	if opt.DropStop && s.stop[strings.ToLower(word)] {
		return false
	}
	return true
}

// IsStop reports whether word is a stop word.
func (s *Segmenter) IsStop(word string) bool { return s.stop[strings.ToLower(word)] }

// isPunct reports whether word holds only punctuation, symbols and spaces.
func isPunct(word string) bool {
	for _, r := range word {
		if !unicode.IsPunct(r) && !unicode.IsSymbol(r) && !unicode.IsSpace(r) {
			return false
		}
	}
	return true
}

func openDictionary(fsys fs.FS, name string) (*Dictionary, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, &tian.Error{Code: tian.EINTERNAL, Op: "segment.New", Message: "无法打开 " + name, Err: err}
	}
	defer f.Close()
	return ParseDictionary(name, f)
}

func openWordList(fsys fs.FS, name string) (map[string]bool, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, &tian.Error{Code: tian.EINTERNAL, Op: "segment.New", Message: "无法打开 " + name, Err: err}
	}
	defer f.Close()
	return parseWordList(f)
}

// Known reports whether word, normalised as text is, is an entry of the
// merged dictionary in force. A prefix of an entry is not a word: gse's
// Find reports a trie node without an entry as found with frequency 0, so
// the frequency decides.
func (s *Segmenter) Known(word string) bool {
	w := normalize(word, s.conv).s
	if w == "" {
		return false
	}
	freq, _, ok := s.cur.Load().gse.Find(w)
	return ok && freq > 0
}

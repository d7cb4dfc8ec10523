package tian

// Mode selects how finely text is cut.
type Mode int

const (
	// ModeExact gives the most likely segmentation, one token per word:
	// 专精特新 stays one token. Use it for classification and display.
	ModeExact Mode = iota
	// ModeSearch adds the dictionary words inside each long word
	// (专精特新 also yields 专精 and 特新) so that partial queries match.
	// Index and query must use the same mode.
	ModeSearch
)

func (m Mode) String() string {
	if m == ModeSearch {
		return "search"
	}
	return "exact"
}

// ParseMode parses "exact" or "search".
func ParseMode(s string) (Mode, error) {
	switch s {
	case "exact", "":
		return ModeExact, nil
	case "search":
		return ModeSearch, nil
	}
	return 0, Errorf(EINVALID, "未知分词模式 %q（可选 exact 或 search）", s)
}

// Token is one word cut from a text.
type Token struct {
	// Text is the normalised word (half-width ASCII, Simplified Chinese).
	Text string `json:"text"`
	// Start and End are byte offsets of the word in the original input,
	// End exclusive: input[Start:End] is what was normalised into Text.
	Start int `json:"start"`
	End   int `json:"end"`
	// Position is the 1-based position of the word in the exact
	// segmentation; the finer words of search mode share the position of
	// the word they lie in.
	Position int `json:"position"`
	// Pos is the part-of-speech tag of the dictionary entry, if any.
	Pos string `json:"pos,omitempty"`
}

// CutOptions control what Cut returns.
type CutOptions struct {
	Mode      Mode
	DropStop  bool // drop stop words (的, 了, 进一步, …)
	DropPunct bool // drop punctuation, symbols and whitespace
}

// Keyword is a term with its weight in a text (TF-IDF).
type Keyword struct {
	Text   string  `json:"text"`
	Weight float64 `json:"weight"`
}

// Segmenter cuts Chinese text into words. Implementations normalise the
// text first (full-width to half-width, whitespace collapsed, Traditional
// to Simplified, invalid UTF-8 replaced) and are safe for concurrent use.
// Cut never fails: any input, however malformed, yields a (possibly empty)
// list of tokens whose offsets lie within the input.
type Segmenter interface {
	// Normalize returns the text as the segmenter sees it before cutting.
	Normalize(text string) string
	// Cut splits text into tokens.
	Cut(text string, opt CutOptions) []Token
}

package tian

import (
	"context"
	"strings"
	"unicode"
	"unicode/utf8"
)

// WordStatus is staff's decision on a word: the committee's dictionary
// holds the accepted words; a rejected word is remembered so that word
// discovery does not suggest it again.
type WordStatus string

const (
	WordAccepted WordStatus = "accepted"
	WordRejected WordStatus = "rejected"
)

// Word is one decision of the committee's own dictionary (委员会词表): a
// policy term the office accepted (首发经济, 两重两新) or a candidate it
// rejected. Accepted words are cut whole by the segmenter.
type Word struct {
	Word   string     `json:"word"`
	Status WordStatus `json:"status"`
	// Note says where the word came from, e.g. "新词发现：2024年出现12次".
	Note string `json:"note,omitempty"`
	By   string `json:"by,omitempty"`
	At   string `json:"at,omitempty"`
}

// Limits of a committee word.
const (
	MinWordRunes = 2
	MaxWordRunes = 16
	MaxWordNote  = 200
	// MaxWordDecisions bounds the decisions of one request.
	MaxWordDecisions = 500
)

// CheckWord normalises a decision (trims, full-width letters and digits
// stay as written) and says in Chinese what is wrong with it: a word is
// 2–16 characters of Chinese characters, letters and digits (a middle dot
// or hyphen inside, as in 5G-A or 一带一路·数字), with no space; the
// status is accepted or rejected.
func CheckWord(w *Word) error {
	w.Word = strings.TrimSpace(w.Word)
	w.Note = strings.TrimSpace(w.Note)
	n := utf8.RuneCountInString(w.Word)
	switch {
	case w.Word == "":
		return Errorf(EINVALID, "词语为空")
	case !utf8.ValidString(w.Word):
		return Errorf(EINVALID, "词语不是有效的 UTF-8 文本")
	case n < MinWordRunes || n > MaxWordRunes:
		return Errorf(EINVALID, "词语“%s”有%d个字，应为%d—%d个字", shortName(w.Word), n, MinWordRunes, MaxWordRunes)
	}
	han := false
	for i, r := range w.Word {
		switch {
		case unicode.Is(unicode.Han, r):
			han = true
		case unicode.IsLetter(r) || unicode.IsDigit(r):
		case (r == '·' || r == '-') && i > 0 && i+utf8.RuneLen(r) < len(w.Word):
		default:
			return Errorf(EINVALID, "词语“%s”含有不能入词的字符“%c”：只能用汉字、字母和数字", shortName(w.Word), r)
		}
	}
	if !han {
		return Errorf(EINVALID, "词语“%s”不含汉字：委员会词表只收中文词语", shortName(w.Word))
	}
	if utf8.RuneCountInString(w.Note) > MaxWordNote {
		return Errorf(EINVALID, "词语“%s”的说明超过%d个字", shortName(w.Word), MaxWordNote)
	}
	switch w.Status {
	case WordAccepted, WordRejected:
	case "":
		return Errorf(EINVALID, "词语“%s”没有给出处理结果（accepted 或 rejected）", shortName(w.Word))
	default:
		return Errorf(EINVALID, "词语“%s”的处理结果“%s”无效：应为 accepted（收入）或 rejected（不收）", shortName(w.Word), shortName(string(w.Status)))
	}
	return nil
}

// WordStore keeps the committee's dictionary. Implementations audit
// every change and make each call atomic.
type WordStore interface {
	// Words returns every decision, in the order of the words.
	Words(ctx context.Context) ([]Word, error)
	// DecideWords records decisions (CheckWord each; all or none), each
	// replacing an earlier decision on the same word, and returns them as
	// stored. EINVALID names the word.
	DecideWords(ctx context.Context, words []Word, actor string) ([]Word, error)
	// ForgetWord removes the decision on a word (it may be suggested
	// again); ENOTFOUND when there is none.
	ForgetWord(ctx context.Context, word, actor string) error
}

// WordCandidate is a string that new-word discovery found recurring in
// the proposals and not in any dictionary, with the measures behind it.
type WordCandidate struct {
	Word  string  `json:"word"`
	Freq  int     `json:"freq"` // occurrences
	Docs  int     `json:"docs"` // proposals it occurs in
	Score float64 `json:"score"`
	// Cohesion is the weakest pointwise mutual information between two
	// parts of the word; LeftEntropy and RightEntropy the branching
	// entropy of the characters next to it.
	Cohesion     float64  `json:"cohesion"`
	LeftEntropy  float64  `json:"left_entropy"`
	RightEntropy float64  `json:"right_entropy"`
	Examples     []string `json:"examples"` // contexts, e.g. "…推动首发经济发展…"
	// Cut is how the segmenter cuts it today, e.g. "首发 经济".
	Cut string `json:"cut"`
}

// WordSuggestRequest asks for candidates from one year's proposals (0:
// every year).
type WordSuggestRequest struct {
	Year  int
	Limit int // 1–500; 0 means 100
}

// WordSuggestions are the candidates of a request.
type WordSuggestions struct {
	Year       int             `json:"year,omitempty"`
	Proposals  int             `json:"proposals"` // proposals read
	Candidates []WordCandidate `json:"candidates"`
	TookMS     int64           `json:"took_ms"`
}

// VocabularyStatus says whether the committee's accepted words are in
// force: in the segmenter and, after a background re-analysis, in the
// search index.
type VocabularyStatus struct {
	Accepted int `json:"accepted"` // accepted words stored
	// Version names the stored accepted words; Segmenter and Index the
	// versions the segmenter and the index use ("" for none).
	Version   string `json:"version"`
	Segmenter string `json:"segmenter"`
	Index     string `json:"index"`
	// Applying is true while the index is re-analysed; Done and Total
	// count its proposals.
	Applying bool   `json:"applying"`
	Done     int    `json:"done"`
	Total    int    `json:"total"`
	Error    string `json:"error,omitempty"`
}

// Vocabulary is the office's use of the committee's dictionary: discover
// candidates, record staff's decisions and bring them into force.
type Vocabulary interface {
	SuggestWords(ctx context.Context, req WordSuggestRequest) (*WordSuggestions, error)
	Words(ctx context.Context) ([]Word, error)
	// DecideWords stores decisions and starts bringing them into force
	// (the segmenter at once, the index in the background).
	DecideWords(ctx context.Context, words []Word, actor string) ([]Word, error)
	ForgetWord(ctx context.Context, word, actor string) error
	VocabularyStatus(ctx context.Context) VocabularyStatus
}

// AcceptedWords returns the words of the accepted decisions, in order.
func AcceptedWords(ws []Word) []string {
	var out []string
	for _, w := range ws {
		if w.Status == WordAccepted {
			out = append(out, w.Word)
		}
	}
	return out
}

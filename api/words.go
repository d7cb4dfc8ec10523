package api

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"tian"
)

// The committee's own dictionary (委员会词表): new-word discovery over the
// proposals, staff's decisions, and whether the accepted words are in
// force (the segmenter at once, the index after a background
// re-analysis).

// wordsOffered answers 503 when the service offers no vocabulary.
func (s *Server) wordsOffered(c *gin.Context) bool {
	if s.Words == nil {
		s.failf(c, tian.EUNAVAILABLE, "本服务未启用委员会词表")
		return false
	}
	return true
}

// wordsView is the dictionary as the page shows it.
type wordsView struct {
	Words  []tian.Word           `json:"words"`
	Status tian.VocabularyStatus `json:"status"`
}

func (s *Server) wordsState(c *gin.Context, ws []tian.Word) wordsView {
	if ws == nil {
		ws = []tian.Word{}
	}
	return wordsView{Words: ws, Status: s.Words.VocabularyStatus(c.Request.Context())}
}

func (s *Server) listWords(c *gin.Context) {
	if !s.wordsOffered(c) {
		return
	}
	ws, err := s.Words.Words(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, s.wordsState(c, ws))
}

func (s *Server) suggestWords(c *gin.Context) {
	if !s.wordsOffered(c) {
		return
	}
	year, ok := s.queryInt(c, "year", 0)
	if !ok {
		return
	}
	limit, ok := s.queryInt(c, "limit", 100)
	if !ok {
		return
	}
	res, err := s.Words.SuggestWords(c.Request.Context(), tian.WordSuggestRequest{Year: year, Limit: limit})
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, res)
}

// decideWordsBody is POST's body: the decisions, each a word, accepted
// or rejected, and a note; who and when come from the request.
type decideWordsBody struct {
	Words []struct {
		Word   string          `json:"word"`
		Status tian.WordStatus `json:"status"`
		Note   string          `json:"note"`
	} `json:"words"`
}

func (s *Server) decideWords(c *gin.Context) {
	if !s.wordsOffered(c) {
		return
	}
	var body decideWordsBody
	if !s.bindJSON(c, &body) {
		return
	}
	if len(body.Words) == 0 {
		s.failf(c, tian.EINVALID, "请给出要处理的词语 words")
		return
	}
	ws := make([]tian.Word, len(body.Words))
	for i, w := range body.Words {
		ws[i] = tian.Word{Word: w.Word, Status: w.Status, Note: w.Note}
	}
	stored, err := s.Words.DecideWords(c.Request.Context(), ws, actor(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, s.wordsState(c, stored))
}

func (s *Server) forgetWord(c *gin.Context) {
	if !s.wordsOffered(c) {
		return
	}
	word := strings.TrimSpace(c.Param("word"))
	if err := s.Words.ForgetWord(c.Request.Context(), word, actor(c)); err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, s.wordsState(c, nil))
}

package storecore

import "tian"

// CheckDecisions checks decisions on the committee's words (at most
// tian.MaxWordDecisions, each tian.CheckWord, no word twice) and returns
// them as they are stored: by actor, at the time given.
func CheckDecisions(words []tian.Word, actor, at string) ([]tian.Word, error) {
	if len(words) > tian.MaxWordDecisions {
		return nil, tian.Errorf(tian.ETOOLARGE, "一次最多处理 %d 个词语，收到 %d 个", tian.MaxWordDecisions, len(words))
	}
	out := make([]tian.Word, len(words))
	seen := map[string]int{}
	for i, w := range words {
		if err := tian.CheckWord(&w); err != nil {
			return nil, err
		}
		if j, ok := seen[w.Word]; ok {
			return nil, tian.Errorf(tian.EINVALID, "词语“%s”在第%d项和第%d项重复出现", w.Word, j+1, i+1)
		}
		seen[w.Word] = i
		w.By, w.At = actor, at
		out[i] = w
	}
	return out, nil
}

// NoWord is what forgetting a word without a decision hears.
func NoWord(word string) error {
	return tian.Errorf(tian.ENOTFOUND, "委员会词表中没有“%s”", word)
}

package classify

import "tian"

// WithFeedback applies reviewers' category verdicts to training
// documents: the latest verdict on a stored proposal relabels it, and a
// verdict on a free text adds that text with the chosen label.
func WithFeedback(ps []*tian.Proposal, fbs []tian.Feedback) []Doc {
	chosen := map[string]string{}
	var extra []Doc
	for _, f := range fbs {
		if f.Kind != "category" || f.Chosen == "" {
			continue
		}
		if f.Number != "" {
			chosen[f.Number] = f.Chosen
		} else if f.Text != "" {
			extra = append(extra, Doc{Body: f.Text, Label: f.Chosen})
		}
	}
	var docs []Doc
	for _, p := range ps {
		label := p.Category
		if c, ok := chosen[p.Number]; ok {
			label = c
		}
		if label != "" {
			docs = append(docs, Doc{Title: p.Title, Body: p.Body, Label: label})
		}
	}
	return append(docs, extra...)
}

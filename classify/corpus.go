package classify

import (
	"slices"

	"tian"
)

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

// WithRoutingFeedback applies reviewers' unit verdicts to proposals (on
// copies): the latest lead-unit verdict replaces the lead unit, and a
// co-handling verdict adds the unit chosen.
func WithRoutingFeedback(ps []*tian.Proposal, fbs []tian.Feedback) []*tian.Proposal {
	lead := map[string]string{}
	co := map[string][]string{}
	for _, f := range fbs {
		switch {
		case f.Number == "" || f.Chosen == "":
		case f.Kind == "lead_unit":
			lead[f.Number] = f.Chosen
		case f.Kind == "co_unit":
			co[f.Number] = append(co[f.Number], f.Chosen)
		}
	}
	out := make([]*tian.Proposal, len(ps))
	for i, p := range ps {
		l, hasLead := lead[p.Number]
		c, hasCo := co[p.Number]
		if !hasLead && !hasCo {
			out[i] = p
			continue
		}
		q := *p
		if hasLead {
			q.LeadUnit = l
		}
		q.CoUnits = append([]string(nil), p.CoUnits...)
		for _, u := range c {
			if !slices.Contains(q.CoUnits, u) && u != q.LeadUnit {
				q.CoUnits = append(q.CoUnits, u)
			}
		}
		out[i] = &q
	}
	return out
}

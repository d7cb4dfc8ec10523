package api

import (
	"context"

	"net/http"

	"github.com/gin-gonic/gin"

	"tian"
)

// review answers in one call what the review page shows: the category,
// the units, similar proposals of the year and earlier ones, the filing
// recommendation. A number names the stored proposal under review, which
// never matches itself.
func (s *Server) review(c *gin.Context) {
	if s.Review == nil {
		s.failf(c, tian.EUNAVAILABLE, "本服务未启用审查")
		return
	}
	var req tian.ReviewRequest
	if !s.bindJSON(c, &req) {
		return
	}
	r, err := s.Review.Review(c.Request.Context(), req)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, withoutNulls(r))
}

// withoutNulls gives every list of a review, however deep, as [] when
// empty: pages iterate them without guarding each.
func withoutNulls(r *tian.Review) *tian.Review {
	r.Categories, r.Similar, r.Earlier = orEmpty(r.Categories), matchesWithoutNulls(r.Similar), matchesWithoutNulls(r.Earlier)
	if r.Category != nil {
		r.Category.Labels, r.Category.Evidence = orEmpty(r.Category.Labels), orEmpty(r.Category.Evidence)
	}
	if r.Routing != nil {
		r.Routing.Lead, r.Routing.Co = unitsWithoutNulls(r.Routing.Lead), unitsWithoutNulls(r.Routing.Co)
	}
	if r.MergeInto != nil {
		r.MergeInto.SharedTerms = orEmpty(r.MergeInto.SharedTerms)
	}
	if r.Filing != nil {
		r.Filing.Reasons, r.Filing.Evidence = orEmpty(r.Filing.Reasons), orEmpty(r.Filing.Evidence)
	}
	return r
}

func matchesWithoutNulls(ms []tian.Match) []tian.Match {
	ms = orEmpty(ms)
	for i := range ms {
		ms[i].SharedTerms = orEmpty(ms[i].SharedTerms)
	}
	return ms
}

func unitsWithoutNulls(us []tian.UnitSuggestion) []tian.UnitSuggestion {
	us = orEmpty(us)
	for i := range us {
		us[i].Reasons, us[i].Cases, us[i].Duties = orEmpty(us[i].Reasons), orEmpty(us[i].Cases), orEmpty(us[i].Duties)
	}
	return us
}

// Review asks the service to review a proposal (POST /api/v1/review).
func (c *Client) Review(ctx context.Context, req tian.ReviewRequest) (*tian.Review, error) {
	var out tian.Review
	if err := c.do(ctx, "POST", "/api/v1/review", req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

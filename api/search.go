package api

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"tian"
)

// search answers GET /api/v1/search: the query string q and the filters
// as query parameters (year sets year_from and year_to at once), facets
// as a comma-separated list. An empty result carries the Searcher's hint.
func (s *Server) search(c *gin.Context) {
	req := tian.SearchRequest{Query: c.Query("q"), Session: c.Query("session"), Category: c.Query("category"),
		Unit: c.Query("unit"), LeadUnit: c.Query("lead_unit"), Proposer: c.Query("proposer_type"),
		Status: c.Query("status"), Sort: c.Query("sort")}
	for _, p := range []struct {
		name string
		dst  *int
	}{{"year_from", &req.YearFrom}, {"year_to", &req.YearTo}, {"page", &req.Page}, {"size", &req.Size}, {"facet_size", &req.FacetSize}} {
		v, ok := s.queryInt(c, p.name, 0)
		if !ok {
			return
		}
		*p.dst = v
	}
	if y, ok := s.queryInt(c, "year", 0); !ok {
		return
	} else if y != 0 {
		req.YearFrom, req.YearTo = y, y
	}
	if f := c.Query("facets"); f != "" {
		req.Facets = strings.Split(f, ",")
	}
	res, err := s.Search.Search(c.Request.Context(), req)
	if err != nil {
		s.fail(c, err)
		return
	}
	res.Hits, res.Units = orEmpty(res.Hits), orEmpty(res.Units)
	c.JSON(http.StatusOK, res)
}

package api

import (
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"tian"
)

// Group curation (并案). The page edits a working copy of the year's
// groups (move, merge, split, rename, lead unit all happen there) and
// saves the whole year with PUT, naming the version it started from; a
// stale version is refused (409), so two colleagues never overwrite each
// other unseen, and every save is one validated, audited transaction.
// POST …/confirm confirms a saved version.

// curationYear reads the {year} of the path.
func (s *Server) curationYear(c *gin.Context) (int, bool) {
	if s.Curate == nil {
		s.failf(c, tian.EUNAVAILABLE, "本服务未启用并案分组")
		return 0, false
	}
	v := c.Param("year")
	y, err := strconv.Atoi(v)
	if err != nil || y < 1949 || y > 2100 {
		s.failf(c, tian.EINVALID, "年度须为1949—2100之间的整数，收到 %q", v)
		return 0, false
	}
	return y, true
}

// curationRequest reads GET's query: include=all|filed, threshold,
// source=suggestion.
func (s *Server) curationRequest(c *gin.Context) (tian.CurationRequest, bool) {
	year, ok := s.curationYear(c)
	if !ok {
		return tian.CurationRequest{}, false
	}
	req := tian.CurationRequest{Year: year}
	switch v := c.DefaultQuery("include", "filed"); v {
	case "filed":
	case "all":
		req.IncludeAll = true
	default:
		s.failf(c, tian.EINVALID, "include 须为 filed（仅立案提案）或 all（全部提案），收到 %q", v)
		return req, false
	}
	switch v := c.Query("source"); v {
	case "", "stored":
	case "suggestion":
		req.Suggest = true
	default:
		s.failf(c, tian.EINVALID, "source 须为 stored 或 suggestion，收到 %q", v)
		return req, false
	}
	if v := c.Query("threshold"); v != "" {
		t, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsNaN(t) || t <= 0 || t > 1 {
			s.failf(c, tian.EINVALID, "threshold 须为 (0,1] 之间的数，收到 %q", v)
			return req, false
		}
		req.Threshold = t
	}
	return req, true
}

func (s *Server) getYearGroups(c *gin.Context) {
	req, ok := s.curationRequest(c)
	if !ok {
		return
	}
	v, err := s.Curate.YearGroups(c.Request.Context(), req)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, v)
}

// saveGroupsBody is PUT's body: the version the page started from (0
// when nothing was stored) and the whole year's groups.
type saveGroupsBody struct {
	Version *int                `json:"version"`
	Groups  []tian.CuratedGroup `json:"groups"`
}

func (s *Server) putYearGroups(c *gin.Context) {
	year, ok := s.curationYear(c)
	if !ok {
		return
	}
	var body saveGroupsBody
	if !s.bindJSON(c, &body) {
		return
	}
	if body.Version == nil {
		s.failf(c, tian.EINVALID, "请给出页面所基于的版本 version（尚未保存过时为 0）")
		return
	}
	if *body.Version < 0 {
		s.failf(c, tian.EINVALID, "版本 version 不能为负，收到 %d", *body.Version)
		return
	}
	if body.Groups == nil {
		body.Groups = []tian.CuratedGroup{}
	}
	v, err := s.Curate.SaveYearGroups(c.Request.Context(), year, body.Groups, *body.Version, actor(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, v)
}

func (s *Server) confirmYearGroups(c *gin.Context) {
	year, ok := s.curationYear(c)
	if !ok {
		return
	}
	var body struct {
		Version *int `json:"version"`
	}
	if !s.bindJSON(c, &body) {
		return
	}
	if body.Version == nil {
		s.failf(c, tian.EINVALID, "请给出要确认的版本 version")
		return
	}
	if *body.Version < 0 {
		s.failf(c, tian.EINVALID, "版本 version 不能为负，收到 %d", *body.Version)
		return
	}
	v, err := s.Curate.ConfirmYearGroups(c.Request.Context(), year, *body.Version, actor(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, v)
}

// exportYearGroups answers the year's groups (as GET shows them) as
// 2024年并案分组.xlsx: the name in RFC 5987 form for browsers, with an
// ASCII fallback for older clients.
func (s *Server) exportYearGroups(c *gin.Context) {
	req, ok := s.curationRequest(c)
	if !ok {
		return
	}
	v, err := s.Curate.YearGroups(c.Request.Context(), req)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.sendWorkbook(c, fmt.Sprintf("%d年并案分组.xlsx", req.Year), fmt.Sprintf("groups-%d.xlsx", req.Year),
		func(w io.Writer) error { return s.Curate.WriteYearGroups(w, v) })
}

func (s *Server) proposalGroup(c *gin.Context) {
	if s.Curate == nil {
		s.failf(c, tian.EUNAVAILABLE, "本服务未启用并案分组")
		return
	}
	number := c.Param("number")
	if utf8.RuneCountInString(number) > 64 { // longer than any stored number (tian.Proposal.Check)
		s.failf(c, tian.ENOTFOUND, "没有这个提案号（提案号最长64个字符，收到%d个）", utf8.RuneCountInString(number))
		return
	}
	g, err := s.Curate.ProposalGroup(c.Request.Context(), number)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, g)
}

package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"tian"
)

// route is one API route: the OpenAPI document lists the same set, and a
// test checks that they agree.
type route struct {
	method, path string
	role         tian.Role
	handler      gin.HandlerFunc
}

func (s *Server) apiRoutes() []route {
	return []route{
		{"GET", "/api/v1/proposals", tian.RoleMember, s.listProposals},
		{"POST", "/api/v1/proposals", tian.RoleStaff, s.createProposal},
		{"GET", "/api/v1/proposals/:number", tian.RoleMember, s.getProposal},
		{"PUT", "/api/v1/proposals/:number", tian.RoleStaff, s.updateProposal},
		{"DELETE", "/api/v1/proposals/:number", tian.RoleStaff, s.deleteProposal},
		{"GET", "/api/v1/proposals/:number/similar", tian.RoleMember, s.similarByNumber},
		{"POST", "/api/v1/similar", tian.RoleMember, s.similarByText},
		{"GET", "/api/v1/search", tian.RoleMember, s.search},
		{"GET", "/api/v1/stats", tian.RoleMember, s.stats},
		{"GET", "/api/v1/units", tian.RoleMember, s.units},
		{"GET", "/api/v1/categories", tian.RoleMember, s.categories},
		{"POST", "/api/v1/classify", tian.RoleReviewer, s.classify},
		{"POST", "/api/v1/route", tian.RoleReviewer, s.route},
		{"POST", "/api/v1/feedback", tian.RoleReviewer, s.feedback},
		{"GET", "/api/v1/groups", tian.RoleStaff, s.groups},
		{"POST", "/api/v1/import", tian.RoleStaff, s.importFile},
		{"GET", "/api/v1/export", tian.RoleStaff, s.export},
		{"POST", "/api/v1/train", tian.RoleStaff, s.startTraining},
		{"GET", "/api/v1/train", tian.RoleStaff, s.trainingStatus},
		{"GET", "/api/v1/tokens", tian.RoleAdmin, s.listTokens},
		{"POST", "/api/v1/tokens", tian.RoleAdmin, s.createToken},
		{"DELETE", "/api/v1/tokens/:id", tian.RoleAdmin, s.revokeToken},
		{"GET", "/api/openapi.yaml", tian.RoleMember, s.openAPI},
		{"GET", "/metrics", tian.RoleStaff, s.metrics.handler()},
	}
}

// Routes lists the API's routes as "METHOD /path/{param}", as the
// OpenAPI document writes them.
func Routes() []string {
	var s Server
	s.metrics = &metrics{}
	var out []string
	for _, r := range s.apiRoutes() {
		p := r.path
		for _, part := range strings.Split(p, "/") {
			if strings.HasPrefix(part, ":") {
				p = strings.Replace(p, part, "{"+part[1:]+"}", 1)
			}
		}
		out = append(out, r.method+" "+p)
	}
	return out
}

func (s *Server) routes() {
	e := s.engine
	e.Use(requestID, s.logRequests, s.recoverJSON, s.timeout)
	e.NoRoute(func(c *gin.Context) {
		s.failf(c, tian.ENOTFOUND, "no such route: %s %s", c.Request.Method, c.Request.URL.Path)
	})
	e.HandleMethodNotAllowed = true
	e.NoMethod(func(c *gin.Context) { s.failf(c, tian.EINVALID, "method %s not allowed here", c.Request.Method) })
	e.GET("/healthz", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) })
	e.GET("/readyz", s.readyz)
	for _, r := range s.apiRoutes() {
		limit := s.Config.MaxBodyBytes
		if r.path == "/api/v1/import" {
			limit = s.Config.MaxUploadBytes
		}
		e.Handle(r.method, r.path, limitBody(limit), s.require(r.role), r.handler)
	}
	s.webRoutes()
}

// SetReady sets the readiness check.
func (s *Server) SetReady(ready func() bool) { s.ready = ready }

func (s *Server) readyz(c *gin.Context) {
	if s.ready != nil && !s.ready() {
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "starting"})
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ready", "models": s.Services.Models()})
}

// bindJSON decodes a JSON body strictly: unknown fields and trailing data
// are errors.
func (s *Server) bindJSON(c *gin.Context, v any) bool {
	dec := json.NewDecoder(c.Request.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			s.fail(c, err)
		} else {
			s.failf(c, tian.EINVALID, "the body is not the JSON expected: %v", err)
		}
		return false
	}
	if dec.More() {
		s.failf(c, tian.EINVALID, "the body holds more than one JSON value")
		return false
	}
	return true
}

// queryInt reads an integer query parameter; absent gives def.
func (s *Server) queryInt(c *gin.Context, name string, def int) (int, bool) {
	v := c.Query(name)
	if v == "" {
		return def, true
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < -1_000_000_000 || n > 1_000_000_000 {
		s.failf(c, tian.EINVALID, "parameter %s must be a whole number, got %q", name, v)
		return 0, false
	}
	return n, true
}

func (s *Server) listProposals(c *gin.Context) {
	year, ok := s.queryInt(c, "year", 0)
	if !ok {
		return
	}
	limit, ok := s.queryInt(c, "limit", 50)
	if !ok {
		return
	}
	offset, ok := s.queryInt(c, "offset", 0)
	if !ok {
		return
	}
	if limit < 1 || limit > 500 || offset < 0 {
		s.failf(c, tian.EINVALID, "limit must be 1–500 and offset 0 or more")
		return
	}
	ps, err := s.Store.Proposals(c.Request.Context(), tian.ProposalFilter{Year: year, Category: c.Query("category")})
	if err != nil {
		s.fail(c, err)
		return
	}
	total := len(ps)
	ps = ps[min(offset, total):min(offset+limit, total)]
	c.JSON(http.StatusOK, gin.H{"total": total, "offset": offset, "proposals": orEmpty(ps)})
}

func orEmpty[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

func (s *Server) getProposal(c *gin.Context) {
	p, err := s.Store.Proposal(c.Request.Context(), c.Param("number"))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, p)
}

func (s *Server) createProposal(c *gin.Context) { s.writeProposal(c, "") }

func (s *Server) updateProposal(c *gin.Context) { s.writeProposal(c, c.Param("number")) }

// writeProposal creates (number "") or replaces a proposal through the
// store's import, so that the same checks apply, then updates the index.
func (s *Server) writeProposal(c *gin.Context, number string) {
	var p tian.Proposal
	if !s.bindJSON(c, &p) {
		return
	}
	ctx := c.Request.Context()
	if number != "" {
		if p.Number != "" && p.Number != number {
			s.failf(c, tian.EINVALID, "the body's number %s differs from the path's %s", p.Number, number)
			return
		}
		p.Number = number
		if _, err := s.Store.Proposal(ctx, number); err != nil {
			s.fail(c, err)
			return
		}
	} else if _, err := s.Store.Proposal(ctx, p.Number); err == nil {
		s.failf(c, tian.ECONFLICT, "proposal %s exists; PUT /api/v1/proposals/%s replaces it", p.Number, p.Number)
		return
	}
	rep, err := s.Store.ImportProposals(ctx, []tian.Record{{Row: 1, Proposal: p}},
		tian.ImportOptions{File: "api", Strict: true, Actor: actor(c)})
	if err != nil {
		s.fail(c, err)
		return
	}
	if len(rep.Errors) > 0 {
		e := rep.Errors[0]
		s.failf(c, tian.EINVALID, "%s: %s", e.Column, e.Message)
		return
	}
	if err := s.Services.CatchUp(ctx); err != nil {
		s.fail(c, err)
		return
	}
	stored, err := s.Store.Proposal(ctx, p.Number)
	if err != nil {
		s.fail(c, err)
		return
	}
	status := http.StatusOK
	if number == "" {
		status = http.StatusCreated
	}
	c.JSON(status, stored)
}

func (s *Server) deleteProposal(c *gin.Context) {
	ctx := c.Request.Context()
	if err := s.Store.DeleteProposal(ctx, c.Param("number"), actor(c)); err != nil {
		s.fail(c, err)
		return
	}
	if err := s.Services.CatchUp(ctx); err != nil {
		s.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

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
	res, err := s.Services.Search(c.Request.Context(), req)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, res)
}

func (s *Server) similarByNumber(c *gin.Context) {
	k, ok := s.queryInt(c, "k", 10)
	if !ok {
		return
	}
	before, ok := s.queryInt(c, "before_year", 0)
	if !ok {
		return
	}
	ms, err := s.Services.Similar(c.Request.Context(), c.Param("number"), "", "", k, before)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"matches": orEmpty(ms)})
}

// TextRequest is the body of the text endpoints.
type TextRequest struct {
	Title      string `json:"title"`
	Body       string `json:"body"`
	K          int    `json:"k,omitempty"`
	BeforeYear int    `json:"before_year,omitempty"`
	Category   string `json:"category,omitempty"`
}

func (s *Server) text(c *gin.Context) (TextRequest, bool) {
	var r TextRequest
	if !s.bindJSON(c, &r) {
		return r, false
	}
	if strings.TrimSpace(r.Title+r.Body) == "" {
		s.failf(c, tian.EINVALID, "give a title or a body")
		return r, false
	}
	if r.K < 0 || r.K > 100 {
		s.failf(c, tian.EINVALID, "k must be between 0 and 100")
		return r, false
	}
	return r, true
}

func (s *Server) similarByText(c *gin.Context) {
	r, ok := s.text(c)
	if !ok {
		return
	}
	ms, err := s.Services.Similar(c.Request.Context(), "", r.Title, r.Body, r.K, r.BeforeYear)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"matches": orEmpty(ms)})
}

func (s *Server) classify(c *gin.Context) {
	r, ok := s.text(c)
	if !ok {
		return
	}
	sg, err := s.Services.Classify(c.Request.Context(), r.Title, r.Body, r.K)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, sg)
}

func (s *Server) route(c *gin.Context) {
	r, ok := s.text(c)
	if !ok {
		return
	}
	rt, err := s.Services.Route(c.Request.Context(), r.Title, r.Body, r.Category, r.K)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, rt)
}

func (s *Server) feedback(c *gin.Context) {
	var f tian.Feedback
	if !s.bindJSON(c, &f) {
		return
	}
	f.ID, f.At, f.Actor = 0, "", actor(c)
	f.Accepted = f.Chosen != "" && f.Chosen == f.Suggested
	id, err := s.Store.AddFeedback(c.Request.Context(), f)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, gin.H{"id": id, "accepted": f.Accepted})
}

func (s *Server) stats(c *gin.Context) {
	year, ok := s.queryInt(c, "year", 0)
	if !ok {
		return
	}
	st, err := s.Store.Stats(c.Request.Context(), year)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"stats": st, "report": st.Report()})
}

func (s *Server) units(c *gin.Context) {
	us, err := s.Store.Units(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"units": orEmpty(us)})
}

func (s *Server) categories(c *gin.Context) {
	cs, err := s.Store.Categories(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"categories": orEmpty(cs)})
}

func (s *Server) groups(c *gin.Context) {
	year, ok := s.queryInt(c, "year", 0)
	if !ok {
		return
	}
	threshold := 0.0
	if v := c.Query("threshold"); v != "" {
		t, err := strconv.ParseFloat(v, 64)
		if err != nil || t <= 0 || t > 1 {
			s.failf(c, tian.EINVALID, "threshold must be a number in (0,1], got %q", v)
			return
		}
		threshold = t
	}
	var numbers []string
	if v := c.Query("numbers"); v != "" {
		numbers = strings.Split(v, ",")
	}
	format := c.DefaultQuery("format", "json")
	if format != "json" && format != "xlsx" {
		s.failf(c, tian.EINVALID, "format must be json or xlsx, got %q", format)
		return
	}
	gs, err := s.Services.Groups(c.Request.Context(), year, c.Query("session"), numbers, threshold)
	if err != nil {
		s.fail(c, err)
		return
	}
	if format == "xlsx" {
		c.Header("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		c.Header("Content-Disposition", `attachment; filename="groups.xlsx"`)
		if err := s.Services.ExportGroups(c.Writer, gs); err != nil {
			s.fail(c, err)
		}
		return
	}
	c.JSON(http.StatusOK, gin.H{"groups": orEmpty(gs)})
}

// importFile takes a multipart upload (field "file"), saves it to a
// temporary file and imports it.
func (s *Server) importFile(c *gin.Context) {
	fh, err := c.FormFile("file")
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			s.fail(c, err)
			return
		}
		s.failf(c, tian.EINVALID, "send the file as multipart form field \"file\": %v", err)
		return
	}
	name := filepath.Base(fh.Filename)
	dir, err := os.MkdirTemp("", "tian-upload-")
	if err != nil {
		s.fail(c, err)
		return
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "upload"+filepath.Ext(name))
	if err := c.SaveUploadedFile(fh, path); err != nil {
		s.fail(c, err)
		return
	}
	rep, err := s.Services.ImportFile(c.Request.Context(), path, name, c.Query("strict") == "true", actor(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, rep)
}

func (s *Server) export(c *gin.Context) {
	format := c.DefaultQuery("format", "xlsx")
	year, ok := s.queryInt(c, "year", 0)
	if !ok {
		return
	}
	types := map[string]string{"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson"}
	ct, known := types[format]
	if !known {
		s.failf(c, tian.EINVALID, "format must be xlsx, csv or jsonl, got %q", format)
		return
	}
	c.Header("Content-Type", ct)
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="proposals.%s"`, format))
	if err := s.Services.Export(c.Request.Context(), c.Writer, format, tian.ProposalFilter{Year: year, Category: c.Query("category")}); err != nil {
		s.fail(c, err)
	}
}

// trainingState is the background training job.
type trainingState struct {
	mu       sync.Mutex
	Running  bool      `json:"running"`
	Steps    []string  `json:"steps"`
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished"`
	Version  string    `json:"version,omitempty"`
	Error    string    `json:"error,omitempty"`
}

func (s *Server) startTraining(c *gin.Context) {
	t := &s.training
	t.mu.Lock()
	if t.Running {
		t.mu.Unlock()
		s.failf(c, tian.ECONFLICT, "training is already running")
		return
	}
	t.Running, t.Steps, t.Started, t.Finished, t.Version, t.Error = true, nil, time.Now(), time.Time{}, "", ""
	t.mu.Unlock()
	who := actor(c)
	go func() {
		version, err := s.Services.Train(context.Background(), func(step string) {
			t.mu.Lock()
			t.Steps = append(t.Steps, step)
			t.mu.Unlock()
		})
		t.mu.Lock()
		t.Running, t.Finished, t.Version = false, time.Now(), version
		if err != nil {
			t.Error = tian.ErrorMessage(err)
		}
		t.mu.Unlock()
		s.Tokens.Audit(context.Background(), who, "train", version, t.Error)
	}()
	c.JSON(http.StatusAccepted, gin.H{"running": true})
}

func (s *Server) trainingStatus(c *gin.Context) {
	t := &s.training
	t.mu.Lock()
	defer t.mu.Unlock()
	c.JSON(http.StatusOK, gin.H{"running": t.Running, "steps": orEmpty(t.Steps), "started": t.Started,
		"finished": t.Finished, "version": t.Version, "error": t.Error})
}

// TokenRequest is the body of POST /api/v1/tokens.
type TokenRequest struct {
	Name string `json:"name"`
	Role string `json:"role"`
}

func (s *Server) listTokens(c *gin.Context) {
	ts, err := s.Tokens.Tokens(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"tokens": orEmpty(ts)})
}

func (s *Server) createToken(c *gin.Context) {
	var r TokenRequest
	if !s.bindJSON(c, &r) {
		return
	}
	role, err := tian.ParseRole(r.Role)
	if err != nil {
		s.fail(c, err)
		return
	}
	if strings.TrimSpace(r.Name) == "" || len(r.Name) > 100 {
		s.failf(c, tian.EINVALID, "a token needs a name of at most 100 bytes")
		return
	}
	sec, tok, err := s.Tokens.CreateToken(c.Request.Context(), r.Name, role, actor(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, gin.H{"token": tok, "secret": sec})
}

func (s *Server) revokeToken(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		s.failf(c, tian.EINVALID, "token id must be a number")
		return
	}
	if err := s.Tokens.RevokeToken(c.Request.Context(), id, actor(c)); err != nil {
		s.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"mime"
	"net/http"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"tian"
)

// route is one API route: the OpenAPI document lists the same set, and a
// test checks that they agree.
type route struct {
	method, path string
	role         tian.Role
	handler      gin.HandlerFunc
	writes       bool // changes the store or the models: refused on a full disk
}

func (s *Server) apiRoutes() []route {
	const w = true
	return []route{
		{"GET", "/api/v1/me", tian.RoleMember, s.me, false},
		{"GET", "/api/v1/proposals", tian.RoleMember, s.listProposals, false},
		{"POST", "/api/v1/proposals", tian.RoleStaff, s.createProposal, w},
		{"GET", "/api/v1/proposals/:number", tian.RoleMember, s.getProposal, false},
		{"PUT", "/api/v1/proposals/:number", tian.RoleStaff, s.updateProposal, w},
		{"DELETE", "/api/v1/proposals/:number", tian.RoleStaff, s.deleteProposal, w},
		{"GET", "/api/v1/proposals/:number/similar", tian.RoleMember, s.similarByNumber, false},
		{"POST", "/api/v1/similar", tian.RoleMember, s.similarByText, false},
		{"GET", "/api/v1/search", tian.RoleMember, s.search, false},
		{"GET", "/api/v1/stats", tian.RoleMember, s.stats, false},
		{"GET", "/api/v1/units", tian.RoleMember, s.units, false},
		{"GET", "/api/v1/categories", tian.RoleMember, s.categories, false},
		{"POST", "/api/v1/classify", tian.RoleReviewer, s.classify, false},
		{"POST", "/api/v1/route", tian.RoleReviewer, s.route, false},
		{"POST", "/api/v1/review", tian.RoleReviewer, s.review, false},
		{"POST", "/api/v1/feedback", tian.RoleReviewer, s.feedback, w},
		{"GET", "/api/v1/groups", tian.RoleStaff, s.groups, false},
		{"GET", "/api/v1/duplicates", tian.RoleReviewer, s.duplicates, false},
		{"GET", "/api/v1/groups/:year", tian.RoleStaff, s.getYearGroups, false},
		{"PUT", "/api/v1/groups/:year", tian.RoleStaff, s.putYearGroups, w},
		{"POST", "/api/v1/groups/:year/confirm", tian.RoleStaff, s.confirmYearGroups, w},
		{"GET", "/api/v1/groups/:year/export", tian.RoleStaff, s.exportYearGroups, false},
		{"GET", "/api/v1/proposals/:number/group", tian.RoleMember, s.proposalGroup, false},
		{"GET", "/api/v1/words", tian.RoleStaff, s.listWords, false},
		{"GET", "/api/v1/words/suggest", tian.RoleStaff, s.suggestWords, false},
		{"POST", "/api/v1/words", tian.RoleStaff, s.decideWords, w},
		{"DELETE", "/api/v1/words/:word", tian.RoleStaff, s.forgetWord, w},
		{"POST", "/api/v1/import", tian.RoleStaff, s.importFile, w},
		{"POST", "/api/v1/import/preview", tian.RoleStaff, s.previewImport, false},
		{"GET", "/api/v1/imports", tian.RoleStaff, s.listImports, false},
		{"POST", "/api/v1/imports/:id/undo", tian.RoleStaff, s.undoImport, w},
		{"GET", "/api/v1/export", tian.RoleStaff, s.export, false},
		{"POST", "/api/v1/train", tian.RoleStaff, s.startTraining, w},
		{"GET", "/api/v1/train", tian.RoleStaff, s.trainingStatus, false},
		{"GET", "/api/v1/jobs", tian.RoleStaff, s.listJobs, false},
		{"GET", "/api/v1/jobs/:id", tian.RoleStaff, s.getJob, false},
		{"GET", "/api/v1/tokens", tian.RoleAdmin, s.listTokens, false},
		{"POST", "/api/v1/tokens", tian.RoleAdmin, s.createToken, w},
		{"DELETE", "/api/v1/tokens/:id", tian.RoleAdmin, s.revokeToken, w},
		{"GET", "/api/openapi.yaml", tian.RoleMember, s.openAPI, false},
		{"GET", "/metrics", tian.RoleStaff, s.metrics.handler(), false},
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
	e.Use(requestID, securityHeaders, s.logRequests, s.recoverJSON, s.crossOrigin, s.timeout)
	e.NoRoute(func(c *gin.Context) {
		s.failf(c, tian.ENOTFOUND, "没有这个地址：%s %s", c.Request.Method, c.Request.URL.Path)
	})
	e.HandleMethodNotAllowed = true
	e.NoMethod(func(c *gin.Context) { s.failf(c, tian.EINVALID, "此地址不接受 %s 方法", c.Request.Method) })
	e.GET("/healthz", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) })
	e.GET("/readyz", s.readyz)
	for _, r := range s.apiRoutes() {
		limit := s.Config.MaxBodyBytes
		if r.path == "/api/v1/import" || r.path == "/api/v1/import/preview" {
			limit = s.Config.MaxUploadBytes
		}
		chain := []gin.HandlerFunc{limitBody(limit), s.require(r.role)}
		if r.writes {
			chain = append(chain, s.needSpace)
		}
		e.Handle(r.method, r.path, append(chain, r.handler)...)
	}
	s.webRoutes()
}

// needSpace refuses a write, before anything is written, when the data
// directory's disk is nearly full; reads go on.
func (s *Server) needSpace(c *gin.Context) {
	if err := s.Health.CheckSpace(0); err != nil {
		s.fail(c, err)
		return
	}
	c.Next()
}

// readyz says that the service takes requests (StartingHandler says it
// does not, before the Server exists), which models serve,
// and how far the index lags behind the store (searches miss what it
// has not caught up with; writes are still acknowledged).
func (s *Server) readyz(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"status": "ready", "models": s.Models.Versions(), "index": s.Health.IndexStatus(c.Request.Context())})
}

// bindJSON decodes a JSON body strictly: the media type must say JSON,
// and unknown fields and trailing data are errors.
func (s *Server) bindJSON(c *gin.Context, v any) bool {
	if mt, _, _ := mime.ParseMediaType(c.GetHeader("Content-Type")); mt != "application/json" {
		s.failf(c, EUNSUPPORTED, "请求内容须为 JSON（Content-Type: application/json）")
		return false
	}
	dec := json.NewDecoder(c.Request.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			s.fail(c, err)
		} else {
			s.failf(c, tian.EINVALID, "请求内容不是所需的 JSON：%v", err)
		}
		return false
	}
	if dec.More() {
		s.failf(c, tian.EINVALID, "请求内容含有多个 JSON 值")
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
		s.failf(c, tian.EINVALID, "参数 %s 须为整数，收到 %q", name, v)
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
		s.failf(c, tian.EINVALID, "limit 须在 1–500 之间，offset 不能为负")
		return
	}
	page, err := s.Store.ListProposals(c.Request.Context(), tian.ProposalFilter{Year: year, Category: c.Query("category")}, offset, limit)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"total": page.Total, "offset": page.Offset, "proposals": orEmpty(page.Proposals)})
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
	// the ways offices write a status or a proposer type (filed, 已立案,
	// 个人) are taken as the store keeps them; anything else the store's
	// check refuses, naming the field
	if st, err := tian.ParseStatus(string(p.Status)); err == nil {
		p.Status = st
	}
	if pt, err := tian.ParseProposerType(string(p.ProposerType)); err == nil {
		p.ProposerType = pt
	}
	if number != "" {
		if p.Number != "" && p.Number != number {
			s.failf(c, tian.EINVALID, "请求中的提案号 %s 与地址中的 %s 不一致", p.Number, number)
			return
		}
		p.Number = number
		if _, err := s.Store.Proposal(ctx, number); err != nil {
			s.fail(c, err)
			return
		}
	} else if _, err := s.Store.Proposal(ctx, p.Number); err == nil {
		s.failf(c, tian.ECONFLICT, "提案 %s 已存在；要替换请用 PUT /api/v1/proposals/%s", p.Number, p.Number)
		return
	}
	rep, err := s.Store.ImportProposals(ctx, []tian.Record{{Row: 1, Proposal: p}},
		tian.ImportOptions{File: "api", Strict: true, Edit: true, Actor: actor(c)})
	if err != nil {
		s.fail(c, err)
		return
	}
	if len(rep.Errors) > 0 {
		e := rep.Errors[0]
		s.failf(c, tian.EINVALID, "%s：%s", e.Column, e.Message)
		return
	}
	stored := s.afterCommit(c, func(ctx context.Context) (*tian.Proposal, error) { return s.Store.Proposal(ctx, p.Number) })
	if stored == nil {
		stored = &p
	}
	status := http.StatusOK
	if number == "" {
		status = http.StatusCreated
	}
	c.JSON(status, stored)
}

// afterCommit runs once the store has committed a write: the write is
// acknowledged whatever happens next. It brings the index up to date on
// a context of its own (the request's deadline may have passed); when
// that fails (a full disk, say) the index is behind, which /readyz shows
// and the service's catch-up loop mends, and the response says so in
// X-Index-Status. read, if set, fetches what to answer with.
func (s *Server) afterCommit(c *gin.Context, read func(context.Context) (*tian.Proposal, error)) *tian.Proposal {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Request.Context()), s.Config.RequestTimeout)
	defer cancel()
	if err := s.Health.CatchUp(ctx); err != nil {
		s.Logger.Warn("index behind after a committed write", "request_id", c.GetString(ctxRequestID), "route", c.FullPath(), "err", err.Error())
		c.Header("X-Index-Status", "behind")
	}
	if read == nil {
		return nil
	}
	p, err := read(ctx)
	if err != nil {
		return nil
	}
	return p
}

func (s *Server) deleteProposal(c *gin.Context) {
	if err := s.Store.DeleteProposal(c.Request.Context(), c.Param("number"), actor(c)); err != nil {
		s.fail(c, err)
		return
	}
	s.afterCommit(c, nil)
	c.Status(http.StatusNoContent)
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
	ms, err := s.Relate.Similar(c.Request.Context(), tian.SimilarRequest{Number: c.Param("number"), K: k, BeforeYear: before})
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
	// Exclude names a stored proposal to leave out of similar proposals
	// (the one under review).
	Exclude string `json:"exclude,omitempty"`
}

func (s *Server) text(c *gin.Context) (TextRequest, bool) {
	var r TextRequest
	if !s.bindJSON(c, &r) {
		return r, false
	}
	if strings.TrimSpace(r.Title+r.Body) == "" {
		s.failf(c, tian.EINVALID, "请填写标题或正文")
		return r, false
	}
	if r.K < 0 || r.K > 100 {
		s.failf(c, tian.EINVALID, "k 须在 0–100 之间")
		return r, false
	}
	return r, true
}

func (s *Server) similarByText(c *gin.Context) {
	r, ok := s.text(c)
	if !ok {
		return
	}
	ms, err := s.Relate.Similar(c.Request.Context(), tian.SimilarRequest{Title: r.Title, Body: r.Body, K: r.K, BeforeYear: r.BeforeYear, Exclude: r.Exclude})
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
	sg, err := s.Suggest.Classify(c.Request.Context(), r.Title, r.Body, r.K)
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
	rt, err := s.Suggest.Route(c.Request.Context(), tian.RouteRequest{Title: r.Title, Body: r.Body, Category: r.Category, K: r.K, Exclude: r.Exclude, BeforeYear: r.BeforeYear})
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, rt)
}

// maxFeedbackText caps a judged text, as a proposal's body is capped.
const maxFeedbackText = 30000

// feedback stores a reviewer's verdict. The store checks that the
// proposal and the chosen category or unit exist, so a verdict can never
// bring a new label into the models.
func (s *Server) feedback(c *gin.Context) {
	var f tian.Feedback
	if !s.bindJSON(c, &f) {
		return
	}
	if n := utf8.RuneCountInString(f.Text); n > maxFeedbackText {
		s.failf(c, tian.ETOOLARGE, "反馈所附文本 %d 字，超过 %d 字上限", n, maxFeedbackText)
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

// maxGroupSet bounds one grouping request: an office groups a session's
// or a year's proposals, not a province's archive at once.
const maxGroupSet = 10000

// duplicates is a year's 查重: its copies and resubmissions.
func (s *Server) duplicates(c *gin.Context) {
	if s.Duplicates == nil {
		s.failf(c, tian.EUNAVAILABLE, "本服务未提供查重")
		return
	}
	year, ok := s.queryInt(c, "year", 0)
	if !ok {
		return
	}
	lookback, ok := s.queryInt(c, "lookback", 0)
	if !ok {
		return
	}
	xlsx, ok := s.wantsXLSX(c)
	if !ok {
		return
	}
	rep, err := s.Duplicates.Duplicates(c.Request.Context(), tian.DuplicateRequest{Year: year, Lookback: lookback})
	if err != nil {
		s.fail(c, err)
		return
	}
	if !xlsx {
		c.JSON(http.StatusOK, rep)
		return
	}
	s.sendWorkbook(c, fmt.Sprintf("%d年提案查重.xlsx", year), fmt.Sprintf("tian-duplicates-%d.xlsx", year),
		func(w io.Writer) error { return s.Export.ExportDuplicates(w, rep) })
}

func (s *Server) groups(c *gin.Context) {
	year, ok := s.queryInt(c, "year", 0)
	if !ok {
		return
	}
	threshold := 0.0
	if v := c.Query("threshold"); v != "" {
		t, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsNaN(t) || t <= 0 || t > 1 {
			s.failf(c, tian.EINVALID, "threshold 须为 (0,1] 之间的数，收到 %q", v)
			return
		}
		threshold = t
	}
	var numbers []string
	if v := c.Query("numbers"); v != "" {
		numbers = strings.Split(v, ",")
	}
	if len(numbers) > maxGroupSet {
		s.failf(c, tian.ETOOLARGE, "一次最多为 %d 件提案分组，收到 %d 件；请按年度或届次分组", maxGroupSet, len(numbers))
		return
	}
	xlsx, ok := s.wantsXLSX(c)
	if !ok {
		return
	}
	gs, err := s.Relate.Groups(c.Request.Context(), tian.GroupRequest{Year: year, Session: c.Query("session"), Numbers: numbers, Threshold: threshold})
	if err != nil {
		s.fail(c, err)
		return
	}
	if xlsx {
		s.sendWorkbook(c, "groups.xlsx", "groups.xlsx", func(w io.Writer) error { return s.Export.ExportGroups(w, gs) })
		return
	}
	c.JSON(http.StatusOK, gin.H{"groups": orEmpty(gs)})
}

// importFile takes a multipart upload (field "file") and imports it as a
// job: a file that imports within Config.ImportWait is answered with its
// report (200); a larger one with 202 and the job, whose final report
// GET /api/v1/jobs/{id} gives once the store has committed and the
// index has caught up. Nothing committed is ever answered with an error.
func (s *Server) importFile(c *gin.Context) {
	u, ok := s.receiveUpload(c)
	if !ok {
		return
	}
	req, dir, name := u.req, u.dir, u.req.Name
	job, done := s.jobs.start("import", req.Actor, s.Config.JobTimeout, func(ctx context.Context, p progress) (any, error) {
		defer os.RemoveAll(dir)
		req.Progress = p.rows
		p.step("导入 " + name)
		rep, err := s.Import.Import(ctx, req)
		if err == nil {
			p.step(rep.Summary())
		}
		return rep, err
	})
	s.waitOrAccept(c, job, done, s.Config.ImportWait, func(j Job) {
		if j.Error != nil {
			s.fail(c, tian.Errorf(j.Error.Code, "%s", j.Error.Message))
			return
		}
		c.JSON(http.StatusOK, j.Result)
	})
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
		s.failf(c, tian.EINVALID, "format 须为 xlsx、csv 或 jsonl，收到 %q", format)
		return
	}
	c.Header("Content-Type", ct)
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="proposals.%s"`, format))
	if err := s.Export.Export(c.Request.Context(), c.Writer, format, tian.ProposalFilter{Year: year, Category: c.Query("category")}); err != nil {
		s.fail(c, err)
	}
}

// startTraining retrains the models as a job (202); one at a time.
func (s *Server) startTraining(c *gin.Context) {
	s.trainMu.Lock()
	defer s.trainMu.Unlock()
	if j, ok := s.jobs.latest("train"); ok && j.State == JobRunning {
		s.failf(c, tian.ECONFLICT, "模型正在训练（任务 %s），请等它完成", j.ID)
		return
	}
	who := actor(c)
	job, _ := s.jobs.start("train", who, s.Config.JobTimeout, func(ctx context.Context, p progress) (any, error) {
		version, err := s.Models.Train(ctx, p.step)
		s.Tokens.Audit(context.Background(), who, "train", version, tian.ErrorMessage(err))
		return gin.H{"version": version}, err
	})
	c.Header("Location", "/api/v1/jobs/"+job.ID)
	c.JSON(http.StatusAccepted, gin.H{"running": true, "job": job})
}

// trainingStatus is the newest training job, in the shape the pages read.
func (s *Server) trainingStatus(c *gin.Context) {
	j, ok := s.jobs.latest("train")
	if !ok {
		c.JSON(http.StatusOK, gin.H{"running": false, "steps": []string{}})
		return
	}
	out := gin.H{"running": j.State == JobRunning, "steps": j.Steps, "started": j.Started, "job": j.ID}
	if j.Finished != nil {
		out["finished"] = j.Finished
	}
	if r, ok := j.Result.(gin.H); ok {
		out["version"] = r["version"]
	}
	if j.Error != nil {
		out["error"] = j.Error.Message
	}
	c.JSON(http.StatusOK, out)
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
		s.failf(c, tian.EINVALID, "令牌须有名称，最长 100 字节")
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
		s.failf(c, tian.EINVALID, "令牌编号须为数字")
		return
	}
	if err := s.Tokens.RevokeToken(c.Request.Context(), id, actor(c)); err != nil {
		s.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// parseMapping reads map=field=header query values (as the CLI's --map):
// the field is read from the column with that header; field= reads it
// from no column.
func parseMapping(pairs []string) (map[string]string, error) {
	m := map[string]string{}
	for _, p := range pairs {
		field, header, ok := strings.Cut(p, "=")
		if !ok || strings.TrimSpace(field) == "" {
			return nil, tian.Errorf(tian.EINVALID, "map 须写作 字段=表头，如 map=number=留言编号，收到 %q", p)
		}
		m[strings.TrimSpace(field)] = strings.TrimSpace(header)
	}
	return m, nil
}

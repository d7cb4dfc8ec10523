package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/time/rate"

	"tian"
)

// Keys of values middleware puts on the gin context.
const (
	ctxRequestID = "request_id"
	ctxToken     = "token"
)

// requestID gives every request an id, in the response header and the
// logs. An id sent by a proxy is kept if it is short and plain.
func requestID(c *gin.Context) {
	id := c.GetHeader("X-Request-ID")
	if id == "" || len(id) > 64 || strings.ContainsAny(id, " \t\r\n") {
		var b [8]byte
		rand.Read(b[:])
		id = hex.EncodeToString(b[:])
	}
	c.Set(ctxRequestID, id)
	c.Header("X-Request-ID", id)
	c.Next()
}

// logRequests writes one structured line a request: never the query
// string, the body or the token, which may hold proposal text or secrets.
func (s *Server) logRequests(c *gin.Context) {
	start := time.Now()
	c.Next()
	route := c.FullPath()
	if route == "" {
		route = "unmatched"
	}
	took := time.Since(start)
	s.metrics.observe(route, c.Request.Method, c.Writer.Status(), took)
	attrs := []any{"request_id", c.GetString(ctxRequestID), "method", c.Request.Method, "route", route,
		"status", c.Writer.Status(), "ms", float64(took.Microseconds()) / 1000}
	if t, ok := c.Get(ctxToken); ok {
		attrs = append(attrs, "token", t.(*tian.APIToken).Name)
	}
	s.Logger.Info("request", attrs...)
}

// recoverJSON turns a panic into a 500 with a JSON body; the panic is
// logged, the process survives.
func (s *Server) recoverJSON(c *gin.Context) {
	defer func() {
		if r := recover(); r != nil {
			s.Logger.Error("panic", "request_id", c.GetString(ctxRequestID), "route", c.FullPath(), "panic", r)
			s.failf(c, tian.EINTERNAL, "internal error")
		}
	}()
	c.Next()
}

// timeout bounds every request's context. It replaces c.Request, so the
// multipart files a handler parsed hang on the new request, which
// net/http does not clean up: remove them here, always.
func (s *Server) timeout(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), s.Config.RequestTimeout)
	defer cancel()
	c.Request = c.Request.WithContext(ctx)
	defer func() {
		if f := c.Request.MultipartForm; f != nil {
			f.RemoveAll()
		}
	}()
	c.Next()
}

// require admits requests with a live token of at least role, within the
// token's rate limit. A browser's session cookie counts as its token, for
// writes only with the cross-site checks of cookieWriteAllowed.
func (s *Server) require(role tian.Role) gin.HandlerFunc {
	return func(c *gin.Context) {
		cr := credentialOf(c)
		if cr.secret == "" {
			s.failf(c, tian.EUNAUTH, "需要令牌：请发送 Authorization: Bearer 令牌，或先登录")
			return
		}
		tok, err := s.authenticate(c, cr)
		if err != nil {
			s.fail(c, err)
			return
		}
		if cr.session && !safeMethod(c.Request.Method) && !s.cookieWriteAllowed(c) {
			return
		}
		have, _ := tian.ParseRole(tok.Role)
		if have < role {
			s.failf(c, tian.EFORBIDDEN, "此操作需要%s权限，当前令牌为%s", roleName(role), roleName(have))
			return
		}
		lim, _ := s.limiters.LoadOrStore(tok.ID, rate.NewLimiter(s.Config.RatePerSecond, s.Config.RateBurst))
		if !lim.(*rate.Limiter).Allow() {
			c.Header("Retry-After", "1")
			s.failf(c, tian.ERATELIMIT, "此令牌的请求过于频繁，请放慢")
			return
		}
		c.Set(ctxToken, tok)
		c.Next()
	}
}

// roleName is a role as the office says it.
func roleName(r tian.Role) string {
	names := map[tian.Role]string{tian.RoleMember: "委员（member）", tian.RoleReviewer: "审查（reviewer）",
		tian.RoleStaff: "提案工作人员（staff）", tian.RoleAdmin: "管理员（admin）"}
	if n, ok := names[r]; ok {
		return n
	}
	return "无"
}

// roleLabel is a role in a word, for the pages' header.
func roleLabel(r tian.Role) string {
	names := map[tian.Role]string{tian.RoleMember: "委员", tian.RoleReviewer: "审查", tian.RoleStaff: "提案工作人员", tian.RoleAdmin: "管理员"}
	return names[r]
}

// actor names the token's owner in the audit log.
func actor(c *gin.Context) string {
	if t, ok := c.Get(ctxToken); ok {
		tok := t.(*tian.APIToken)
		return "token:" + tok.Name
	}
	return "anonymous"
}

// limitBody caps the request body.
func limitBody(n int64) gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, n)
		c.Next()
	}
}

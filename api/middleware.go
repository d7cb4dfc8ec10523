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
	cookieName   = "tian_token"
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

// timeout bounds every request's context.
func (s *Server) timeout(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), s.Config.RequestTimeout)
	defer cancel()
	c.Request = c.Request.WithContext(ctx)
	c.Next()
}

// secret reads the token from the Authorization header or the sign-in
// cookie.
func secret(c *gin.Context) string {
	if h := c.GetHeader("Authorization"); strings.HasPrefix(h, "Bearer ") {
		return strings.TrimSpace(h[len("Bearer "):])
	}
	if v, err := c.Cookie(cookieName); err == nil {
		return v
	}
	return ""
}

// require admits requests with a live token of at least role, within the
// token's rate limit.
func (s *Server) require(role tian.Role) gin.HandlerFunc {
	return func(c *gin.Context) {
		sec := secret(c)
		if sec == "" {
			s.failf(c, tian.EUNAUTH, "a token is required: send Authorization: Bearer TOKEN or sign in")
			return
		}
		tok, err := s.Tokens.Authenticate(c.Request.Context(), sec)
		if err != nil {
			s.fail(c, err)
			return
		}
		have, _ := tian.ParseRole(tok.Role)
		if have < role {
			s.failf(c, tian.EFORBIDDEN, "this needs the %s role; the token is %s", role, tok.Role)
			return
		}
		lim, _ := s.limiters.LoadOrStore(tok.ID, rate.NewLimiter(s.Config.RatePerSecond, s.Config.RateBurst))
		if !lim.(*rate.Limiter).Allow() {
			c.Header("Retry-After", "1")
			s.failf(c, "rate_limited", "too many requests for this token; slow down")
			return
		}
		c.Set(ctxToken, tok)
		c.Next()
	}
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

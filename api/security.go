package api

import (
	"mime"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/time/rate"

	"tian"
)

// contentSecurityPolicy allows the pages only their own scripts, styles
// and API: no inline script, no framing, no foreign connections.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; font-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

// securityHeaders go on every response.
func securityHeaders(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	c.Next()
}

// crossOrigin refuses state-changing requests that a browser marks as
// coming from another origin (Sec-Fetch-Site, else Origin against Host):
// a page on another port of the same host can no longer act as the
// signed-in user. Requests without either header come from programs, not
// browsers, and carry their token themselves.
func (s *Server) crossOrigin(c *gin.Context) {
	if err := s.origins.Check(c.Request); err != nil {
		s.failf(c, ECROSSORIGIN, "拒绝来自其他网站或端口的写请求（跨站请求防护）")
		return
	}
	c.Next()
}

// safeMethod reports whether a method only reads.
func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// cookieWriteAllowed checks a write that authenticates by the session
// cookie: the browser must have said where it came from (so that
// crossOrigin could judge it), and a body must be JSON, or multipart
// where a file is uploaded: a plain HTML form on another site can send
// neither.
func (s *Server) cookieWriteAllowed(c *gin.Context) bool {
	r := c.Request
	if r.Header.Get("Sec-Fetch-Site") == "" && r.Header.Get("Origin") == "" {
		s.failf(c, ECROSSORIGIN, "浏览器登录状态下的写请求须带 Origin 或 Sec-Fetch-Site 头（跨站请求防护）")
		return false
	}
	if r.ContentLength == 0 && r.Header.Get("Content-Type") == "" {
		return true
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "application/json" && mt != "multipart/form-data" {
		s.failf(c, EUNSUPPORTED, "请求内容须为 application/json（上传文件为 multipart/form-data），收到 %q", mt)
		return false
	}
	return true
}

// authLimiter slows down guessing: each client address may fail to
// authenticate a burst of times, then once every few seconds.
type authLimiter struct {
	mu      sync.Mutex
	every   time.Duration
	burst   int
	clients map[string]*rate.Limiter
}

func newAuthLimiter(every time.Duration, burst int) *authLimiter {
	return &authLimiter{every: every, burst: burst, clients: map[string]*rate.Limiter{}}
}

func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func (a *authLimiter) limiter(addr string) *rate.Limiter {
	a.mu.Lock()
	defer a.mu.Unlock()
	l, ok := a.clients[addr]
	if !ok {
		if len(a.clients) >= 10000 { // bound memory under a spray of addresses
			a.clients = map[string]*rate.Limiter{}
		}
		l = rate.NewLimiter(rate.Every(a.every), a.burst)
		a.clients[addr] = l
	}
	return l
}

// blocked reports whether the address has used up its failures.
func (a *authLimiter) blocked(r *http.Request) bool {
	return a.limiter(clientAddr(r)).Tokens() < 1
}

// failed counts a failed attempt.
func (a *authLimiter) failed(r *http.Request) { a.limiter(clientAddr(r)).Allow() }

// credential is what a request authenticates with.
type credential struct {
	secret  string
	session bool // from the session cookie, not an Authorization header
}

// sessionCookie names the cookie: the __Host- prefix (Secure, whole host,
// no Domain) where the service is reached over TLS.
func sessionCookie(r *http.Request) string {
	if r.TLS != nil {
		return "__Host-tian_session"
	}
	return "tian_session"
}

func credentialOf(c *gin.Context) credential {
	if h := c.GetHeader("Authorization"); strings.HasPrefix(h, "Bearer ") {
		return credential{secret: strings.TrimSpace(h[len("Bearer "):])}
	}
	if v, err := c.Cookie(sessionCookie(c.Request)); err == nil && v != "" {
		return credential{secret: v, session: true}
	}
	return credential{}
}

// authenticate returns the live token behind the request's credential.
// Failures count against the client's address; once it has failed too
// often it gets 429 before its credential is even looked at.
func (s *Server) authenticate(c *gin.Context, cr credential) (*tian.APIToken, error) {
	if s.authFailures.blocked(c.Request) {
		c.Header("Retry-After", "10")
		return nil, tian.Errorf(tian.ERATELIMIT, "认证失败次数过多，请稍后再试")
	}
	var tok *tian.APIToken
	var err error
	if cr.session {
		tok, err = s.Tokens.SessionToken(c.Request.Context(), cr.secret)
	} else {
		tok, err = s.Tokens.Authenticate(c.Request.Context(), cr.secret)
	}
	if tian.ErrorCode(err) == tian.EUNAUTH {
		s.authFailures.failed(c.Request)
	}
	return tok, err
}

package api

import (
	"embed"
	"html/template"
	"io/fs"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"tian"
)

//go:embed web
var webFiles embed.FS

//go:embed openapi.yaml
var openAPIDoc []byte

func (s *Server) openAPI(c *gin.Context) { c.Data(http.StatusOK, "application/yaml", openAPIDoc) }

var signinPage = template.Must(template.New("signin").Parse(`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>登录 · tian 提案</title><link rel="icon" href="data:,">
<link rel="stylesheet" href="/static/style.css"></head>
<body class="signin"><main><h1>tian 提案</h1>
{{if .Error}}<p class="error">{{.Error}}</p>{{end}}
<p>请使用服务启动时打印的登录链接，或粘贴管理员发给您的令牌。</p>
<form method="post" action="/signin"><input name="token" type="password" placeholder="令牌" autocomplete="off" required>
<button type="submit">登录</button></form></main></body></html>`))

// webRoutes serves the sign-in page (open) and the pages (signed in).
func (s *Server) webRoutes() {
	static, _ := fs.Sub(webFiles, "web")
	s.engine.GET("/static/style.css", func(c *gin.Context) { c.FileFromFS("style.css", http.FS(static)) })
	s.engine.GET("/signin", s.signin)
	s.engine.POST("/signin", limitBody(4096), s.signin)
	s.engine.POST("/signout", limitBody(4096), s.signout)
	pages := s.engine.Group("/", s.requirePage)
	// read and served directly: http.FileServer redirects …/index.html to …/
	index, _ := fs.ReadFile(static, "index.html")
	pages.GET("/", func(c *gin.Context) { c.Data(http.StatusOK, "text/html; charset=utf-8", index) })
	pages.GET("/static/app.js", func(c *gin.Context) { c.FileFromFS("app.js", http.FS(static)) })
}

// requirePage sends a visitor without a live session to the sign-in page.
func (s *Server) requirePage(c *gin.Context) {
	if cr := credentialOf(c); cr.secret != "" {
		if _, err := s.authenticate(c, cr); err == nil {
			c.Header("Cache-Control", "no-store")
			c.Next()
			return
		}
	}
	c.Redirect(http.StatusSeeOther, "/signin")
	c.Abort()
}

// signin checks an API token (from the first-start link or the form) and
// starts a server-side session: the cookie holds the session's own
// secret, never the token, and the address bar loses the token at once
// by a redirect.
func (s *Server) signin(c *gin.Context) {
	sec := c.Query("token")
	if c.Request.Method == http.MethodPost {
		sec = c.PostForm("token")
	}
	data := struct{ Error string }{}
	if c.Query("failed") != "" {
		data.Error = "令牌无效或已撤销，请重新输入"
		c.Status(http.StatusUnauthorized)
	}
	if sec != "" {
		tok, err := s.authenticate(c, credential{secret: sec})
		if err == nil {
			err = s.startSession(c, tok)
		}
		if err == nil {
			c.Redirect(http.StatusSeeOther, "/")
			return
		}
		if c.Request.Method == http.MethodGet && tian.ErrorCode(err) == tian.EUNAUTH {
			c.Redirect(http.StatusSeeOther, "/signin?failed=1") // keep the bad token out of the address bar
			return
		}
		data.Error = tian.ErrorMessage(err)
		status, ok := codes[tian.ErrorCode(err)]
		if !ok {
			status = http.StatusInternalServerError
		}
		c.Status(status)
	}
	c.Header("Content-Type", "text/html; charset=utf-8")
	c.Header("Cache-Control", "no-store")
	signinPage.Execute(c.Writer, data)
}

func (s *Server) startSession(c *gin.Context, tok *tian.APIToken) error {
	sid, err := s.Tokens.CreateSession(c.Request.Context(), tok.ID, s.Config.SessionTTL)
	if err != nil {
		return err
	}
	setSessionCookie(c, sid, int(s.Config.SessionTTL/time.Second))
	s.Tokens.Audit(c.Request.Context(), "token:"+tok.Name, "signin", "", "")
	return nil
}

// signout ends the session on the server and clears the cookie.
func (s *Server) signout(c *gin.Context) {
	if cr := credentialOf(c); cr.session {
		s.Tokens.DeleteSession(c.Request.Context(), cr.secret)
	}
	setSessionCookie(c, "", -1)
	c.Redirect(http.StatusSeeOther, "/signin")
}

// setSessionCookie sets (or, with maxAge -1, clears) the session cookie:
// HttpOnly, SameSite=Strict, the whole host, Secure over TLS.
func setSessionCookie(c *gin.Context, value string, maxAge int) {
	http.SetCookie(c.Writer, &http.Cookie{Name: sessionCookie(c.Request), Value: value, Path: "/", HttpOnly: true,
		Secure: c.Request.TLS != nil, SameSite: http.SameSiteStrictMode, MaxAge: maxAge})
}

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
<html lang="zh-CN"><head><meta charset="utf-8"><title>登录 · tian 提案</title>
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
	s.engine.POST("/signout", func(c *gin.Context) {
		c.SetCookie(cookieName, "", -1, "/", "", false, true)
		c.Redirect(http.StatusSeeOther, "/signin")
	})
	pages := s.engine.Group("/", s.requirePage)
	// read and served directly: http.FileServer redirects …/index.html to …/
	index, _ := fs.ReadFile(static, "index.html")
	pages.GET("/", func(c *gin.Context) { c.Data(http.StatusOK, "text/html; charset=utf-8", index) })
	pages.GET("/static/app.js", func(c *gin.Context) { c.FileFromFS("app.js", http.FS(static)) })
}

// requirePage sends a visitor without a valid sign-in to the sign-in page.
func (s *Server) requirePage(c *gin.Context) {
	sec := secret(c)
	if sec != "" {
		if _, err := s.Tokens.Authenticate(c.Request.Context(), sec); err == nil {
			c.Header("Cache-Control", "no-store")
			c.Next()
			return
		}
	}
	c.Redirect(http.StatusSeeOther, "/signin")
	c.Abort()
}

// signin checks a token (from the link's query or the form) and sets it as
// an HttpOnly, SameSite=Strict cookie.
func (s *Server) signin(c *gin.Context) {
	sec := c.Query("token")
	if c.Request.Method == http.MethodPost {
		sec = c.PostForm("token")
	}
	data := struct{ Error string }{}
	if sec != "" {
		tok, err := s.Tokens.Authenticate(c.Request.Context(), sec)
		if err == nil {
			http.SetCookie(c.Writer, &http.Cookie{Name: cookieName, Value: sec, Path: "/", HttpOnly: true,
				SameSite: http.SameSiteStrictMode, Expires: time.Now().Add(30 * 24 * time.Hour)})
			s.Tokens.Audit(c.Request.Context(), "token:"+tok.Name, "signin", "", "")
			c.Redirect(http.StatusSeeOther, "/")
			return
		}
		data.Error = tian.ErrorMessage(err)
		c.Status(http.StatusUnauthorized)
	}
	c.Header("Content-Type", "text/html; charset=utf-8")
	signinPage.Execute(c.Writer, data)
}

package api

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
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

// page is one of the pages: the least role that may open it and its tab
// title. Its file is web/<name>.html, its module web/<name>.js.
type page struct {
	name, title string
	role        tian.Role
}

// pages are the tabs of the header, in order; a role lands on the first
// it may open (a member on 检索, a reviewer on 审查).
var pages = []page{
	{"review", "审查", tian.RoleReviewer},
	{"duplicates", "查重", tian.RoleReviewer},
	{"search", "检索", tian.RoleMember},
	{"groups", "并案", tian.RoleStaff},
	{"import", "导入", tian.RoleStaff},
	{"words", "词表", tian.RoleStaff},
	{"stats", "统计", tian.RoleMember},
}

// webRoutes serves the sign-in page (open), the pages (signed in, each to
// the roles that may open it), the proposal page /p/{number} and the
// static files.
func (s *Server) webRoutes() {
	static, _ := fs.Sub(webFiles, "web")
	s.engine.GET("/static/:file", func(c *gin.Context) {
		name := c.Param("file")
		if ext := path.Ext(name); ext != ".js" && ext != ".css" {
			s.failf(c, tian.ENOTFOUND, "没有这个文件：%s", name)
			return
		}
		// the pages' code is for signed-in users; the sign-in page needs only the style
		if name != "style.css" && !s.signedIn(c) {
			s.failf(c, tian.EUNAUTH, "请先登录")
			return
		}
		c.FileFromFS(name, http.FS(static))
	})
	s.engine.GET("/signin", s.signin)
	s.engine.POST("/signin", limitBody(4096), s.signin)
	s.engine.POST("/signout", limitBody(4096), s.signout)
	signed := s.engine.Group("/", s.requirePage)
	signed.GET("/", func(c *gin.Context) {
		for _, p := range allowedPages(pageRole(c)) {
			c.Redirect(http.StatusSeeOther, "/"+p.name)
			return
		}
		s.forbidden(c, "您的令牌没有可打开的页面")
	})
	for _, p := range pages {
		html := pageHTML(static, p.name, p.title)
		signed.GET("/"+p.name, func(c *gin.Context) {
			if pageRole(c) < p.role {
				s.forbidden(c, fmt.Sprintf("“%s”页面需要%s权限，您的令牌为%s", p.title, roleLabel(p.role), roleLabel(pageRole(c))))
				return
			}
			c.Data(http.StatusOK, "text/html; charset=utf-8", html)
		})
	}
	proposal := pageHTML(static, "proposal", "提案")
	signed.GET("/p/:number", func(c *gin.Context) { c.Data(http.StatusOK, "text/html; charset=utf-8", proposal) })
}

// pageHTML puts a page's body (web/<name>.html, a fragment) into the shell
// all pages share (web/shell.html: the head, the header, the module).
func pageHTML(static fs.FS, name, title string) []byte {
	body, err := fs.ReadFile(static, name+".html")
	if err != nil {
		panic("api: the page " + name + " has no web/" + name + ".html") // a build without it is broken
	}
	var b bytes.Buffer
	err = shell.Execute(&b, struct {
		Title, Module string
		Body          template.HTML
	}{title, name, template.HTML(body)}) // the body is our own embedded file
	if err != nil {
		panic("api: the page shell: " + err.Error())
	}
	return b.Bytes()
}

var shell = template.Must(template.ParseFS(webFiles, "web/shell.html"))

// allowedPages are the pages a role may open, in the header's order.
func allowedPages(r tian.Role) []page {
	var out []page
	for _, p := range pages {
		if r >= p.role {
			out = append(out, p)
		}
	}
	return out
}

// pageRole is the role of the signed-in visitor (set by requirePage).
func pageRole(c *gin.Context) tian.Role {
	if t, ok := c.Get(ctxToken); ok {
		r, _ := tian.ParseRole(t.(*tian.APIToken).Role)
		return r
	}
	return tian.RoleNone
}

var forbiddenPage = template.Must(template.New("forbidden").Parse(`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>没有权限 · tian 提案</title><link rel="icon" href="data:,">
<link rel="stylesheet" href="/static/style.css"></head>
<body class="forbidden"><main><h1>没有权限</h1><p class="error">{{.Message}}</p>
{{if .Pages}}<p>您可以打开：{{range $i, $p := .Pages}}{{if $i}}、{{end}}<a href="/{{$p.Name}}">{{$p.Title}}</a>{{end}}</p>{{end}}
<form method="post" action="/signout"><button>换一个令牌登录</button></form></main></body></html>`))

// forbidden answers a page the role may not open with a page in Chinese
// that says why and links the pages it may open.
func (s *Server) forbidden(c *gin.Context, message string) {
	type link struct{ Name, Title string }
	data := struct {
		Message string
		Pages   []link
	}{Message: message}
	for _, p := range allowedPages(pageRole(c)) {
		data.Pages = append(data.Pages, link{p.name, p.title})
	}
	c.Header("Content-Type", "text/html; charset=utf-8")
	c.Status(http.StatusForbidden)
	forbiddenPage.Execute(c.Writer, data)
}

// PageLink is a page the signed-in role may open.
type PageLink struct {
	Name  string `json:"name"`
	Title string `json:"title"`
	Path  string `json:"path"`
}

// Me is who is signed in, with what the pages need from the server.
type Me struct {
	Name           string          `json:"name"`
	Role           string          `json:"role"`
	RoleLabel      string          `json:"role_label"`
	Pages          []PageLink      `json:"pages"`
	CurrentYear    int             `json:"current_year"`
	GroupThreshold float64         `json:"group_threshold"`
	Categories     []tian.Category `json:"categories"`
}

// me answers who is signed in and which pages they may open.
func (s *Server) me(c *gin.Context) {
	t, _ := c.Get(ctxToken)
	tok := t.(*tian.APIToken)
	role, _ := tian.ParseRole(tok.Role)
	cats, err := s.Store.Categories(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	m := Me{Name: tok.Name, Role: tok.Role, RoleLabel: roleLabel(role), Pages: []PageLink{}, CurrentYear: time.Now().Year(),
		GroupThreshold: s.Config.GroupThreshold, Categories: orEmpty(cats)}
	if s.Curate != nil { // learnt from confirmed groups
		m.GroupThreshold, _ = s.Curate.GroupThreshold()
	}
	for _, p := range allowedPages(role) {
		m.Pages = append(m.Pages, PageLink{p.name, p.title, "/" + p.name})
	}
	c.JSON(http.StatusOK, m)
}

// requirePage sends a visitor without a live session to the sign-in page.
func (s *Server) requirePage(c *gin.Context) {
	if !s.signedIn(c) {
		c.Redirect(http.StatusSeeOther, "/signin")
		c.Abort()
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Next()
}

// signedIn reports whether the request carries a live credential, and
// keeps its token for the handlers.
func (s *Server) signedIn(c *gin.Context) bool {
	cr := credentialOf(c)
	if cr.secret == "" {
		return false
	}
	tok, err := s.authenticate(c, cr)
	if err != nil {
		return false
	}
	c.Set(ctxToken, tok)
	return true
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

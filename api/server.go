// Package api is tian's HTTP service on gin: a JSON API under /api/v1, the
// embedded web pages, access control by hashed API tokens with roles,
// Prometheus metrics, and a Go client. It owns HTTP and nothing else: the
// store, the index and the models arrive as interfaces, wired in cmd.
package api

import (
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/time/rate"

	"tian"
)

// Parts are what the service answers from: one field per interface of
// the root package, each small enough to fake in a test in a few lines.
type Parts struct {
	Store  tian.Store // proposals (paged), feedback, units, categories
	Tokens tian.TokenStore
	Search tian.Searcher
	Relate tian.Relater // similar proposals and groups
	// Duplicates is a year's 查重; nil: not offered.
	Duplicates tian.DuplicateFinder
	Suggest    tian.Suggester
	Review     tian.Reviewer // nil: no review endpoint (503)
	Models     tian.ModelStore
	Import     tian.Importer
	Export     tian.Exporter
	Stats      tian.Reporter
	Health     tian.Health     // index lag, disk space
	Imports    tian.Imports    // import previews, batches and their undo
	Curate     tian.Curator    // curated groups (并案); nil: not offered
	Words      tian.Vocabulary // the committee's dictionary; nil: not offered
}

// Config holds the service's limits.
type Config struct {
	MaxBodyBytes   int64 // JSON bodies
	MaxUploadBytes int64 // import uploads
	// MultipartMemory is how much of an upload is held in memory; the
	// rest goes to a temporary file, removed when the request ends.
	MultipartMemory int64
	RatePerSecond   rate.Limit // per token
	RateBurst       int
	RequestTimeout  time.Duration
	SessionTTL      time.Duration // a browser's sign-in
	// ImportWait is how long an import request waits for its job before
	// answering 202 with the job to follow; JobTimeout bounds a job.
	ImportWait time.Duration
	JobTimeout time.Duration
	// AuthFailureEvery and AuthFailureBurst bound failed sign-ins and
	// unknown tokens per client address.
	AuthFailureEvery time.Duration
	AuthFailureBurst int
	// GroupThreshold is the grouping's default threshold, for the pages.
	GroupThreshold float64
}

// DefaultConfig are the limits of a committee's intranet service.
func DefaultConfig() Config {
	return Config{MaxBodyBytes: 2 << 20, MaxUploadBytes: 50 << 20, MultipartMemory: 8 << 20, RatePerSecond: 100, RateBurst: 200,
		RequestTimeout: 60 * time.Second, SessionTTL: 12 * time.Hour, ImportWait: 20 * time.Second, JobTimeout: 2 * time.Hour,
		AuthFailureEvery: 3 * time.Second, AuthFailureBurst: 20}
}

// Server is the HTTP service.
type Server struct {
	Parts
	Logger *slog.Logger
	Config Config

	engine       *gin.Engine
	metrics      *metrics
	limiters     sync.Map // token id → *rate.Limiter
	authFailures *authLimiter
	origins      *http.CrossOriginProtection
	jobs         *jobs
	trainMu      sync.Mutex // one training job at a time
}

// NewServer builds the routes. ready reports whether the service can take
// requests (the store and index are open).
func NewServer(parts Parts, logger *slog.Logger, cfg Config) *Server {
	gin.SetMode(gin.ReleaseMode)
	s := &Server{Parts: parts, Logger: logger, Config: cfg, engine: gin.New(), metrics: newMetrics(parts.Models, parts.Health),
		authFailures: newAuthLimiter(cfg.AuthFailureEvery, cfg.AuthFailureBurst), origins: http.NewCrossOriginProtection(), jobs: newJobs(logger)}
	s.engine.MaxMultipartMemory = cfg.MultipartMemory
	s.routes()
	return s
}

// StartingHandler answers while the service opens its parts: /healthz
// 200, /readyz and every other route 503 "starting", so that a load
// balancer and a user both know to wait.
func StartingHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Retry-After", "2")
		switch r.URL.Path {
		case "/healthz":
			w.Write([]byte(`{"status":"ok"}`))
		case "/readyz":
			w.WriteHeader(http.StatusServiceUnavailable)
			w.Write([]byte(`{"status":"starting"}`))
		default:
			w.WriteHeader(http.StatusServiceUnavailable)
			w.Write([]byte(`{"code":"unavailable","message":"服务正在启动（载入索引和模型），请稍候再试"}`))
		}
	})
}

// Handler is the service's http.Handler.
func (s *Server) Handler() http.Handler { return s.engine }

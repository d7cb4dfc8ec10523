// Package api is tian's HTTP service on gin: a JSON API under /api/v1, the
// embedded web pages, access control by hashed API tokens with roles,
// Prometheus metrics, and a Go client. It owns HTTP and nothing else: the
// store, the index and the models arrive as interfaces, wired in cmd.
package api

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/time/rate"

	"tian"
)

// Services is what the service asks of the index, the models and the
// files: implemented in cmd over the concrete parts.
type Services interface {
	Search(ctx context.Context, req tian.SearchRequest) (*tian.SearchResult, error)
	// Similar finds proposals like a stored one (number) or a text.
	Similar(ctx context.Context, number, title, body string, k, beforeYear int) ([]tian.Match, error)
	Groups(ctx context.Context, year int, session string, numbers []string, threshold float64) ([]tian.Group, error)
	Classify(ctx context.Context, title, body string, k int) (*tian.Suggestion, error)
	Route(ctx context.Context, title, body, category string, k int) (*tian.Routing, error)
	// CatchUp brings the index up to date with the store after a write.
	CatchUp(ctx context.Context) error
	// IndexStatus says how far the index lags behind the store.
	IndexStatus(ctx context.Context) IndexStatus
	// CheckSpace returns ENOSPACE when the data directory's disk cannot
	// take need more bytes and keep its reserve.
	CheckSpace(need int64) error
	// ImportFile imports a table (xlsx, csv, tsv, jsonl) and brings the
	// index up to date before it returns.
	ImportFile(ctx context.Context, req ImportRequest) (*tian.ImportReport, error)
	// Export writes proposals in a format (xlsx, csv, jsonl).
	Export(ctx context.Context, w io.Writer, format string, f tian.ProposalFilter) error
	// ExportGroups writes groups as a workbook for the staff meeting.
	ExportGroups(w io.Writer, groups []tian.Group) error
	// Train retrains the models from the store and swaps them in; it
	// reports its steps through progress.
	Train(ctx context.Context, progress func(step string)) (string, error)
	// Models names the serving models' versions.
	Models() map[string]string
}

// ImportRequest is one uploaded file to import.
type ImportRequest struct {
	Path   string // the file on disk
	Name   string // its name as uploaded, for messages
	Strict bool
	// ClearAbsent empties stored fields the file has no column for.
	ClearAbsent bool
	Actor       string
	// Progress, if set, is told the rows written so far.
	Progress func(done, total int)
}

// IndexStatus is the index's lag behind the store: changes committed to
// the store and not yet searchable, and why, when catching up failed.
type IndexStatus struct {
	Behind int64  `json:"behind"`
	Error  string `json:"error,omitempty"`
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
}

// DefaultConfig are the limits of a committee's intranet service.
func DefaultConfig() Config {
	return Config{MaxBodyBytes: 2 << 20, MaxUploadBytes: 50 << 20, MultipartMemory: 8 << 20, RatePerSecond: 100, RateBurst: 200,
		RequestTimeout: 60 * time.Second, SessionTTL: 12 * time.Hour, ImportWait: 20 * time.Second, JobTimeout: 2 * time.Hour,
		AuthFailureEvery: 3 * time.Second, AuthFailureBurst: 20}
}

// Server is the HTTP service.
type Server struct {
	Store    tian.Store
	Tokens   tian.TokenStore
	Services Services
	Logger   *slog.Logger
	Config   Config

	engine       *gin.Engine
	metrics      *metrics
	limiters     sync.Map // token id → *rate.Limiter
	authFailures *authLimiter
	origins      *http.CrossOriginProtection
	jobs         *jobs
	trainMu      sync.Mutex // one training job at a time
	ready        func() bool
}

// NewServer builds the routes. ready reports whether the service can take
// requests (the store and index are open).
func NewServer(store tian.Store, tokens tian.TokenStore, svc Services, logger *slog.Logger, cfg Config) *Server {
	gin.SetMode(gin.ReleaseMode)
	s := &Server{Store: store, Tokens: tokens, Services: svc, Logger: logger, Config: cfg, engine: gin.New(), metrics: newMetrics(svc),
		authFailures: newAuthLimiter(cfg.AuthFailureEvery, cfg.AuthFailureBurst), origins: http.NewCrossOriginProtection(), jobs: newJobs()}
	s.engine.MaxMultipartMemory = cfg.MultipartMemory
	s.routes()
	return s
}

// Handler is the service's http.Handler.
func (s *Server) Handler() http.Handler { return s.engine }

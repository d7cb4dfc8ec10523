// Command tian is the proposal office's language brain: segmentation now;
// import, search, similar proposals, classification, routing and the
// service as they land. Run `tian help` for the subcommands.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"tian"
	"tian/api"
	"tian/index"
	"tian/office"
	"tian/postgres"
	"tian/segment"
	"tian/sqlite"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	m := NewMain()
	err := m.Run(ctx, os.Args[1:])
	stop()
	m.Close()
	if err != nil {
		fmt.Fprintln(os.Stderr, "tian:", err)
		os.Exit(1)
	}
}

// Main wires the concrete parts together. It is the only place that reads
// flags and files for configuration; tests run it with their own streams.
type Main struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer

	// DataDir holds the database, the index and the models (--data).
	DataDir string
	// UserDicts are deployment dictionary files (--user-dict).
	UserDicts []string
	// Actor names who runs the command, for the audit log.
	Actor string
	// Server, when set, sends search, similar, classify and route to a
	// running tian service with Token instead of the local data directory.
	Server, Token string

	// DB is the system of record (--db, $TIAN_DATABASE_URL): a
	// postgres:// URL, or empty for SQLite in DataDir.
	DB string

	seg    *segment.Segmenter
	store  store
	index  *index.Index
	office *office.Office
	// minFree is the disk reserve writes keep (serve --min-free).
	minFree int64

	// listening, if set, is told the service's base URL once it listens
	// (tests start the service on port 0).
	listening func(baseURL string)
}

// NewMain returns a Main on the process's standard streams.
func NewMain() *Main {
	return &Main{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}
}

// Run parses args and runs the subcommand they name.
func (m *Main) Run(ctx context.Context, args []string) error {
	root := m.command()
	root.SetArgs(args)
	root.SetIn(m.Stdin)
	root.SetOut(m.Stdout)
	root.SetErr(m.Stderr)
	return root.ExecuteContext(ctx)
}

// Close releases what Run opened.
func (m *Main) Close() error {
	if m.index != nil {
		m.index.Close()
		m.index = nil
	}
	if m.store != nil {
		err := m.store.Close()
		m.store = nil
		return err
	}
	return nil
}

// Index opens the search index of the data directory, once, creating it
// or catching it up with the store. A data directory a running service
// holds is refused at once (the service holds the index's lock).
func (m *Main) Index(ctx context.Context) (*index.Index, error) {
	if m.index != nil {
		_, err := m.index.CatchUp(ctx)
		return m.index, err
	}
	if err := checkNotServed(m.DataDir); err != nil {
		return nil, err
	}
	db, err := m.Store(ctx)
	if err != nil {
		return nil, err
	}
	seg, err := m.Segmenter()
	if err != nil {
		return nil, err
	}
	ix, err := index.Open(ctx, m.DataDir, db, seg)
	if err != nil {
		return nil, err
	}
	// the similarity trained on this office's confirmed groups, if any;
	// else the embedded default
	pm, err := office.DataPairModel(m.DataDir)
	if err != nil {
		ix.Close()
		return nil, err
	}
	if pm != nil {
		ix.Relations().SetPairModel(pm)
	}
	m.index = ix
	return ix, nil
}

// Office composes the application layer over the data directory's parts,
// once.
func (m *Main) Office(ctx context.Context) (*office.Office, error) {
	if m.office != nil {
		return m.office, nil
	}
	cfg := office.Config{DataDir: m.DataDir, MinFree: m.minFree}
	ix, err := m.Index(ctx)
	switch {
	case err == nil:
		cfg.Index, cfg.Pairs = ix, ix.Relations()
	case tian.ErrorCode(err) == tian.ECONFLICT:
		// a service holds the index: the office works on the store alone,
		// and the service indexes what is written within seconds
	default:
		return nil, err
	}
	if cfg.Store, err = m.Store(ctx); err != nil {
		return nil, err
	}
	if cfg.Segmenter, err = m.Segmenter(); err != nil {
		return nil, err
	}
	m.office = office.New(cfg)
	return m.office, nil
}

// backend is what the reading commands ask: the local parts, or a
// service through the API client.
type backend interface {
	tian.Searcher
	Similar(ctx context.Context, req tian.SimilarRequest) ([]tian.Match, error)
	tian.Suggester
}

// local answers the reading commands from the data directory.
type local struct {
	*index.Index
	*office.Office
}

// Backend returns the API client with --server, else the local parts.
func (m *Main) Backend(ctx context.Context) (backend, error) {
	if m.Server != "" {
		if m.Token == "" {
			return nil, tian.Errorf(tian.EINVALID, "--server 需要令牌：请用 --token 或设置 $TIAN_TOKEN")
		}
		return api.NewClient(m.Server, m.Token), nil
	}
	ix, err := m.Index(ctx)
	if err != nil {
		return nil, err
	}
	o, err := m.Office(ctx)
	if err != nil {
		return nil, err
	}
	return local{ix, o}, nil
}

// store is what the commands ask of the system of record, on either
// engine.
type store interface {
	office.Store
	tian.TokenStore
	tian.GroupStore
	Counts(ctx context.Context) (map[string]int, error)
	// Check checks the database's integrity.
	Check(ctx context.Context) error
	Close() error
}

var (
	_ store = (*sqlite.DB)(nil)
	_ store = (*postgres.DB)(nil)
)

// Store opens the system of record once: PostgreSQL when --db (or
// $TIAN_DATABASE_URL) names one, else SQLite in the data directory.
func (m *Main) Store(ctx context.Context) (store, error) {
	if m.store != nil {
		return m.store, nil
	}
	var (
		db  store
		err error
	)
	if m.onPostgres() {
		db, err = postgres.Open(ctx, m.DB)
	} else {
		db, err = sqlite.Open(ctx, m.DataDir)
	}
	if err != nil {
		return nil, err
	}
	m.store = db
	return db, nil
}

// errPostgresBackup refuses the data-directory backup on PostgreSQL.
var errPostgresBackup = tian.Errorf(tian.EINVALID,
	"数据库为 PostgreSQL：请用 PostgreSQL 的工具备份和恢复（pg_dump / pg_restore，或 pg_basebackup 与流复制备库，见 README 的部署一节）；模型也保存在数据库中，检索索引由各副本自行重建")

// onPostgres says whether the system of record is a PostgreSQL database;
// the data directory then holds this replica's index and models cache.
func (m *Main) onPostgres() bool {
	return strings.HasPrefix(m.DB, "postgres://") || strings.HasPrefix(m.DB, "postgresql://")
}

func (m *Main) command() *cobra.Command {
	root := &cobra.Command{
		Use:           "tian",
		Short:         "tian（提案）：政协提案工作的检索、相似提案、分类与承办单位推荐",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.PersistentFlags().StringVar(&m.DataDir, "data", "./tian-data", "数据目录：数据库、检索索引、模型")
	root.PersistentFlags().StringVar(&m.DB, "db", os.Getenv("TIAN_DATABASE_URL"),
		"数据库：留空为数据目录中的 SQLite；postgres://… 为 PostgreSQL（多个副本共用，默认取 $TIAN_DATABASE_URL）")
	root.PersistentFlags().StringArrayVar(&m.UserDicts, "user-dict", nil,
		"附加词典文件（每行：词 [词频 [词性]]）；可重复，先给出的优先")
	root.PersistentFlags().StringVar(&m.Actor, "actor", defaultActor(), "执行命令的人，记入审计日志")
	root.PersistentFlags().StringVar(&m.Server, "server", "", "tian 服务的地址：search、similar、classify 和 route 改由该服务回答")
	root.PersistentFlags().StringVar(&m.Token, "token", os.Getenv("TIAN_TOKEN"), "--server 所用的 API 令牌（默认取 $TIAN_TOKEN）")
	root.AddCommand(
		(&versionCmd{m: m}).command(),
		(&segmentCmd{m: m}).command(),
		(&importCmd{m: m}).command(),
		(&importsCmd{m: m}).command(),
		(&undoImportCmd{m: m}).command(),
		(&exportCmd{m: m}).command(),
		(&statsCmd{m: m}).command(),
		(&demoCmd{m: m}).command(),
		(&unitsCmd{m: m}).command(),
		(&wordsCmd{m: m}).command(),
		(&searchCmd{m: m}).command(),
		(&similarCmd{m: m}).command(),
		(&groupCmd{m: m}).command(),
		(&duplicatesCmd{m: m}).command(),
		(&reindexCmd{m: m}).command(),
		(&evalCmd{m: m}).command(),
		(&benchCmd{m: m}).command(),
		(&classifyCmd{m: m}).command(),
		(&trainCmd{m: m}).command(),
		(&routeCmd{m: m}).command(),
		(&serveCmd{m: m}).command(),
		(&tokenCmd{m: m}).command(),
		(&loadtestCmd{m: m}).command(),
		(&backupCmd{m: m}).command(),
		(&restoreCmd{m: m}).command(),
		(&migrateCmd{m: m}).command(),
	)
	localize(root)
	return root
}

// Segmenter loads the segmenter once per process: the embedded domain
// dictionary and zh_s, plus the --user-dict files and the committee's
// accepted words.
func (m *Main) Segmenter() (*segment.Segmenter, error) {
	if m.seg != nil {
		return m.seg, nil
	}
	cfg := segment.DefaultConfig()
	for _, path := range m.UserDicts {
		d, err := readDictionary(path)
		if err != nil {
			return nil, err
		}
		cfg.User = append(cfg.User, d)
	}
	words, err := m.committeeWords()
	if err != nil {
		return nil, err
	}
	cfg.Committee = words
	s, err := segment.New(cfg)
	if err != nil {
		return nil, err
	}
	m.seg = s
	return s, nil
}

// committeeWords are the accepted words of the data directory's
// committee dictionary; none when the directory holds no database yet
// (a command that only cuts text does not create one).
func (m *Main) committeeWords() ([]string, error) {
	if _, err := os.Stat(filepath.Join(m.DataDir, sqlite.FileName)); err != nil && !m.onPostgres() {
		return nil, nil
	}
	ctx := context.Background()
	db, err := m.Store(ctx)
	if err != nil {
		return nil, err
	}
	ws, err := db.Words(ctx)
	if err != nil {
		return nil, err
	}
	return tian.AcceptedWords(ws), nil
}

// defaultActor is the operating-system user, prefixed cli: so that the
// audit log tells command-line changes from API ones.
func defaultActor() string {
	for _, k := range []string{"USER", "USERNAME", "LOGNAME"} {
		if v := os.Getenv(k); v != "" {
			return "cli:" + v
		}
	}
	return "cli"
}

// fileError says why a file named on the command line could not be read,
// as EINVALID naming it: what it is ("用户词典") and its path.
func fileError(what, path string, err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return tian.Errorf(tian.EINVALID, "%s %s 不存在", what, path)
	case errors.Is(err, fs.ErrPermission):
		return tian.Errorf(tian.EINVALID, "没有权限读取%s %s", what, path)
	}
	return tian.Errorf(tian.EINVALID, "无法读取%s %s（%v）", what, path, err)
}

func readDictionary(path string) (*segment.Dictionary, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fileError("用户词典", path, err)
	}
	defer f.Close()
	return segment.ParseDictionary(path, f)
}

package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"

	"tian"
	"tian/api"
	"tian/index"
	"tian/office"
)

type serveCmd struct {
	m       *Main
	addr    string
	host    string
	minFree int64
	timeout time.Duration
}

func (c *serveCmd) command() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "提供 API 和网页；数据目录为空时载入演示数据并给出登录链接",
		Args:  noArgs,
		RunE:  c.run,
	}
	cmd.Flags().StringVar(&c.addr, "addr", ":8080", "监听地址")
	cmd.Flags().StringVar(&c.host, "host", "", "登录链接中的主机名（默认：localhost）")
	cmd.Flags().DurationVar(&c.timeout, "request-timeout", api.DefaultConfig().RequestTimeout, "单个请求的最长用时，超时以 504 终止；导入和训练作为后台任务继续")
	cmd.Flags().Int64Var(&c.minFree, "min-free", office.DefaultMinFree, "数据目录所在磁盘须保留的空闲字节数；低于此值时写入返回 507，查询照常")
	return cmd
}

// run listens first and answers "starting" (503, /readyz too) while it
// opens the store and the index, loads the demo corpus into an empty data
// directory and the models; then it swaps the real service in.
func (c *serveCmd) run(cmd *cobra.Command, _ []string) error {
	ctx := cmd.Context()
	logger := slog.New(slog.NewJSONHandler(c.m.Stderr, nil))
	if err := checkNotServed(c.m.DataDir); err != nil {
		return err
	}
	if err := os.MkdirAll(c.m.DataDir, 0o700); err != nil {
		return tian.Errorf(tian.EINVALID, "无法创建数据目录 %s：%v", c.m.DataDir, err)
	}
	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return tian.Errorf(tian.EINVALID, "无法监听 %s：%v", c.addr, err)
	}
	base := c.baseURL(ln.Addr())
	unmark, err := markServed(c.m.DataDir, base)
	if err != nil {
		ln.Close()
		return err
	}
	defer unmark()
	var handler atomic.Pointer[http.Handler]
	starting := api.StartingHandler()
	handler.Store(&starting)
	hs := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { (*handler.Load()).ServeHTTP(w, r) }),
		ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 5 * time.Minute, WriteTimeout: 5 * time.Minute, IdleTimeout: 2 * time.Minute}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	defer hs.Close()

	c.m.minFree = c.minFree
	t0 := time.Now()
	o, err := c.m.Office(ctx)
	if err != nil {
		return err
	}
	opened := time.Since(t0)
	db, ix := c.m.store, c.m.index
	fresh, err := o.EnsureDemo(ctx)
	if err != nil {
		return err
	}
	// load the models now: a broken model fails the start, not a request
	t1 := time.Now()
	if err := o.LoadModels(ctx); err != nil {
		return err
	}
	models := time.Since(t1)
	// the index keeps at least the writes' reserve, so that a write the
	// guard let through has room to be indexed, or waits for it
	ix.SetReserve(uint64(max(c.minFree, index.DefaultReserve)))
	cfg := api.DefaultConfig()
	cfg.RequestTimeout = c.timeout
	cfg.GroupThreshold = ix.Relations().DefaultThreshold()
	parts, err := officeParts(db, ix, o)
	if err != nil {
		return err
	}
	curation, err := office.NewCuration(ctx, db, ix.Relations())
	if err != nil {
		return err
	}
	curation.Log = func(msg string) { logger.Warn(msg) }
	parts.Curate = curation
	// the sign-in link is printed before the service says it is ready, so
	// that whoever waits for /readyz finds it
	if fresh {
		secret, _, err := db.CreateToken(ctx, "admin", tian.RoleAdmin, "serve:first-start")
		if err != nil {
			return err
		}
		where := c.m.DataDir
		if c.m.onPostgres() {
			where = "PostgreSQL 数据库"
		}
		fmt.Fprintf(c.m.Stdout, "tian：已将演示数据载入 %s。\n", where)
		fmt.Fprintf(c.m.Stdout, "tian：请用此链接登录（内含新的管理员令牌，请勿外传）：\n\n    %s/signin?token=%s\n\n", base, secret)
	} else {
		fmt.Fprintf(c.m.Stdout, "tian：正在 %s 提供 %s 的服务（创建令牌：tian token create --role admin --name 姓名）\n", base, c.m.DataDir)
	}
	ready := api.NewServer(parts, logger, cfg).Handler()
	handler.Store(&ready)
	// where the start's time went: the segmenter, store and index, then the models
	logger.Info("ready", "ms", time.Since(t0).Milliseconds(), "open_ms", opened.Milliseconds(), "models_ms", models.Milliseconds())
	// polling covers what a shared store's notifications miss
	poll := 5 * time.Second
	if c.m.onPostgres() {
		poll = time.Second
	}
	go o.KeepIndexCaughtUp(ctx, logger, poll)
	// models another replica trained, when the store keeps them
	go o.KeepModels(ctx, logger, 2*time.Second)
	// the grouping threshold another replica learnt
	go curation.KeepFresh(ctx, 5*time.Second)
	// the committee's words: in force at once (after a crash during a
	// re-analysis, the index is analysed again), then after each decision
	go o.KeepVocabulary(ctx, logger, 10*time.Second)
	if c.m.listening != nil {
		c.m.listening(base)
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	shutdown, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// officeParts are the service's parts over the data directory: the store,
// the index and the application layer, one per interface the API takes.
func officeParts(db store, ix *index.Index, o *office.Office) (api.Parts, error) {
	rv, err := office.NewReviewer(office.ReviewerConfig{Store: db, Suggest: o, Relate: ix, Filer: o})
	if err != nil {
		return api.Parts{}, err
	}
	return api.Parts{Store: db, Tokens: db, Search: ix, Relate: ix, Duplicates: ix, Suggest: o, Review: rv, Models: o, Import: o, Export: o, Stats: o, Health: o, Imports: o, Words: o}, nil
}

func (c *serveCmd) baseURL(addr net.Addr) string {
	host := c.host
	_, port, _ := net.SplitHostPort(addr.String())
	if host == "" {
		host = "localhost"
		if h, _, err := net.SplitHostPort(c.addr); err == nil && h != "" && h != "0.0.0.0" && h != "::" {
			host = h
		}
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	return "http://" + host + ":" + port
}

type tokenCmd struct {
	m    *Main
	role string
	name string
	json bool
}

func (c *tokenCmd) command() *cobra.Command {
	cmd := &cobra.Command{Use: "token", Short: "API 令牌：创建、列出、吊销"}
	create := &cobra.Command{
		Use:   "create",
		Short: "创建令牌；密钥只显示这一次",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			role, err := tian.ParseRole(c.role)
			if err != nil {
				return err
			}
			db, err := c.m.Store(cmd.Context())
			if err != nil {
				return err
			}
			secret, t, err := db.CreateToken(cmd.Context(), c.name, role, c.m.Actor)
			if err != nil {
				return err
			}
			fmt.Fprintf(c.m.Stdout, "令牌 %d（%s，%s）：%s\n", t.ID, t.Name, t.Role, secret)
			return nil
		},
	}
	create.Flags().StringVar(&c.role, "role", "member", "角色：member、reviewer、staff 或 admin")
	create.Flags().StringVar(&c.name, "name", "", "令牌给谁用")
	list := &cobra.Command{
		Use:   "list",
		Short: "列出令牌",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			db, err := c.m.Store(cmd.Context())
			if err != nil {
				return err
			}
			ts, err := db.Tokens(cmd.Context())
			if err != nil {
				return err
			}
			for _, t := range ts {
				state := "有效"
				if t.RevokedAt != "" {
					state = "已吊销 " + t.RevokedAt
				}
				fmt.Fprintf(c.m.Stdout, "%d\t%s\t%s\t%s\t%s\n", t.ID, t.Name, t.Role, t.CreatedAt, state)
			}
			return nil
		},
	}
	revoke := &cobra.Command{
		Use:   "revoke 编号",
		Short: "吊销令牌，并结束其登录会话",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var id int64
			if _, err := fmt.Sscan(args[0], &id); err != nil {
				return tian.Errorf(tian.EINVALID, "令牌编号须为数字，收到 %q", args[0])
			}
			db, err := c.m.Store(cmd.Context())
			if err != nil {
				return err
			}
			return db.RevokeToken(cmd.Context(), id, c.m.Actor)
		},
	}
	cmd.AddCommand(create, list, revoke)
	return cmd
}

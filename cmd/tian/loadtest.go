package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"sort"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"tian"
	"tian/api"
)

type loadtestCmd struct {
	m        *Main
	clients  int
	duration time.Duration
}

func (c *loadtestCmd) command() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "loadtest",
		Short: "在本机回环地址上对服务做限时压力测试：多个客户端并发分类和检索，给出 p50/p99 和错误数",
		Long: `在本进程中于 127.0.0.1 启动服务，演示数据放在临时数据目录；每个客户端有自己的令牌
（取消了按令牌的限流：测的是容量）；先分类、再检索，各运行 --duration，每个客户端收到答复后
再发下一个请求。
流量只走本机回环地址，到时自行停止。`,
		Args: noArgs,
		RunE: c.run,
	}
	cmd.Flags().IntVar(&c.clients, "clients", 32, "并发客户端数")
	cmd.Flags().DurationVar(&c.duration, "duration", 10*time.Second, "每个阶段的运行时长")
	return cmd
}

func (c *loadtestCmd) run(cmd *cobra.Command, _ []string) error {
	ctx := cmd.Context()
	if c.clients < 1 || c.clients > 1000 || c.duration <= 0 || c.duration > 10*time.Minute {
		return tian.Errorf(tian.EINVALID, "--clients must be 1–1000 and --duration at most 10m")
	}
	dir, err := os.MkdirTemp("", "tian-loadtest-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	sm := &Main{Stdout: io.Discard, Stderr: io.Discard, DataDir: dir, seg: c.m.seg, UserDicts: c.m.UserDicts}
	defer sm.Close()
	o, err := sm.Office(ctx)
	if err != nil {
		return err
	}
	if _, err := o.EnsureDemo(ctx); err != nil {
		return err
	}
	if err := o.LoadModels(ctx); err != nil {
		return err
	}
	db := sm.store
	// the per-token rate limit is lifted: this measures capacity, not the limiter
	cfg := api.DefaultConfig()
	cfg.RatePerSecond, cfg.RateBurst = 1e9, 1e9
	parts, err := officeParts(db, sm.index, o)
	if err != nil {
		return err
	}
	srv := api.NewServer(parts, slog.New(slog.NewTextHandler(io.Discard, nil)), cfg)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: srv.Handler()}
	go hs.Serve(ln)
	defer hs.Close()
	base := "http://" + ln.Addr().String()
	tokens := make([]string, c.clients)
	for i := range tokens {
		if tokens[i], _, err = db.CreateToken(ctx, fmt.Sprintf("load-%d", i), tian.RoleReviewer, "loadtest"); err != nil {
			return err
		}
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: c.clients}, Timeout: 30 * time.Second}
	texts := []string{
		`{"title":"关于加快发展社区嵌入式养老服务的提案","body":"城东区近四成社区没有养老服务站点，建议建设嵌入式养老服务设施，推动医养结合。"}`,
		`{"title":"关于推行涉企检查综合查一次的提案","body":"企业反映多头检查、重复检查，影响营商环境，建议推行跨部门联合检查。"}`,
		`{"title":"关于培育专精特新中小企业的提案","body":"我市专精特新企业数量偏少，建议设立专项资金，支持企业数字化转型。"}`,
	}
	queries := []string{"加装电梯", "专精特新 融资", "\"老年助餐\"", "停车 -城东区", "类别:文化建设 夜游", "托育 OR 一老一小"}
	fmt.Fprintf(c.m.Stdout, "| endpoint | clients | requests | throughput | p50 | p99 | errors |\n|---|---|---|---|---|---|---|\n")
	for _, phase := range []struct {
		name string
		req  func(i int, tok string) (*http.Request, error)
	}{
		{"POST /api/v1/classify", func(i int, tok string) (*http.Request, error) {
			r, err := http.NewRequest("POST", base+"/api/v1/classify", bytes.NewBufferString(texts[i%len(texts)]))
			if err == nil {
				r.Header.Set("Content-Type", "application/json")
			}
			return r, err
		}},
		{"GET /api/v1/search", func(i int, tok string) (*http.Request, error) {
			return http.NewRequest("GET", base+"/api/v1/search?q="+url.QueryEscape(queries[i%len(queries)]), nil)
		}},
	} {
		lat, errs, took := c.phase(ctx, client, tokens, phase.req)
		sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
		p := func(q int) time.Duration {
			if len(lat) == 0 {
				return 0
			}
			return lat[min(len(lat)-1, len(lat)*q/100)].Round(10 * time.Microsecond)
		}
		fmt.Fprintf(c.m.Stdout, "| %s | %d | %d | %.0f/s | %s | %s | %d |\n", phase.name, c.clients, len(lat)+errs,
			float64(len(lat)+errs)/took.Seconds(), p(50), p(99), errs)
	}
	return nil
}

// phase runs every client for the duration and returns the latencies of
// the successful requests and the count of failed ones.
func (c *loadtestCmd) phase(ctx context.Context, client *http.Client, tokens []string,
	newReq func(int, string) (*http.Request, error)) ([]time.Duration, int, time.Duration) {
	var mu sync.Mutex
	var lat []time.Duration
	errs := 0
	start := time.Now()
	deadline := start.Add(c.duration)
	var wg sync.WaitGroup
	for k, tok := range tokens {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			bad := 0
			for i := k; time.Now().Before(deadline) && ctx.Err() == nil; i++ {
				req, err := newReq(i, tok)
				if err != nil {
					bad++
					continue
				}
				req.Header.Set("Authorization", "Bearer "+tok)
				t0 := time.Now()
				res, err := client.Do(req)
				if err != nil {
					bad++
					continue
				}
				var sink json.RawMessage
				json.NewDecoder(res.Body).Decode(&sink)
				res.Body.Close()
				if res.StatusCode != http.StatusOK {
					bad++
					continue
				}
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			lat, errs = append(lat, mine...), errs+bad
			mu.Unlock()
		}()
	}
	wg.Wait()
	return lat, errs, time.Since(start)
}

package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"tian"
	"tian/index"
	"tian/postgres"
	"tian/relate"
	"tian/segment"
	"tian/sheet"
	"tian/sqlite"
	"tian/synth"
)

type benchCmd struct {
	m        *Main
	n        int
	nQueries int
	group    int
	dir      string
	profile  string
	withPeer bool
	serve    bool
}

func (c *benchCmd) command() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "大规模下的速度和容量：导入、建索引、检索和相似提案的延迟、分组、磁盘、内存",
		Long: `把演示数据的句子重新组合（synth 包），扩充到 --n 件提案，导入新的数据目录并建索引，
再以 Markdown 表格输出各项数据。`,
		Example: `  tian bench --n 100000
  tian bench --n 5000 --group 2000
  tian bench --n 20000 --db postgres://tian@127.0.0.1:5432/tian   # PostgreSQL（在临时 schema 中）与两个副本`,
		Args: noArgs,
		RunE: c.run,
	}
	f := cmd.Flags()
	f.IntVar(&c.n, "n", 100_000, "生成的提案件数")
	f.IntVar(&c.nQueries, "queries", 300, "计时的检索和相似提案请求数")
	f.IntVar(&c.group, "group", 5000, "一次分组的提案件数")
	f.StringVar(&c.dir, "dir", "", "本次运行的数据目录（默认：临时目录，用后删除）；已有同样 --n 的 bench 数据时直接使用，不再导入和建索引")
	f.BoolVar(&c.withPeer, "peer", true, "同样的提案也建一个开箱即用的 bleve 索引（默认映射、CJK 二元分析器）作对照，并列输出")
	f.BoolVar(&c.serve, "serve", true, "再以独立进程运行 tian serve：就绪用时，以及检索、相似、列表、分类、分组混合负载后的常驻内存")
	f.StringVar(&c.profile, "profile", "", "把各项的 CPU 剖析（cpu-search.pprof 等）和结束时的堆剖析写入该目录，供 go tool pprof 查看")
	return cmd
}

// benchRow is a measure, tian's figure and, where the peer (bleve out of
// the box) was measured on the same, the peer's.
type benchRow struct{ what, value, peer string }

func (c *benchCmd) run(cmd *cobra.Command, _ []string) error {
	ctx := cmd.Context()
	if c.n < 1 || c.nQueries < 1 || c.group < 2 {
		return tian.Errorf(tian.EINVALID, "--n, --queries and --group must be positive")
	}
	dir := c.dir
	if dir == "" {
		tmp, err := os.MkdirTemp("", "tian-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	var rows []benchRow
	add := func(what, format string, args ...any) {
		rows = append(rows, benchRow{what: what, value: fmt.Sprintf(format, args...)})
		fmt.Fprintf(c.m.Stderr, "%s: %s\n", what, rows[len(rows)-1].value)
	}
	addPeer := func(what, format string, args ...any) {
		v := fmt.Sprintf(format, args...)
		fmt.Fprintf(c.m.Stderr, "peer, %s: %s\n", what, v)
		for i := range rows {
			if rows[i].what == what {
				rows[i].peer = v
				return
			}
		}
		rows = append(rows, benchRow{what: what, value: "—", peer: v})
	}
	t0 := time.Now()
	seg, err := c.m.Segmenter()
	if err != nil {
		return err
	}
	add("segmenter load", "%s", time.Since(t0).Round(time.Millisecond))
	var db store
	engine := "SQLite"
	if c.m.onPostgres() {
		// a schema of its own on the server, dropped at the end
		url, drop, err := postgres.NewSchema(ctx, c.m.DB, "tian_bench_")
		if err != nil {
			return err
		}
		defer drop()
		if db, err = postgres.Open(ctx, url); err != nil {
			return err
		}
		engine = "PostgreSQL"
	} else if db, err = sqlite.Open(ctx, dir); err != nil {
		return err
	}
	defer db.Close()
	counts, err := db.Counts(ctx)
	if err != nil {
		return err
	}
	reuse := counts["proposals"] == c.n && engine == "SQLite"
	var corpus []*tian.Proposal
	if reuse {
		corpus, err = tian.ReadDemo()
	} else {
		corpus, err = c.loadCorpus(ctx, db)
	}
	if err != nil {
		return err
	}
	gen := synth.New(corpus, 1)
	if c.profile != "" {
		if err := os.MkdirAll(c.profile, 0o755); err != nil {
			return err
		}
	}
	ix, err := c.build(ctx, db, dir, seg, gen, reuse, engine, add)
	if err != nil {
		return err
	}
	closeIndex := sync.OnceValue(ix.Close)
	defer closeIndex()
	size, _ := ix.DiskSize()
	dbSize := fileSize(filepath.Join(dir, sqlite.FileName)) + fileSize(filepath.Join(dir, sqlite.FileName+"-wal"))
	if engine == "SQLite" {
		add("index size on disk", "%.1f MB (%.1f KB a proposal); database %.1f MB", float64(size)/1e6, float64(size)/1e3/float64(c.n), float64(dbSize)/1e6)
	} else {
		add("index size on disk", "%.1f MB (%.1f KB a proposal)", float64(size)/1e6, float64(size)/1e3/float64(c.n))
	}
	// the same searches for tian, the peer, the replicas and the service
	queries := c.queries(seg, gen)
	if err := c.measure(ctx, db, ix, seg, gen, queries, add); err != nil {
		return err
	}
	if c.withPeer {
		if err := c.peer(ctx, dir, gen, queries, addPeer); err != nil {
			return err
		}
	}
	if pg, ok := db.(*postgres.DB); ok {
		if err := c.replicas(ctx, pg, ix, dir, seg, queries, add); err != nil {
			return err
		}
	}
	add("memory of the bench", "RSS %s, peak %s", procStatus("VmRSS"), procStatus("VmHWM"))
	if err := c.writeHeapProfile(); err != nil {
		return err
	}
	if c.serve && engine == "SQLite" {
		// the service opens the index itself: one writer at a time
		if err := closeIndex(); err != nil {
			return err
		}
		if err := c.served(ctx, db, dir, gen, queries, add); err != nil {
			return err
		}
	}
	printTable(c.m.Stdout, rows)
	return nil
}

// build imports the generated proposals and builds the index, or, when
// the directory already holds them (reuse), opens the index.
func (c *benchCmd) build(ctx context.Context, db store, dir string, seg *segment.Segmenter, gen *synth.Generator, reuse bool, engine string,
	add func(what, format string, args ...any)) (*index.Index, error) {
	if reuse {
		t0 := time.Now()
		ix, err := index.Open(ctx, dir, db, seg)
		if err != nil {
			return nil, err
		}
		add("reused", "%d proposals already in %s, index opened in %s", c.n, dir, time.Since(t0).Round(time.Millisecond))
		return ix, nil
	}
	t0 := time.Now()
	const chunk = 10_000
	for start := 0; start < c.n; start += chunk {
		recs := make([]tian.Record, 0, chunk)
		for i := start; i < min(start+chunk, c.n); i++ {
			recs = append(recs, tian.Record{Row: i + 2, Proposal: gen.Proposal(i)})
		}
		rep, err := db.ImportProposals(ctx, recs, tian.ImportOptions{File: "bench", Actor: "bench"})
		if err != nil {
			return nil, err
		}
		if rep.Rejected > 0 {
			return nil, tian.Errorf(tian.EINTERNAL, "bench: %d generated rows rejected: %v", rep.Rejected, rep.Errors[0].Error())
		}
	}
	took := time.Since(t0)
	add("import into "+engine, "%d proposals in %s (%.0f/s)", c.n, took.Round(time.Millisecond), float64(c.n)/took.Seconds())
	t0 = time.Now()
	ix, err := index.Rebuild(ctx, dir, db, seg)
	if err != nil {
		return nil, err
	}
	took = time.Since(t0)
	add("index build", "%s (%.0f proposals/s)", took.Round(time.Millisecond), float64(c.n)/took.Seconds())
	return ix, nil
}

// queries are the timed searches: one or two keywords of a proposal.
func (c *benchCmd) queries(seg *segment.Segmenter, gen *synth.Generator) []string {
	rng := rand.New(rand.NewPCG(2, 3))
	queries := make([]string, c.nQueries)
	for i := range c.nQueries {
		p := gen.Proposal(rng.IntN(c.n))
		var words []string
		for _, k := range seg.Keywords(p.Title+"\n"+p.Body, 1+rng.IntN(2), nil) {
			words = append(words, k.Text)
		}
		queries[i] = strings.Join(words, " ")
	}
	return queries
}

// measure times search, similar, grouping and a year's 查重, each under
// a CPU profile of its own when --profile is given.
func (c *benchCmd) measure(ctx context.Context, db store, ix *index.Index, seg *segment.Segmenter, gen *synth.Generator, queries []string,
	add func(what, format string, args ...any)) error {
	rng := rand.New(rand.NewPCG(5, 7))
	numbers := make([]string, c.nQueries)
	for i := range c.nQueries {
		numbers[i] = gen.Proposal(rng.IntN(c.n)).Number
	}
	err := c.profiled("search", func() error {
		lat, err := timeEach(c.nQueries, func(i int) error {
			_, err := ix.Search(ctx, tian.SearchRequest{Query: queries[i], Size: 10})
			return err
		})
		if err == nil {
			add("search latency", "p50 %s, p99 %s (10 hits, 3 facets, snippets)", lat(50), lat(99))
		}
		return err
	})
	if err != nil {
		return err
	}
	err = c.profiled("similar", func() error {
		lat, err := timeEach(c.nQueries, func(i int) error {
			_, err := ix.Similar(ctx, tian.SimilarRequest{Number: numbers[i], K: 10})
			return err
		})
		if err == nil {
			add("similar latency (k=10 of 50 candidates, copies aligned)", "p50 %s, p99 %s", lat(50), lat(99))
		}
		return err
	})
	if err != nil {
		return err
	}
	set := make([]string, 0, c.group)
	for _, i := range rng.Perm(c.n)[:min(c.group, c.n)] {
		set = append(set, gen.Proposal(i).Number)
	}
	err = c.profiled("group", func() error {
		t0 := time.Now()
		groups, err := ix.Groups(ctx, tian.GroupRequest{Numbers: set})
		if err != nil {
			return err
		}
		add("grouping", "%d proposals in %s (%d groups)", len(set), time.Since(t0).Round(time.Millisecond), len(groups))
		// a city's year: about 700 proposals
		year := set[:min(cityYear, len(set))]
		t0 = time.Now()
		if groups, err = ix.Groups(ctx, tian.GroupRequest{Numbers: year}); err != nil {
			return err
		}
		add("grouping a year", "%d proposals in %s (%d groups)", len(year), time.Since(t0).Round(time.Millisecond), len(groups))
		return nil
	})
	if err != nil {
		return err
	}
	// a year's 查重: every pair of a city's year that repeats each other
	byNumber, err := db.ProposalsByNumber(ctx, set[:min(cityYear, len(set))])
	if err != nil {
		return err
	}
	year := make([]*tian.Proposal, 0, len(byNumber))
	for _, p := range byNumber {
		year = append(year, p)
	}
	return c.profiled("duplicates", func() error {
		t0 := time.Now()
		pairs := relate.NewCopyComparer(seg, relate.DefaultCopyParams()).FindCopies(year)
		add("查重 of a year", "%d proposals, all pairs, in %s (%d pairs repeat each other)", len(year), time.Since(t0).Round(time.Millisecond), len(pairs))
		return nil
	})
}

// profiled runs fn under a CPU profile written to cpu-<name>.pprof in
// the --profile directory, or just runs it.
func (c *benchCmd) profiled(name string, fn func() error) error {
	if c.profile == "" {
		return fn()
	}
	f, err := os.Create(filepath.Join(c.profile, "cpu-"+name+".pprof"))
	if err != nil {
		return err
	}
	defer f.Close()
	if err := pprof.StartCPUProfile(f); err != nil {
		return err
	}
	err = fn()
	pprof.StopCPUProfile()
	return err
}

// writeHeapProfile writes heap.pprof to the --profile directory.
func (c *benchCmd) writeHeapProfile() error {
	if c.profile == "" {
		return nil
	}
	f, err := os.Create(filepath.Join(c.profile, "heap.pprof"))
	if err != nil {
		return err
	}
	defer f.Close()
	runtime.GC()
	return pprof.WriteHeapProfile(f)
}

// cityYear is the proposals a city committee receives in a year.
const cityYear = 700

// loadCorpus loads the demo units and returns the demo proposals to
// recombine.
func (c *benchCmd) loadCorpus(ctx context.Context, db store) ([]*tian.Proposal, error) {
	units, err := sheet.ReadUnitsFS(tian.DemoFS(), tian.DemoUnits)
	if err != nil {
		return nil, err
	}
	if err := db.ImportUnits(ctx, units, "bench"); err != nil {
		return nil, err
	}
	ps, err := tian.ReadDemo()
	return ps, err
}

// timeEach runs fn n times and returns a percentile function over the
// latencies.
func timeEach(n int, fn func(int) error) (func(p int) time.Duration, error) {
	lat := make([]time.Duration, n)
	for i := range n {
		t0 := time.Now()
		if err := fn(i); err != nil {
			return nil, err
		}
		lat[i] = time.Since(t0)
	}
	return percentiles(lat), nil
}

// percentiles returns a percentile function over latencies.
func percentiles(lat []time.Duration) func(p int) time.Duration {
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	return func(p int) time.Duration {
		i := min(len(lat)-1, (len(lat)*p+99)/100-1)
		return lat[max(i, 0)].Round(10 * time.Microsecond)
	}
}

func printTable(w io.Writer, rows []benchRow) {
	peer := false
	for _, r := range rows {
		peer = peer || r.peer != ""
	}
	if !peer {
		fmt.Fprintln(w, "| measure | tian |")
		fmt.Fprintln(w, "|---|---|")
		for _, r := range rows {
			fmt.Fprintf(w, "| %s | %s |\n", r.what, r.value)
		}
		return
	}
	fmt.Fprintln(w, "| measure | tian | bleve out of the box |")
	fmt.Fprintln(w, "|---|---|---|")
	for _, r := range rows {
		p := r.peer
		if p == "" {
			p = "—"
		}
		fmt.Fprintf(w, "| %s | %s | %s |\n", r.what, r.value, p)
	}
}

func fileSize(path string) int64 {
	st, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return st.Size()
}

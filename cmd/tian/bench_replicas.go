package main

import (
	"context"
	"fmt"
	"os"
	"sync"
	"time"

	"tian"
	"tian/index"
	"tian/postgres"
	"tian/segment"
)

// replicas measures what a second replica on the same database gives: the
// time its index takes to follow a write committed through the first
// (LISTEN/NOTIFY, then catch-up), and search latency under four
// concurrent clients on one replica and spread over two. Both replicas
// run in this process, each with its own index, as two tian serve
// processes would on this machine.
func (c *benchCmd) replicas(ctx context.Context, db *postgres.DB, first *index.Index, dir string, seg *segment.Segmenter, queries []string, add func(string, string, ...any)) error {
	dir2, err := os.MkdirTemp(dir, "replica-b-")
	if err != nil {
		return err
	}
	t0 := time.Now()
	second, err := index.Open(ctx, dir2, db, seg)
	if err != nil {
		return err
	}
	defer second.Close()
	add("second replica's index from the change log", "%s", time.Since(t0).Round(time.Millisecond))

	// the second replica follows the first's writes as tian serve does
	watch, stop := context.WithCancel(ctx)
	defer stop()
	woken := make(chan struct{}, 1)
	go db.WatchChanges(watch, func() {
		select {
		case woken <- struct{}{}:
		default:
		}
	})
	go func() {
		for {
			select {
			case <-watch.Done():
				return
			case <-woken:
				second.CatchUp(watch)
			}
		}
	}()
	time.Sleep(200 * time.Millisecond) // the LISTEN in place
	const writes = 100
	lags := make([]time.Duration, 0, writes)
	for i := range writes {
		p := tian.Proposal{Number: fmt.Sprintf("B%05d", i), Year: 2026, Title: "关于完善城南区社区食堂运营补贴机制的提案",
			Body: "城南区社区食堂运营成本高、补贴到位慢，建议建立按就餐人次补贴的机制。", Proposer: "王芳"}
		start := time.Now()
		if _, err := db.ImportProposals(ctx, []tian.Record{{Row: 2, Proposal: p}}, tian.ImportOptions{File: "bench", Actor: "bench"}); err != nil {
			return err
		}
		want, err := db.LastChange(ctx)
		if err != nil {
			return err
		}
		for {
			got, err := second.LastChange()
			if err != nil {
				return err
			}
			if got >= want {
				break
			}
			if time.Since(start) > 30*time.Second {
				return tian.Errorf(tian.EINTERNAL, "bench: the second replica did not follow a write within 30 s")
			}
			time.Sleep(200 * time.Microsecond)
		}
		lags = append(lags, time.Since(start))
	}
	stop()
	lag := percentiles(lags)
	add("write on one replica → searchable on the other", "p50 %s, p99 %s (%d writes, commit included)", lag(50), lag(99), writes)
	if _, err := first.CatchUp(ctx); err != nil {
		return err
	}
	for _, spread := range []struct {
		name string
		ixs  []*index.Index
	}{{"one replica", []*index.Index{first}}, {"two replicas", []*index.Index{first, second}}} {
		lat, per, err := concurrentSearch(ctx, spread.ixs, queries, 4)
		if err != nil {
			return err
		}
		add("search, 4 concurrent clients, "+spread.name, "p50 %s, p99 %s, %.0f searches/s", lat(50), lat(99), per)
	}
	return nil
}

// concurrentSearch runs the queries from clients goroutines, client i on
// replica i mod len(ixs), and returns the latency percentiles and the
// throughput.
func concurrentSearch(ctx context.Context, ixs []*index.Index, queries []string, clients int) (func(int) time.Duration, float64, error) {
	lats := make([][]time.Duration, clients)
	errs := make([]error, clients)
	var wg sync.WaitGroup
	start := time.Now()
	for cl := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ix := ixs[cl%len(ixs)]
			for i := cl; i < len(queries); i += clients {
				t0 := time.Now()
				if _, err := ix.Search(ctx, tian.SearchRequest{Query: queries[i], Size: 10}); err != nil {
					errs[cl] = err
					return
				}
				lats[cl] = append(lats[cl], time.Since(t0))
			}
		}()
	}
	wg.Wait()
	took := time.Since(start)
	var all []time.Duration
	for cl := range clients {
		if errs[cl] != nil {
			return nil, 0, errs[cl]
		}
		all = append(all, lats[cl]...)
	}
	return percentiles(all), float64(len(all)) / took.Seconds(), nil
}

package main

import (
	"context"
	"os"
	"path/filepath"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"

	"tian/index"
	"tian/synth"
)

// peerDir is where the bench builds the peer's index, in its directory.
const peerDir = "peer.bleve"

// peer builds the bench's proposals into a bleve index as an integrator
// would out of the box: the default mapping (every field indexed and
// stored, term vectors included) with bleve's CJK analyzer (character
// bigrams) as the default, searched with bleve's query string syntax
// for 10 hits with highlighted fragments. A directory holding the peer
// index of a previous run is reused.
func (c *benchCmd) peer(ctx context.Context, dir string, gen *synth.Generator, queries []string, add func(what, format string, args ...any)) error {
	path := filepath.Join(dir, peerDir)
	var idx bleve.Index
	if old, err := bleve.Open(path); err == nil {
		// bleve.Open answers a typed nil on error: only a good one is kept
		if n, _ := old.DocCount(); n == uint64(c.n) {
			idx = old
		} else {
			old.Close()
		}
	}
	if idx == nil {
		if err := os.RemoveAll(path); err != nil {
			return err
		}
	}
	if idx == nil {
		m := bleve.NewIndexMapping()
		m.DefaultAnalyzer = cjk.AnalyzerName
		var err error
		if idx, err = bleve.New(path, m); err != nil {
			return err
		}
		t0 := time.Now()
		b := idx.NewBatch()
		for i := range c.n {
			p := gen.Proposal(i)
			doc := map[string]any{"title": p.Title, "body": p.Body, "year": p.Year, "category": p.Category, "lead_unit": p.LeadUnit,
				"proposer": p.Proposer, "status": string(p.Status), "reply": p.Reply}
			if err := b.Index(p.Number, doc); err != nil {
				return err
			}
			if b.Size() == 1000 {
				if err := idx.Batch(b); err != nil {
					return err
				}
				b.Reset()
			}
			if i%1000 == 0 && ctx.Err() != nil {
				return ctx.Err()
			}
		}
		if err := idx.Batch(b); err != nil {
			return err
		}
		took := time.Since(t0)
		add("index build", "%s (%.0f proposals/s)", took.Round(time.Millisecond), float64(c.n)/took.Seconds())
	}
	defer idx.Close()
	size, err := index.DirSize(path)
	if err != nil {
		return err
	}
	add("index size on disk", "%.1f MB (%.1f KB a proposal)", float64(size)/1e6, float64(size)/1e3/float64(c.n))
	lat, err := timeEach(len(queries), func(i int) error {
		req := bleve.NewSearchRequestOptions(bleve.NewQueryStringQuery(queries[i]), 10, 0, false)
		req.Highlight = bleve.NewHighlight()
		_, err := idx.SearchInContext(ctx, req)
		return err
	})
	if err != nil {
		return err
	}
	add("search latency", "p50 %s, p99 %s (query string, 10 hits, highlighted)", lat(50), lat(99))
	return nil
}

package index

import (
	"math"
	"strconv"

	"tian"
)

// corpusStats are the document frequencies of the indexed text, read from
// bleve's term dictionary of the body field, for IDF.
type corpusStats struct {
	n  int
	df map[string]int
}

// IDF implements IDF: ln((N+1)/(df+1)) + 1.
func (c *corpusStats) IDF(term string) float64 {
	return math.Log(float64(c.n+1)/float64(c.df[term]+1)) + 1
}

// corpus returns the current statistics, reading them after each change.
func (ix *Index) corpus() (*corpusStats, error) {
	ix.statsMu.Lock()
	defer ix.statsMu.Unlock()
	if ix.stats != nil {
		return ix.stats, nil
	}
	n, err := ix.bleve.DocCount()
	if err != nil {
		return nil, &tian.Error{Code: tian.EINTERNAL, Op: "index.corpus", Err: err}
	}
	dict, err := ix.bleve.FieldDict(fBody)
	if err != nil {
		return nil, &tian.Error{Code: tian.EINTERNAL, Op: "index.corpus", Err: err}
	}
	defer dict.Close()
	cs := &corpusStats{n: int(n), df: make(map[string]int, 1<<14)}
	for {
		e, err := dict.Next()
		if err != nil {
			return nil, &tian.Error{Code: tian.EINTERNAL, Op: "index.corpus", Err: err}
		}
		if e == nil {
			break
		}
		cs.df[e.Term] = int(e.Count)
	}
	ix.stats = cs
	return cs, nil
}

// maxProfiles bounds the profile cache; past it the cache starts again.
const maxProfiles = 50_000

// profileOf returns the profile of a stored proposal, cached until the
// index next changes (a changed proposal or new statistics).
func (ix *Index) profileOf(p *tian.Proposal, cs *corpusStats, params Params) *profile {
	key := p.Number + "\x00" + strconv.FormatFloat(params.Alpha, 'g', -1, 64) + "/" + strconv.Itoa(params.ShingleK)
	ix.statsMu.Lock()
	pr, ok := ix.profiles[key]
	ix.statsMu.Unlock()
	if ok {
		return pr
	}
	pr = newProfile(ix.seg, p.Title, p.Body, cs, params)
	ix.statsMu.Lock()
	if ix.stats == cs { // still current
		if ix.profiles == nil || len(ix.profiles) >= maxProfiles {
			ix.profiles = make(map[string]*profile)
		}
		ix.profiles[key] = pr
	}
	ix.statsMu.Unlock()
	return pr
}

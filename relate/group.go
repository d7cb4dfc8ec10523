package relate

import (
	"container/heap"
	"context"
	"slices"
	"sort"
	"strings"

	"tian"
)

// GroupOptions tune Groups for evaluation and tuning; the zero value
// takes the defaults.
type GroupOptions struct {
	// MaxSize re-splits larger groups with a stricter threshold; 0 means 8.
	MaxSize int
	// MinSize leaves smaller clusters ungrouped; 0 means 2.
	MinSize int
	// Neighbors is how many candidates each proposal is scored against;
	// 0 means groupNeighbors.
	Neighbors int
	// Linkage is "graph" (the default with a pair model: components of
	// the edges at or above Strong, then average linkage), "average" (the
	// default of the fixed blend) or "single", kept for comparison: single
	// linkage joins whatever a chain of similar pairs connects.
	Linkage string
	// Strong is the edge weight graph linkage joins outright; 0 means
	// strongEdge with a model, else halfway between the threshold and 1.
	Strong float64
	Params *Params
	// Model scores the pairs; nil takes the Service's model, and with
	// none the fixed blend of cosine and shingles (Params.Alpha).
	Model *PairModel
	// Unlabelled keeps groups whatever their members share. By default a
	// group keeps only the members holding one of its label phrases
	// (chooseLabel), and a cluster without a label is no group.
	Unlabelled bool
	// NoMerges ignores the office's 并案 records, which otherwise join a
	// merged proposal to its target whatever the text says.
	NoMerges bool
}

// strongEdge is the pair model's probability graph linkage joins
// outright; with graph linkage and the label constraint it was chosen
// over average and single linkage on the 2021–2022 gold
// (TestCompareClusteringAcrossYears).
const strongEdge = 0.99

// withDefaults fills opt's zero fields for the similarity in use.
func withDefaults(opt GroupOptions, model *PairModel) GroupOptions {
	if opt.MaxSize == 0 {
		opt.MaxSize = 8
	}
	if model == nil {
		return opt
	}
	if opt.MinSize == 0 {
		opt.MinSize = model.MinSize
	}
	if opt.Linkage == "" {
		opt.Linkage = "graph"
	}
	if opt.Strong == 0 && opt.Linkage == "graph" {
		opt.Strong = strongEdge
	}
	return opt
}

// DefaultThreshold was tuned on the 2021–2022 gold groups (index/tune_test.go).
const DefaultThreshold = 0.13

// Bounds: the set grouped at once, and the neighbours each proposal
// brings into the similarity graph.
const (
	MaxGroupSet    = 20_000
	groupNeighbors = 15
)

// Groups clusters a set of proposals for joint consultation. The graph
// joins each proposal to the best of its candidates inside the set,
// retrieved through an inverted index of the set (no all-pairs
// comparison), and average-linkage agglomerative
// clustering merges while the mean similarity between two clusters, with
// missing edges counting 0, stays at or above the threshold: a chain of
// pairwise-similar proposals does not pull unrelated ones together, as
// single linkage would. Groups over the maximum size (8) are re-split
// with a higher threshold. Singletons are not returned. The request's
// Year, Session and Numbers each narrow the set.
func (s *Service) Groups(ctx context.Context, req tian.GroupRequest) ([]tian.Group, error) {
	return s.GroupsWith(ctx, req, GroupOptions{})
}

// GroupsWith is Groups with tuning options.
func (s *Service) GroupsWith(ctx context.Context, req tian.GroupRequest, opt GroupOptions) ([]tian.Group, error) {
	p := paramsOr(opt.Params)
	model := s.modelOr(opt.Model)
	opt = withDefaults(opt, model)
	switch {
	case req.Threshold != 0:
	case model != nil:
		req.Threshold = model.Threshold
	default:
		req.Threshold = DefaultThreshold
	}
	if req.Threshold < 0 || req.Threshold > 1 || opt.MaxSize < 2 {
		return nil, tian.Errorf(tian.EINVALID, "threshold 须在 (0,1] 之间，组的上限至少为 2")
	}
	set, err := s.groupSet(ctx, req, p)
	if err != nil {
		return nil, err
	}
	g, err := s.similarityGraph(ctx, set, p, model, !opt.NoMerges, opt.Neighbors)
	if err != nil {
		return nil, err
	}
	cs, err := s.corpus(ctx)
	if err != nil {
		return nil, err
	}
	clusters, err := cluster(set, g, cs, req.Threshold, opt)
	if err != nil {
		return nil, err
	}
	var out []tian.Group
	for _, c := range clusters {
		if len(c) >= 2 {
			out = append(out, describe(set, c, cs, p, model))
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if len(out[i].Members) != len(out[j].Members) {
			return len(out[i].Members) > len(out[j].Members)
		}
		return out[i].Members[0].Number < out[j].Members[0].Number
	})
	return out, nil
}

// cluster groups the members of set over their graph g at threshold
// with opt's linkage, re-splitting groups over opt.MaxSize, then keeps in
// each group the members sharing its label (unless opt.Unlabelled), and
// leaves groups under opt.MinSize apart.
func cluster(set []member, g graph, cs *corpusStats, threshold float64, opt GroupOptions) ([][]int, error) {
	n := len(set)
	var clusters [][]int
	switch opt.Linkage {
	case "", "average":
		clusters = averageLinkage(n, g, threshold)
	case "single":
		clusters = singleLinkage(n, g, threshold)
	case "graph":
		strong := opt.Strong
		if strong == 0 {
			strong = (1 + threshold) / 2
		}
		clusters = graphLinkage(n, g, threshold, strong)
	default:
		return nil, tian.Errorf(tian.EINVALID, "linkage 须为 average、graph 或 single，收到 %q", opt.Linkage)
	}
	clusters = resplit(clusters, g, threshold, opt.MaxSize)
	if !opt.Unlabelled {
		clusters = sharePhrase(set, clusters, cs)
	}
	if opt.MinSize <= 2 {
		return clusters, nil
	}
	var out [][]int
	for _, c := range clusters { // too small to be a group: its members stay alone
		if len(c) >= opt.MinSize {
			out = append(out, c)
			continue
		}
		for _, x := range c {
			out = append(out, []int{x})
		}
	}
	return out, nil
}

// member is a proposal of the set with its profile.
type member = candidate

// groupSet reads the set: the numbers from the engine by year, session or
// list, then the proposals from the store, with their profiles.
func (s *Service) groupSet(ctx context.Context, req tian.GroupRequest, p Params) ([]member, error) {
	f := Filter{Session: req.Session}
	if req.Year != 0 {
		f.Years = &YearRange{req.Year, req.Year}
	}
	if len(req.Numbers) > 0 {
		if len(req.Numbers) > MaxGroupSet {
			return nil, tian.Errorf(tian.ETOOLARGE, "一次最多为 %d 件提案分组；请按年度或届次缩小范围", MaxGroupSet)
		}
		f.Numbers = req.Numbers
	}
	if req.FiledOnly {
		f.NotStatus = string(tian.StatusRejected)
	}
	if f.IsZero() {
		return nil, tian.Errorf(tian.EINVALID, "请指定要分组的提案：年度、届次或提案号")
	}
	numbers, err := s.engine.Select(ctx, f, MaxGroupSet+1)
	if err != nil {
		return nil, err
	}
	if len(numbers) > MaxGroupSet {
		return nil, tian.Errorf(tian.ETOOLARGE, "一次最多为 %d 件提案分组，所选范围更多；请按年度或届次缩小范围", MaxGroupSet)
	}
	ms, err := s.withProfiles(ctx, numbers, p)
	if err != nil || !req.FiledOnly {
		return ms, err
	}
	// records that are not proposals (a message board) join no group
	// unless staff include every record
	return slices.DeleteFunc(ms, func(m member) bool { return m.p.NotProposal }), nil
}

// graph is a sparse symmetric similarity graph over set indexes.
type graph map[int]map[int]float64

func (g graph) set(i, j int, w float64) {
	if g[i] == nil {
		g[i] = map[int]float64{}
	}
	if g[j] == nil {
		g[j] = map[int]float64{}
	}
	g[i][j], g[j][i] = w, w
}

// similarityGraph links each member to its candidate neighbours inside
// the set, weighted by the exact similarity. Candidates come from an
// inverted index over the set's own term vectors, built here: each
// member's strongest terms vote for the members holding them, by the
// product of the weights (the part of the cosine those terms make up), and
// the best few are scored exactly. No pair outside the candidates is ever
// compared.
func (s *Service) similarityGraph(ctx context.Context, set []member, p Params, model *PairModel, merges bool, neighbors int) (graph, error) {
	if neighbors == 0 {
		neighbors = groupNeighbors
	}
	// each posting carries the member's weight of the term, so that the
	// votes below read no map
	type posting struct {
		at int
		w  float64
	}
	postings := map[string][]posting{}
	for i, m := range set {
		for t, w := range m.prof.terms {
			postings[t] = append(postings[t], posting{i, w})
		}
	}
	g := graph{}
	votes := make([]float64, len(set))
	var touched []int
	best := make([]int, 0, neighbors)
	for i, m := range set {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		touched = touched[:0]
		for k, t := range m.prof.ranked {
			if k == queryTerms {
				break
			}
			w := m.prof.terms[t]
			for _, pj := range postings[t] {
				if pj.at == i {
					continue
				}
				if votes[pj.at] == 0 {
					touched = append(touched, pj.at)
				}
				votes[pj.at] += w * pj.w
			}
		}
		best = topVoted(best[:0], touched, votes, neighbors)
		for _, j := range best {
			if _, done := g[i][j]; !done {
				if w := pairScore(m, set[j], p, model); w > 0 {
					g.set(i, j, w)
				}
			}
		}
		for _, j := range touched {
			votes[j] = 0
		}
	}
	if merges {
		linkMerged(set, g)
	}
	return g, nil
}

// topVoted appends to best the k of touched with the most votes, most
// first, ties to the lower index: the order a full sort would give, kept
// by insertion into k places (touched runs to thousands, k is 15).
func topVoted(best, touched []int, votes []float64, k int) []int {
	ahead := func(a, b int) bool { return votes[a] > votes[b] || votes[a] == votes[b] && a < b }
	for _, j := range touched {
		if len(best) == k && !ahead(j, best[k-1]) {
			continue
		}
		if len(best) < k {
			best = append(best, j)
		} else {
			best[k-1] = j
		}
		for x := len(best) - 1; x > 0 && ahead(best[x], best[x-1]); x-- {
			best[x], best[x-1] = best[x-1], best[x]
		}
	}
	return best
}

// pairScore is the similarity of two members: the model's probability,
// or without a model the fixed blend.
func pairScore(a, b member, p Params, model *PairModel) float64 {
	if model == nil {
		return compare(a.prof, b.prof, p).score
	}
	return model.Prob(features(a.prof, b.prof, a.p, b.p))
}

// linkMerged joins each merged (并案) proposal to the proposal it was
// merged into, when both are in the set, with the highest similarity: the
// office has already decided they are one matter.
func linkMerged(set []member, g graph) {
	at := make(map[string]int, len(set))
	for i, m := range set {
		at[m.p.Number] = i
	}
	for i, m := range set {
		if m.p.MergedInto == "" {
			continue
		}
		if j, ok := at[m.p.MergedInto]; ok && j != i {
			g.set(i, j, 1)
		}
	}
}

// averageLinkage clusters the nodes 0..n-1: repeatedly merge the two
// clusters with the highest mean pairwise similarity (absent edges are 0)
// while it is at least threshold. A lazy max-heap keeps it O(E log E).
func averageLinkage(n int, g graph, threshold float64) [][]int {
	return averageLinkageFrom(n, g, threshold, nil)
}

// averageLinkageFrom is averageLinkage starting from the given clusters
// (each node in at most one; the others start alone).
func averageLinkageFrom(n int, g graph, threshold float64, start [][]int) [][]int {
	members := make([][]int, n)
	sums := make([]map[int]float64, n) // cluster → neighbouring cluster → summed edge weights
	version := make([]int, n)
	alive := make([]bool, n)
	root := make([]int, n)
	for i := range n {
		root[i] = i
	}
	for _, c := range start {
		for _, x := range c {
			root[x] = c[0]
		}
	}
	for i := range n {
		alive[i] = root[i] == i
		if alive[i] {
			sums[i] = map[int]float64{}
		}
		members[root[i]] = append(members[root[i]], i)
	}
	for i := range n {
		for j, w := range g[i] {
			if a, b := root[i], root[j]; a != b {
				sums[a][b] += w
			}
		}
	}
	h := &linkHeap{}
	for a := range n {
		if !alive[a] {
			continue
		}
		for b, w := range sums[a] {
			if avg := w / float64(len(members[a])*len(members[b])); b > a && avg >= threshold {
				heap.Push(h, link{avg, a, b, 0, 0})
			}
		}
	}
	for h.Len() > 0 {
		l := heap.Pop(h).(link)
		if !alive[l.a] || !alive[l.b] || version[l.a] != l.va || version[l.b] != l.vb {
			continue
		}
		a, b := l.a, l.b // merge b into a
		members[a] = append(members[a], members[b]...)
		alive[b] = false
		version[a]++
		for c, w := range sums[b] {
			if c == a {
				continue
			}
			sums[a][c] += w
			sums[c][a] = sums[a][c]
			delete(sums[c], b)
		}
		delete(sums[a], b)
		sums[b] = nil
		for c, w := range sums[a] {
			if !alive[c] {
				continue
			}
			avg := w / float64(len(members[a])*len(members[c]))
			if avg >= threshold {
				x, y := a, c
				if x > y {
					x, y = y, x
				}
				heap.Push(h, link{avg, x, y, version[x], version[y]})
			}
		}
	}
	var out [][]int
	for i := range n {
		if alive[i] {
			sort.Ints(members[i])
			out = append(out, members[i])
		}
	}
	return out
}

// graphLinkage first joins whatever edges of at least strong connect
// (pairs the model is nearly sure of, and merged proposals), then merges
// those components by average linkage at threshold: a sure pair is never
// pulled apart by the missing edges of a large group.
func graphLinkage(n int, g graph, threshold, strong float64) [][]int {
	var start [][]int
	for _, c := range singleLinkage(n, g, strong) {
		if len(c) > 1 {
			start = append(start, c)
		}
	}
	return averageLinkageFrom(n, g, threshold, start)
}

// singleLinkage joins the nodes connected by edges at or above threshold.
func singleLinkage(n int, g graph, threshold float64) [][]int {
	parent := make([]int, n)
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(x int) int {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	for i, nb := range g {
		for j, w := range nb {
			if w >= threshold {
				parent[find(i)] = find(j)
			}
		}
	}
	byRoot := map[int][]int{}
	for i := range n {
		byRoot[find(i)] = append(byRoot[find(i)], i)
	}
	var out [][]int
	for i := range n {
		if c, ok := byRoot[i]; ok {
			out = append(out, c)
		}
	}
	return out
}

type link struct {
	w      float64
	a, b   int
	va, vb int
}

type linkHeap []link

func (h linkHeap) Len() int { return len(h) }
func (h linkHeap) Less(i, j int) bool {
	if h[i].w != h[j].w {
		return h[i].w > h[j].w
	}
	if h[i].a != h[j].a {
		return h[i].a < h[j].a
	}
	return h[i].b < h[j].b
}
func (h linkHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *linkHeap) Push(x any)   { *h = append(*h, x.(link)) }
func (h *linkHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// resplit clusters each group larger than maxSize again with a stricter
// threshold, until every group fits.
func resplit(clusters [][]int, g graph, threshold float64, maxSize int) [][]int {
	var out [][]int
	for _, c := range clusters {
		if len(c) <= maxSize {
			out = append(out, c)
			continue
		}
		sub := graph{}
		local := make(map[int]int, len(c))
		for i, node := range c {
			local[node] = i
		}
		for i, node := range c {
			for other, w := range g[node] {
				if j, ok := local[other]; ok {
					sub.set(i, j, w)
				}
			}
		}
		stricter := threshold + 0.05
		if stricter > 1 {
			for _, node := range c { // cannot split further: singletons
				out = append(out, []int{node})
			}
			continue
		}
		for _, part := range resplit(averageLinkage(len(c), sub, stricter), sub, stricter, maxSize) {
			mapped := make([]int, len(part))
			for i, x := range part {
				mapped[i] = c[x]
			}
			sort.Ints(mapped)
			out = append(out, mapped)
		}
	}
	return out
}

// asWritten gives an index term, which the analyser lower-cases, as the
// members write it (aed → AED), for labels people read. A term without
// cased letters, or found in no member's text, is returned as it is.
func asWritten(t string, set []member, c []int) string {
	if strings.ToLower(t) == strings.ToUpper(t) {
		return t
	}
	for _, i := range c {
		for _, text := range []string{set[i].p.Title, set[i].p.Body} {
			k := strings.Index(strings.ToLower(text), t)
			if k >= 0 && k+len(t) <= len(text) && strings.EqualFold(text[k:k+len(t)], t) {
				return text[k : k+len(t)]
			}
		}
	}
	return t
}

// describe labels a cluster (chooseLabel: the key phrases most members
// share), gives each member its reason (memberReason) and its mean
// similarity to the others, the cohesion (mean pairwise similarity) and
// the most frequent lead unit.
func describe(set []member, c []int, cs *corpusStats, p Params, model *PairModel) tian.Group {
	ranked, shared := groupPhrases(set, c, cs, true), groupPhrases(set, c, cs, false)
	label := chooseLabel(ranked, len(c))
	if len(label) == 0 { // nothing nameable: what the members share
		ranked = shared
		label = chooseLabel(ranked, len(c))
	}
	label = coverLabel(set, c, label, ranked, shared)
	grp := tian.Group{Label: []string{}}
	for _, t := range label {
		grp.Label = append(grp.Label, asWritten(t, set, c))
	}
	units := map[string]int{}
	sums := make([]float64, len(c)) // each member's summed similarity to the others
	var total float64
	for a := range c {
		for b := a + 1; b < len(c); b++ { // the pair score is symmetric: once a pair
			w := pairScore(set[c[a]], set[c[b]], p, model)
			sums[a] += w
			sums[b] += w
			total += 2 * w
		}
	}
	pairs := float64(len(c) * (len(c) - 1))
	for a, i := range c {
		reason := memberReason(set[i], label, ranked)
		for k, t := range reason {
			reason[k] = asWritten(t, set, c)
		}
		grp.Members = append(grp.Members, tian.GroupMember{Number: set[i].p.Number, Title: set[i].p.Title,
			Reason: reason, Score: round3(sums[a] / float64(len(c)-1))})
		if set[i].p.LeadUnit != "" {
			units[set[i].p.LeadUnit]++
		}
	}
	grp.Cohesion = round3(total / pairs)
	best := 0
	for u, n := range units {
		if n > best || n == best && u < grp.LeadUnit {
			grp.LeadUnit, best = u, n
		}
	}
	return grp
}

// sharePhrase splits off the members of each cluster that hold none of
// its label phrases; a cluster without a label falls apart.
func sharePhrase(set []member, clusters [][]int, cs *corpusStats) [][]int {
	var out [][]int
	for _, c := range clusters {
		if len(c) < 2 {
			out = append(out, c)
			continue
		}
		label := chooseLabel(groupPhrases(set, c, cs, false), len(c))
		var kept []int
		for _, i := range c {
			if slices.ContainsFunc(label, set[i].holds) {
				kept = append(kept, i)
			} else {
				out = append(out, []int{i})
			}
		}
		if len(kept) > 0 {
			out = append(out, kept)
		}
	}
	return out
}

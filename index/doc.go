// Package index is tian's search over proposals, on bleve v2: the index
// mapping, the analyzer that wraps tian's segmenter, search with filters,
// facets and highlights, similar proposals (a more-like-this built on
// top of bleve, which has none), and groups for joint consultation.
//
// The index is derived data: it lives in the data directory, records the
// last change of the store it applied, and catches up from the store's
// change log when it opens; Rebuild makes it anew from the store.
//
// Scaling out. One bleve index serves a committee (thousands of proposals
// a year) on one machine. A deployment that outgrows it — a provincial
// system holding every city's proposals, or many concurrent users — keeps
// the same design on an existing engine: Elasticsearch or OpenSearch with
// the same segmentation exposed as an analysis plugin or, simpler, with
// documents pre-tokenised by tian into a whitespace-analysed field; the
// change-log catch-up becomes the indexer; search maps to a bool query
// with the same filters and terms aggregations; similar proposals use the
// engine's more_like_this to fetch candidates and tian's re-ranking on
// top; grouping runs unchanged over the candidates it returns.
package index

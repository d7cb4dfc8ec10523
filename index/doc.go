// Package index is tian's search index on bleve v2, and the only package
// that imports bleve: the index mapping, the analyzer that wraps tian's
// segmenter, catching up with the store, and the relate.Engine adapter
// (bleve queries for relate's parsed queries, candidate term queries,
// selections, document frequencies from the term dictionary). Search,
// similar proposals and groups for joint consultation are relate's, over
// that adapter; Index serves them as tian.Searcher and tian.Relater.
//
// The index is derived data: it lives in the data directory, records the
// last change of the store it applied, and catches up from the store's
// change log when it opens; Rebuild makes it anew from the store.
//
// A full disk. What bleve v2.6.3 (scorch, zapx v17 segments) does when
// the disk fills, found with the tests in diskfull_test.go on a tmpfs:
//
//   - Batch, with scorch's default safe batches, introduces the new
//     in-memory segment into the index (searchable at once) and then waits
//     for the persister. When the persister fails (zap persist … no space
//     left on device), Batch returns the error and closes the segment
//     (scorch.go Batch: newSegment.Close()), though the segment stays in
//     the index's root snapshot, and so does the batch's internal value:
//     GetInternal already shows the failed batch's last change as applied.
//     Closing a zapx SegmentBase sets its dictionary cache to nil
//     (inverted_text_cache.go Clear), so the next reader of the segment
//     panics, "assignment to entry in nil map" in insertLOCKED
//     (inverted_text_cache.go:94, from SegmentBase.dictionary, segment.go:473).
//     A search panics in its caller, or in the per-segment goroutines of
//     IndexSnapshot (snapshot_index.go), which no recover reaches; the
//     persister's in-memory merge reads the segment too, in a worker
//     goroutine without recover (merge.go mergeAndPersistInMemorySegments).
//     Either kills the process.
//   - The persister and the merger retry a failed write at once and for
//     ever (the persister's nap defaults to 0), firing the asynchronous
//     error callback each time; failed segment files are removed.
//   - Opening an existing index on a full disk works (it writes nothing).
//
// What the index does about it: it runs scorch with unsafe_batch, so that
// Batch returns once the segment is introduced and never closes a live
// segment, and waits for the persister itself through the batch's
// persisted callback. Before each batch CatchUp checks the free space
// against a reserve (DefaultReserve, Options.Reserve) and returns ENOSPACE
// without handing bleve anything; a persist failure after the check (the
// disk filled by another writer meanwhile) is reported by the
// asynchronous error callback: the batch stays searchable, CatchUp
// returns ENOSPACE and takes no more, PersistError says so, and the
// callback holds the persister's retry until the reserve is free again.
// An event callback pauses merges while the disk is short. What cannot be
// protected: a merge or persist that starts with the reserve free and
// meets a disk filled by someone else fails, is retried, and costs
// nothing but time; changes searchable but not yet on disk are lost by a
// restart and caught up again.
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

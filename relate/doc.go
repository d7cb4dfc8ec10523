// Package relate is tian's text relations over proposals, apart from any
// search engine: the query language and its validation, highlighted
// snippets, the profiles similarity compares (TF-IDF term vectors,
// character shingles, key phrases, places), the pair model learnt from the
// groups staff confirmed (PairModel) and the exact re-ranking of
// candidates with it, clustering into groups for joint consultation and
// their labels, and the readers and measures of
// their evaluation (gold groups and near-duplicates, STS sentence pairs).
//
// A Service asks an Engine — bleve today (package index), Elasticsearch or
// OpenSearch tomorrow — only to search with a parsed query, to fetch the
// candidates of a weighted term query, to select documents by filter and
// to count documents and document frequencies. Indexing belongs to the
// engine's adapter, which tells the Service when documents change.
package relate

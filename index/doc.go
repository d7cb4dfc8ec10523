// Package index will hold the bleve index of proposals: the mapping, the
// adapter registering tian's segmenter as a bleve tokenizer under a fixed
// name, search with filters and facets, similar proposals and groups for
// joint consultation (issue 4). Nothing is implemented yet; the folder
// exists so the layout is visible.
package index

// Package models holds tian's versioned artifacts, embedded in the binary so
// that an intranet deployment fetches nothing at run time:
//
//	dict/domain.txt            the domain dictionary (word freq pos a line)
//	dict/stopwords.txt         stop words (a word a line)
//	trained/category.model     the default category model
//	trained/unit.model         the default per-unit text model (routing)
//	trained/router.json        the default routing combination
//	trained/filing.json        the default filing advice (立案/不予立案)
//	trained/pairs.json         the default pair similarity (grouping, similar)
//
// The trained models are made from the demo corpus by
// `go run ./cmd/tian train --corpus --out models/trained`; a test fails
// when they are stale. Everything is read through FS, an fs.FS, so tests
// and deployments can substitute their own files.
package models

import (
	"embed"
	"io/fs"
)

//go:embed dict trained
var files embed.FS

// FS returns the embedded artifacts.
func FS() fs.FS { return files }

// Paths of the artifacts inside FS.
const (
	DomainDict    = "dict/domain.txt"
	StopWords     = "dict/stopwords.txt"
	CategoryModel = "trained/category.model"
	UnitModel     = "trained/unit.model"
	RouterModel   = "trained/router.json"
	FilingModel   = "trained/filing.json"
	PairModel     = "trained/pairs.json"
)

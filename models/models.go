// Package models holds tian's versioned artifacts, embedded in the binary so
// that an intranet deployment fetches nothing at run time:
//
//	dict/domain.txt     the domain dictionary (word freq pos a line)
//	dict/stopwords.txt  stop words (a word a line)
//
// Trained models join them here as they land. Everything is read through
// FS, an fs.FS, so tests and deployments can substitute their own files.
package models

import (
	"embed"
	"io/fs"
)

//go:embed dict
var files embed.FS

// FS returns the embedded artifacts.
func FS() fs.FS { return files }

// Paths of the artifacts inside FS.
const (
	DomainDict = "dict/domain.txt"
	StopWords  = "dict/stopwords.txt"
)

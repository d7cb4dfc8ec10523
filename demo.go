package tian

import (
	"embed"
	"io/fs"
)

// The demo corpus: the proposals of a fictional city committee, written for
// this project (testdata/README.md), with its categories and undertaking
// units. It is embedded so that a newcomer's first start shows a populated
// system, and it is what the tests and benchmarks run on.
//
//go:embed testdata/proposals.jsonl testdata/units.tsv testdata/categories.tsv
var demo embed.FS

// Names of the demo files inside DemoFS.
const (
	DemoProposals  = "proposals.jsonl"
	DemoUnits      = "units.tsv"
	DemoCategories = "categories.tsv"
)

// DemoFS returns the embedded demo corpus.
func DemoFS() fs.FS {
	sub, err := fs.Sub(demo, "testdata")
	if err != nil {
		panic(err) // the embedded tree always has testdata/
	}
	return sub
}

package tian

import (
	"bufio"
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
)

// The demo corpus: the proposals of a fictional city committee, written for
// this project (testdata/README.md), with its categories and undertaking
// units. It is embedded so that a newcomer's first start shows a populated
// system, and it is what the tests and benchmarks run on.
//
//go:embed testdata/proposals.jsonl testdata/units.tsv testdata/categories.tsv testdata/gold.json
var demo embed.FS

// Names of the demo files inside DemoFS.
const (
	DemoProposals  = "proposals.jsonl"
	DemoUnits      = "units.tsv"
	DemoCategories = "categories.tsv"
	// DemoGold holds the groups staff would confirm and the near-duplicate
	// pairs; its 2021–2022 groups train the default pair model.
	DemoGold = "gold.json"
)

// DemoFS returns the embedded demo corpus.
func DemoFS() fs.FS {
	sub, err := fs.Sub(demo, "testdata")
	if err != nil {
		panic(err) // the embedded tree always has testdata/
	}
	return sub
}

// ReadDemo parses the embedded demo proposals strictly (an unknown field is
// an error naming the line), in the order of the file.
func ReadDemo() ([]*Proposal, error) {
	b, err := fs.ReadFile(DemoFS(), DemoProposals)
	if err != nil {
		return nil, err
	}
	var out []*Proposal
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 1<<16), 1<<20)
	for line := 1; sc.Scan(); line++ {
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.DisallowUnknownFields()
		p := &Proposal{}
		if err := dec.Decode(p); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", DemoProposals, line, err)
		}
		out = append(out, p)
	}
	return out, sc.Err()
}

package index

import (
	"strconv"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/mapping"

	"tian"
	"tian/relate"
)

// Field names in the index: relate's, which bleve stores in the mapping.
const (
	fNumber   = relate.FieldNumber
	fTitle    = relate.FieldTitle
	fBody     = relate.FieldBody
	fReply    = relate.FieldReply
	fCategory = relate.FieldCategory
	fLead     = relate.FieldLeadUnit
	fUnits    = relate.FieldUnits
	fType     = relate.FieldProposerType
	fYear     = relate.FieldYear
	fSession  = relate.FieldSession
	fStatus   = relate.FieldStatus
	fProposer = relate.FieldProposer
)

// toDoc is what the index holds of a proposal: text indexed, not stored
// (snippets and similarity read it from the store), and keyword fields with
// doc values for facets and sorting. Empty values are left out, so that
// facets do not count a blank "unit".
func toDoc(p *tian.Proposal) map[string]any {
	d := map[string]any{fNumber: p.Number, fTitle: p.Title}
	set := func(field, v string) {
		if v != "" {
			d[field] = v
		}
	}
	set(fBody, p.Body)
	set(fReply, p.Reply)
	set(fCategory, p.Category)
	set(fLead, p.LeadUnit)
	set(fType, string(p.ProposerType))
	set(fSession, p.Session)
	set(fProposer, p.Proposer)
	if p.Year != 0 {
		d[fYear] = strconv.Itoa(p.Year)
	}
	status := string(p.Status)
	if status == "" {
		status = "未标注"
	}
	d[fStatus] = status
	if units := p.Units(); len(units) > 0 {
		d[fUnits] = units
	}
	return d
}

// newMapping is the lean mapping: no dynamic fields, no _all copy, term
// vectors only where phrase queries need positions (title, body), nothing
// stored (a hit's id is the proposal number).
func newMapping() mapping.IndexMapping {
	text := func(termVectors bool) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = AnalyzerName
		f.Store, f.IncludeInAll, f.DocValues, f.IncludeTermVectors = false, false, false, termVectors
		return f
	}
	kw := func() *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Analyzer = keyword.Name
		f.Store, f.IncludeInAll, f.IncludeTermVectors, f.DocValues = false, false, false, true
		return f
	}
	dm := bleve.NewDocumentStaticMapping()
	dm.AddFieldMappingsAt(fNumber, kw())
	dm.AddFieldMappingsAt(fTitle, text(true))
	dm.AddFieldMappingsAt(fBody, text(true))
	dm.AddFieldMappingsAt(fReply, text(false))
	for _, f := range []string{fCategory, fLead, fUnits, fType, fYear, fSession, fStatus, fProposer} {
		dm.AddFieldMappingsAt(f, kw())
	}
	im := bleve.NewIndexMapping()
	im.DefaultMapping = dm
	im.DefaultAnalyzer = AnalyzerName
	im.IndexDynamic, im.StoreDynamic, im.DocValuesDynamic = false, false, false
	return im
}

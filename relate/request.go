package relate

import "tian"

// Search limits: pages are bounded, and so is how deep one can page.
const (
	DefaultPageSize = 10
	MaxPageSize     = 100
	MaxResultWindow = 10_000
	MaxFacetSize    = 200
)

// facetFields are the facets a search may ask for, by name.
var facetFields = map[string]string{
	"category": FieldCategory, "year": FieldYear, "lead_unit": FieldLeadUnit, "unit": FieldUnits,
	"proposer_type": FieldProposerType, "status": FieldStatus, "session": FieldSession,
}

// DefaultFacets are computed when a request names none.
var DefaultFacets = []string{"category", "year", "lead_unit"}

// normalizeRequest fills a search request's defaults and returns EINVALID
// for what is out of range.
func normalizeRequest(req *tian.SearchRequest) error {
	if req.Page == 0 {
		req.Page = 1
	}
	if req.Size == 0 {
		req.Size = DefaultPageSize
	}
	switch {
	case req.Page < 1:
		return tian.Errorf(tian.EINVALID, "page 须不小于 1，收到 %d", req.Page)
	case req.Size < 1 || req.Size > MaxPageSize:
		return tian.Errorf(tian.EINVALID, "size 须在 1–%d 之间，收到 %d", MaxPageSize, req.Size)
	case (req.Page-1)*req.Size >= MaxResultWindow:
		return tian.Errorf(tian.EINVALID, "只能翻阅前 %d 条结果；请缩小检索范围", MaxResultWindow)
	case req.Sort != "" && req.Sort != "relevance" && req.Sort != "date":
		return tian.Errorf(tian.EINVALID, "sort 须为 relevance 或 date，收到 %q", req.Sort)
	case req.YearFrom != 0 && req.YearTo != 0 && req.YearFrom > req.YearTo:
		return tian.Errorf(tian.EINVALID, "年度范围 %d–%d 为空", req.YearFrom, req.YearTo)
	case req.YearTo-req.YearFrom > 300 && req.YearFrom != 0:
		return tian.Errorf(tian.EINVALID, "年度范围 %d–%d 过宽", req.YearFrom, req.YearTo)
	}
	return normalizeFacets(req)
}

func normalizeFacets(req *tian.SearchRequest) error {
	if req.Facets == nil {
		req.Facets = DefaultFacets
	}
	if len(req.Facets) > len(facetFields) {
		return tian.Errorf(tian.EINVALID, "最多可请求 %d 个分面", len(facetFields))
	}
	for _, f := range req.Facets {
		if _, ok := facetFields[f]; !ok {
			return tian.Errorf(tian.EINVALID, "未知分面 %q（可用 category、year、lead_unit、unit、proposer_type、status、session）", f)
		}
	}
	if req.FacetSize == 0 {
		req.FacetSize = 10
	}
	if req.FacetSize < 1 || req.FacetSize > MaxFacetSize {
		return tian.Errorf(tian.EINVALID, "facet_size 须在 1–%d 之间，收到 %d", MaxFacetSize, req.FacetSize)
	}
	return nil
}

// requestFilter is the request's structured filters. An open year range
// reaches 300 years the other way, within 1900–2200.
func requestFilter(req tian.SearchRequest) Filter {
	f := Filter{Session: req.Session, Category: req.Category, Unit: req.Unit, LeadUnit: req.LeadUnit,
		ProposerType: req.Proposer, Status: req.Status}
	if req.YearFrom != 0 || req.YearTo != 0 {
		from, to := req.YearFrom, req.YearTo
		if from == 0 {
			from = to - 300
		}
		if to == 0 {
			to = from + 300
		}
		f.Years = &YearRange{max(from, 1900), min(to, 2200)}
	}
	return f
}

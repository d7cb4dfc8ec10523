package office

import (
	"context"
	"sort"
	"strings"
	"unicode/utf8"

	"tian"
	"tian/sheet"
)

var _ tian.Imports = (*Office)(nil)

// previewBody is how many characters of a body a preview row keeps.
const previewBody = 120

// Preview reads a file as Import would, with the same mapping, and runs
// the import as a dry run: nothing is written. It shows the header row,
// each column with the field it goes to, the first rows as read, and the
// report a commit would give (rows that cannot be read and records the
// store would reject, with row and column).
func (o *Office) Preview(ctx context.Context, req tian.FileImport) (*tian.ImportPreview, error) {
	req.DryRun = true
	name, res, err := read(req)
	if err != nil {
		return nil, err
	}
	// the store tells each record's outcome once, in order: the shown
	// records' are the first ones (a row number alone would not do: with
	// several sheets rows repeat)
	shown := res.Records[:min(len(res.Records), tian.PreviewRows)]
	type told struct {
		row     int
		outcome string
	}
	var outcomes []told
	rep, err := o.store.ImportProposals(ctx, res.Records, tian.ImportOptions{File: name, NewUnits: req.NewUnits, AllProposals: req.AllProposals,
		ClearAbsent: req.ClearAbsent, Actor: req.Actor, Columns: res.Columns, DryRun: true, Outcome: func(row int, outcome string) {
			if len(outcomes) < len(shown) {
				outcomes = append(outcomes, told{row, outcome})
			}
		}})
	if err != nil {
		return nil, err
	}
	rep.Rows += len(res.Errors)
	rep.Rejected += len(res.Errors)
	rep.Errors = append(res.Errors, rep.Errors...)
	sort.SliceStable(rep.Errors, func(i, j int) bool { return rep.Errors[i].Row < rep.Errors[j].Row })
	rep.Mapping, rep.Unmapped = res.Mapping, res.Unmapped
	rep.Warnings = append(res.Warnings, rep.Warnings...)
	pv := &tian.ImportPreview{File: name, HeaderRow: res.HeaderRow, HeaderRows: res.HeaderRows, Columns: orNone(res.Labels),
		Headers: orNone(res.Headers), Mapping: res.Mapping, Unmapped: res.Unmapped, Map: mapStrings(res), Fields: fieldInfos(),
		Rows: []tian.PreviewRow{}, Report: rep, Title: res.Title, YearSource: res.YearSource, Kind: res.Kind, Sheets: []string{}}
	for _, name := range res.Sheets {
		if name != "" { // a CSV's or a Word document's one table
			pv.Sheets = append(pv.Sheets, name)
		}
	}
	for i, r := range shown {
		p := r.Proposal
		if utf8.RuneCountInString(p.Body) > previewBody {
			p.Body = string([]rune(p.Body)[:previewBody]) + "……"
		}
		p.NotProposal = !req.AllProposals && !p.IsProposal()
		p.CoUnits = orNone(p.CoUnits)
		row := tian.PreviewRow{Row: r.Row, Proposal: p}
		if i < len(outcomes) && outcomes[i].row == r.Row {
			row.Outcome = outcomes[i].outcome
		}
		if i < len(res.Sources) {
			src := res.Sources[i]
			row.Written, row.Provisional, row.YearSource = src.Written, src.Provisional, src.YearSource
			if len(res.Sheets) > 1 {
				row.Sheet = src.Sheet
			}
		}
		pv.Rows = append(pv.Rows, row)
	}
	return pv, nil
}

// mapStrings is a file's mapping as --map strings, field=header, in the
// file's column order, then field= for every field read from no column:
// a commit with them reads the file as the preview did, whatever the
// reader would guess.
func mapStrings(res *sheet.Result) []string {
	field := map[string]string{} // label → field
	for _, m := range res.Mapping {
		field[m.Column] = m.Field
	}
	out, mapped := []string{}, map[string]bool{}
	for i, label := range res.Labels {
		if f, ok := field[label]; ok {
			out, mapped[f] = append(out, f+"="+res.Headers[i]), true
		}
	}
	for _, f := range sheet.Fields {
		if !mapped[f.Name] {
			out = append(out, f.Name+"=")
		}
	}
	return out
}

func fieldInfos() []tian.FieldInfo {
	out := make([]tian.FieldInfo, len(sheet.Fields))
	for i, f := range sheet.Fields {
		out[i] = tian.FieldInfo{Name: f.Name, Header: f.Header}
	}
	return out
}

// checkMap refuses a mapping to a field tian does not have (EINVALID):
// the reader would ignore it, and the user would not know why.
func checkMap(m map[string]string) error {
	for field := range m {
		if !knownField(field) {
			names := make([]string, len(sheet.Fields))
			for i, f := range sheet.Fields {
				names[i] = f.Name + "（" + f.Header + "）"
			}
			return tian.Errorf(tian.EINVALID, "列对应中的字段“%s”不存在；可用的字段：%s", field, strings.Join(names, "、"))
		}
	}
	return nil
}

func knownField(name string) bool {
	for _, f := range sheet.Fields {
		if f.Name == name {
			return true
		}
	}
	return false
}

// Batches lists the imports, newest first.
func (o *Office) Batches(ctx context.Context, offset, limit int) (*tian.BatchPage, error) {
	return o.store.Batches(ctx, offset, limit)
}

// UndoBatch undoes an import (see tian.BatchStore) and brings the index
// up to date: the removed proposals leave it, the restored ones are
// indexed as they were. An index that cannot follow catches up later;
// the undo stands.
func (o *Office) UndoBatch(ctx context.Context, id int64, actor string) (*tian.UndoReport, error) {
	if err := o.CheckSpace(0); err != nil {
		return nil, err
	}
	rep, err := o.store.UndoBatch(ctx, id, actor)
	if err != nil {
		return nil, err
	}
	if err := o.CatchUp(ctx); err != nil {
		rep.Warning = "已撤销，但检索索引暂未更新（" + tian.ErrorMessage(err) + "）；服务会自动补齐"
	}
	return rep, nil
}

// proposalsOnly drops the records that are not proposals (training learns
// from proposals only).
func proposalsOnly(ps []*tian.Proposal) []*tian.Proposal {
	out := ps[:0:0]
	for _, p := range ps {
		if !p.NotProposal {
			out = append(out, p)
		}
	}
	return out
}

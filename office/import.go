package office

import (
	"context"
	"io"
	"strings"

	"tian"
	"tian/sheet"
)

// Import reads a table (xlsx, csv, tsv, jsonl), writes it to the store in
// one transaction and brings the index up to date. Rows that cannot be
// read are reported, with file, row and column, and counted as rejected.
// Once the store has committed, the report stands: an index that cannot
// follow (a full disk) adds a warning and catches up later.
func (o *Office) Import(ctx context.Context, req tian.FileImport) (*tian.ImportReport, error) {
	name, res, err := read(req)
	if err != nil {
		return nil, err
	}
	refused := req.Strict && len(res.Errors) > 0
	opt := tian.ImportOptions{File: name, Strict: req.Strict, NewUnits: req.NewUnits, AllProposals: req.AllProposals, ClearAbsent: req.ClearAbsent,
		Actor: req.Actor, Columns: res.Columns,
		// under Strict, unreadable rows refuse the file: check the rest, write nothing
		DryRun: req.DryRun || refused}
	if req.Progress != nil {
		total := len(res.Records)
		opt.Progress = func(done int) { req.Progress(done, total) }
	}
	if !opt.DryRun {
		if err := o.CheckSpace(0); err != nil {
			return nil, err
		}
		// replicas sharing the store import one file at a time
		release, err := o.lockJob(ctx, "import", true)
		if err != nil {
			return nil, err
		}
		defer release()
	}
	rep, err := o.store.ImportProposals(ctx, res.Records, opt)
	if err != nil {
		return nil, err
	}
	if refused && !req.DryRun { // refused, not a dry run: nothing would be imported
		rep.Inserted, rep.Updated, rep.Unchanged, rep.NotProposals, rep.NewCategories, rep.NewUnits = 0, 0, 0, 0, nil, nil
		rep.DryRun = false
	}
	// rows that never became records (unreadable cells) count as rejected
	rep.Rows += len(res.Errors)
	rep.Rejected += len(res.Errors)
	rep.Errors = append(res.Errors, rep.Errors...)
	rep.Mapping, rep.Unmapped = res.Mapping, res.Unmapped
	rep.Warnings = append(res.Warnings, rep.Warnings...)
	if opt.DryRun {
		return rep, nil
	}
	if err := o.CatchUp(ctx); err != nil {
		rep.Warnings = append(rep.Warnings, tian.RowError{File: name,
			Message: "已导入，但检索索引暂未更新（" + tian.ErrorMessage(err) + "）；服务会自动补齐"})
	}
	return rep, nil
}

// read reads the file of an import with its mapping, and returns the name
// messages use for it (an upload's own name, not its temporary path).
func read(req tian.FileImport) (string, *sheet.Result, error) {
	name := req.Name
	if name == "" {
		name = req.Path
	}
	if err := checkMap(req.Map); err != nil {
		return name, nil, err
	}
	opt, err := sheet.OptionsFor(req)
	if err != nil {
		return name, nil, err
	}
	res, err := sheet.ReadProposals(req.Path, opt)
	if code := tian.ErrorCode(err); code != "" && code != tian.EINTERNAL && name != req.Path {
		return name, nil, tian.Errorf(code, "%s", strings.ReplaceAll(tian.ErrorMessage(err), req.Path, name))
	} else if err != nil {
		return name, nil, err
	}
	for i := range res.Errors {
		res.Errors[i].File = name
	}
	for i := range res.Warnings {
		res.Warnings[i].File = name
	}
	return name, res, nil
}

// Export writes the proposals f selects in a format: xlsx, csv or jsonl.
func (o *Office) Export(ctx context.Context, w io.Writer, format string, f tian.ProposalFilter) error {
	ps, err := o.store.Proposals(ctx, f)
	if err != nil {
		return err
	}
	return sheet.WriteProposals(w, format, ps)
}

// ExportGroups writes groups as a workbook for the staff meeting.
func (o *Office) ExportGroups(w io.Writer, groups []tian.Group) error {
	return sheet.WriteGroupsXLSX(w, groups)
}

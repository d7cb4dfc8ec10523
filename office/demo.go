package office

import (
	"context"

	"tian"
	"tian/sheet"
)

// EnsureDemo loads the embedded demo corpus (categories, units with their
// aliases, proposals) when the store holds no proposal, and brings the
// index up to date (with what another replica loaded, too). It reports
// whether it loaded anything.
// Replicas starting together on an empty shared store load it once.
func (o *Office) EnsureDemo(ctx context.Context) (bool, error) {
	release, err := o.lockJob(ctx, "demo", true)
	if err != nil {
		return false, err
	}
	loaded, err := LoadDemo(ctx, o.store)
	release()
	if err != nil {
		return false, err
	}
	// what this office or another replica loaded
	return loaded, o.CatchUp(ctx)
}

// LoadDemo loads the demo corpus into an empty store; a store with
// proposals is left as it is.
func LoadDemo(ctx context.Context, db Store) (bool, error) {
	if n, err := db.CountProposals(ctx); err != nil || n > 0 {
		return false, err
	}
	fsys := tian.DemoFS()
	cats, err := sheet.ReadCategoriesFS(fsys, tian.DemoCategories)
	if err != nil {
		return false, err
	}
	if err := db.ImportCategories(ctx, cats, "demo"); err != nil {
		return false, err
	}
	units, err := sheet.ReadUnitsFS(fsys, tian.DemoUnits)
	if err != nil {
		return false, err
	}
	if err := db.ImportUnits(ctx, units, "demo"); err != nil {
		return false, err
	}
	res, err := sheet.ReadProposalsFS(fsys, tian.DemoProposals, sheet.Options{})
	if err != nil {
		return false, err
	}
	rep, err := db.ImportProposals(ctx, res.Records, tian.ImportOptions{File: "demo:" + tian.DemoProposals,
		Strict: true, Actor: "demo", Columns: res.Columns})
	if err != nil {
		return false, err
	}
	if errs := append(res.Errors, rep.Errors...); len(errs) > 0 || !rep.Committed {
		return false, tian.Errorf(tian.EINTERNAL, "the embedded demo corpus does not import: %v", errs[0].Error())
	}
	return true, nil
}

package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"tian"
	"tian/sheet"
)

type demoCmd struct{ m *Main }

func (c *demoCmd) command() *cobra.Command {
	return &cobra.Command{
		Use:   "demo",
		Short: "load the embedded demo corpus into an empty data directory",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			loaded, err := c.m.EnsureDemo(cmd.Context())
			if err != nil {
				return err
			}
			if !loaded {
				fmt.Fprintf(c.m.Stdout, "%s already holds proposals; the demo corpus was not loaded\n", c.m.DataDir)
				return nil
			}
			db, _ := c.m.Store(cmd.Context())
			n, err := db.CountProposals(cmd.Context())
			if err != nil {
				return err
			}
			fmt.Fprintf(c.m.Stdout, "loaded the demo corpus into %s: %d proposals\n", c.m.DataDir, n)
			return nil
		},
	}
}

// EnsureDemo loads the embedded demo corpus (categories, units with their
// aliases, proposals) when the store holds no proposal. It reports whether
// it loaded anything.
func (m *Main) EnsureDemo(ctx context.Context) (bool, error) {
	db, err := m.Store(ctx)
	if err != nil {
		return false, err
	}
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

// demoProposals returns the embedded demo corpus, as training reads it.
func demoProposals() ([]*tian.Proposal, []tian.Feedback, error) {
	res, err := sheet.ReadProposalsFS(tian.DemoFS(), tian.DemoProposals, sheet.Options{})
	if err != nil {
		return nil, nil, err
	}
	out := make([]*tian.Proposal, len(res.Records))
	for i := range res.Records {
		out[i] = &res.Records[i].Proposal
	}
	return out, nil, nil
}

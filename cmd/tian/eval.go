package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"tian"
	"tian/index"
)

type evalCmd struct {
	m     *Main
	gold  string
	years []int
	json  bool
}

func (c *evalCmd) command() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "eval",
		Short: "measure quality against annotated data",
	}
	groups := &cobra.Command{
		Use:     "groups",
		Short:   "groups and near-duplicates against a gold file: pairwise precision/recall/F1, adjusted Rand index",
		Example: `  tian demo && tian eval groups --gold testdata/gold.json --years 2023,2024,2025`,
		Args:    cobra.NoArgs,
		RunE:    c.runGroups,
	}
	groups.Flags().StringVar(&c.gold, "gold", "testdata/gold.json", "gold file (groups and near-duplicate pairs)")
	groups.Flags().IntSliceVar(&c.years, "years", []int{2023, 2024, 2025}, "years to evaluate (the defaults were tuned on 2021–2022)")
	groups.Flags().BoolVar(&c.json, "json", false, "print JSON")
	cmd.AddCommand(groups)
	return cmd
}

func (c *evalCmd) runGroups(cmd *cobra.Command, _ []string) error {
	f, err := os.Open(c.gold)
	if err != nil {
		return tian.Errorf(tian.EINVALID, "gold file: %v", err)
	}
	defer f.Close()
	g, err := index.ReadGold(f)
	if err != nil {
		return err
	}
	ix, err := c.m.Index(cmd.Context())
	if err != nil {
		return err
	}
	evs, err := ix.EvalGroups(cmd.Context(), g, c.years, index.GroupRequest{})
	if err != nil {
		return err
	}
	dup, err := ix.EvalDuplicates(cmd.Context(), g, c.years, index.DefaultParams())
	if err != nil {
		return err
	}
	if c.json {
		return printJSON(c.m.Stdout, map[string]any{"groups": evs, "near_duplicates": dup})
	}
	w := c.m.Stdout
	fmt.Fprintln(w, "year\tprecision\trecall\tF1\tARI\tgroups\tgold groups")
	var f1, ari float64
	for _, e := range evs {
		fmt.Fprintf(w, "%d\t%.3f\t%.3f\t%.3f\t%.3f\t%d\t%d\n", e.Year, e.Precision, e.Recall, e.F1, e.ARI, e.Groups, e.GoldGroups)
		f1 += e.F1 / float64(len(evs))
		ari += e.ARI / float64(len(evs))
	}
	years := make([]string, len(c.years))
	for i, y := range c.years {
		years[i] = strconv.Itoa(y)
	}
	fmt.Fprintf(w, "mean\t\t\t%.3f\t%.3f\n", f1, ari)
	fmt.Fprintf(w, "near_duplicate (%s): precision %.3f, recall %.3f, F1 %.3f (%d flagged, %d gold pairs)\n",
		strings.Join(years, ","), dup.Precision, dup.Recall, dup.F1, dup.Flagged, dup.GoldPairs)
	return nil
}

package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"tian/sheet"
)

type unitsCmd struct {
	m    *Main
	json bool
}

func (c *unitsCmd) command() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "units",
		Short: "the catalogue of undertaking units: list, or import with duties and aliases",
	}
	list := &cobra.Command{
		Use:   "list",
		Short: "list the units with their aliases",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			db, err := c.m.Store(cmd.Context())
			if err != nil {
				return err
			}
			units, err := db.Units(cmd.Context())
			if err != nil {
				return err
			}
			if c.json {
				enc := json.NewEncoder(c.m.Stdout)
				enc.SetEscapeHTML(false)
				return enc.Encode(units)
			}
			for _, u := range units {
				fmt.Fprintf(c.m.Stdout, "%s\t%s\t%s\n", u.Name, u.Kind, strings.Join(u.Aliases, "、"))
			}
			return nil
		},
	}
	list.Flags().BoolVar(&c.json, "json", false, "print JSON")
	imp := &cobra.Command{
		Use:   "import FILE",
		Short: "add or update units from a table with columns 单位, 类型, 职责, 别名 (former names and short forms, separated by 、)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			units, err := sheet.ReadUnits(args[0])
			if err != nil {
				return err
			}
			db, err := c.m.Store(cmd.Context())
			if err != nil {
				return err
			}
			if err := db.ImportUnits(cmd.Context(), units, c.m.Actor); err != nil {
				return err
			}
			fmt.Fprintf(c.m.Stdout, "%s: %d units imported\n", args[0], len(units))
			return nil
		},
	}
	cmd.AddCommand(list, imp)
	return cmd
}

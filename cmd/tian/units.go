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
		Short: "承办单位表：列出单位，或连同职责和别名导入",
	}
	list := &cobra.Command{
		Use:   "list",
		Short: "列出单位及其别名",
		Args:  noArgs,
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
	list.Flags().BoolVar(&c.json, "json", false, "输出 JSON")
	imp := &cobra.Command{
		Use:   "import 文件",
		Short: "从表格新增或更新单位，列为 单位、类型、职责、别名（曾用名和简称，以、分隔）",
		Args:  exactArgs(1),
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
			fmt.Fprintf(c.m.Stdout, "%s：已导入单位 %d 个\n", args[0], len(units))
			return nil
		},
	}
	cmd.AddCommand(list, imp)
	return cmd
}

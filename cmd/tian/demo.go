package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

type demoCmd struct{ m *Main }

func (c *demoCmd) command() *cobra.Command {
	return &cobra.Command{
		Use:   "demo",
		Short: "将内置的演示数据载入空的数据目录",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o, err := c.m.Office(cmd.Context())
			if err != nil {
				return err
			}
			loaded, err := o.EnsureDemo(cmd.Context())
			if err != nil {
				return err
			}
			if !loaded {
				fmt.Fprintf(c.m.Stdout, "%s 中已有提案，未载入演示数据\n", c.m.DataDir)
				return nil
			}
			db, _ := c.m.Store(cmd.Context())
			n, err := db.CountProposals(cmd.Context())
			if err != nil {
				return err
			}
			fmt.Fprintf(c.m.Stdout, "已将演示数据载入 %s：提案 %d 件\n", c.m.DataDir, n)
			return nil
		},
	}
}

package main

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"

	"tian"
)

type versionCmd struct{ m *Main }

func (c *versionCmd) command() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "显示 tian 及其内置引擎的版本",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmt.Fprintln(c.m.Stdout, versionLine())
			return nil
		},
	}
}

// versionLine names the release, the commit it was built from (when the
// build knows it), the Go version and the versions of the engines.
func versionLine() string {
	line := "tian " + tian.Version
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return line + " " + runtime.Version()
	}
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			line += " (" + s.Value[:12] + ")"
		}
	}
	line += " " + runtime.Version()
	for _, d := range info.Deps {
		switch d.Path {
		case "github.com/go-ego/gse", "github.com/blevesearch/bleve/v2", "github.com/gin-gonic/gin":
			line += fmt.Sprintf(" %s@%s", d.Path[len("github.com/"):], d.Version)
		}
	}
	return line
}

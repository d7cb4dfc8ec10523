package main

import (
	"bufio"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"tian"
	"tian/sheet"
)

type exportCmd struct {
	m        *Main
	format   string
	year     int
	category string
	out      string
}

func (c *exportCmd) command() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "export",
		Short: "export proposals as xlsx, csv or jsonl with Chinese headers (import reads them back unchanged)",
		Example: `  tian export --format xlsx --year 2024 --out 2024提案.xlsx
  tian export --format jsonl --category 社会建设 > social.jsonl`,
		Args: cobra.NoArgs,
		RunE: c.run,
	}
	f := cmd.Flags()
	f.StringVar(&c.format, "format", "xlsx", "xlsx, csv or jsonl")
	f.IntVar(&c.year, "year", 0, "only this year")
	f.StringVar(&c.category, "category", "", "only this category (name or code)")
	f.StringVarP(&c.out, "out", "o", "-", "output file (- for standard output)")
	return cmd
}

func (c *exportCmd) run(cmd *cobra.Command, _ []string) error {
	switch c.format {
	case sheet.FormatXLSX, sheet.FormatCSV, sheet.FormatJSONL:
	default:
		return tian.Errorf(tian.EINVALID, "--format %q: want xlsx, csv or jsonl", c.format)
	}
	if c.out == "-" && c.format == sheet.FormatXLSX && isTerminal(os.Stdout) {
		return tian.Errorf(tian.EINVALID, "an xlsx export is binary: give a file with --out")
	}
	db, err := c.m.Store(cmd.Context())
	if err != nil {
		return err
	}
	ps, err := db.Proposals(cmd.Context(), tian.ProposalFilter{Year: c.year, Category: c.category})
	if err != nil {
		return err
	}
	if c.out == "-" {
		w := bufio.NewWriter(c.m.Stdout)
		if err := sheet.WriteProposals(w, c.format, ps); err != nil {
			return err
		}
		return w.Flush()
	}
	return writeFileAtomic(c.out, func(f *os.File) error { return sheet.WriteProposals(f, c.format, ps) })
}

// writeFileAtomic writes through a temporary file in the same folder and
// renames it into place, so a crash never leaves a half-written file.
func writeFileAtomic(path string, write func(*os.File) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tian-*")
	if err != nil {
		return tian.Errorf(tian.EINVALID, "writing %s: %v", path, err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

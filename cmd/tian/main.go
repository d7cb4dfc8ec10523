// Command tian is the proposal office's language brain: segmentation now;
// import, search, similar proposals, classification, routing and the
// service as they land. Run `tian help` for the subcommands.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"tian"
	"tian/segment"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	m := NewMain()
	err := m.Run(ctx, os.Args[1:])
	stop()
	m.Close()
	if err != nil {
		fmt.Fprintln(os.Stderr, "tian:", err)
		os.Exit(1)
	}
}

// Main wires the concrete parts together. It is the only place that reads
// flags and files for configuration; tests run it with their own streams.
type Main struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer

	// UserDicts are deployment dictionary files (--user-dict).
	UserDicts []string

	seg *segment.Segmenter
}

// NewMain returns a Main on the process's standard streams.
func NewMain() *Main {
	return &Main{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}
}

// Run parses args and runs the subcommand they name.
func (m *Main) Run(ctx context.Context, args []string) error {
	root := m.command()
	root.SetArgs(args)
	root.SetIn(m.Stdin)
	root.SetOut(m.Stdout)
	root.SetErr(m.Stderr)
	return root.ExecuteContext(ctx)
}

// Close releases what Run opened.
func (m *Main) Close() error { return nil }

func (m *Main) command() *cobra.Command {
	root := &cobra.Command{
		Use:           "tian",
		Short:         "tian (提案): search, similarity, classification and routing for CPPCC proposal offices",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.PersistentFlags().StringArrayVar(&m.UserDicts, "user-dict", nil,
		"extra dictionary file (word [freq [pos]] a line); repeatable, first wins")
	root.AddCommand(
		(&versionCmd{m: m}).command(),
		(&segmentCmd{m: m}).command(),
	)
	return root
}

// Segmenter loads the segmenter once per process: the embedded domain
// dictionary and zh_s, plus the --user-dict files.
func (m *Main) Segmenter() (*segment.Segmenter, error) {
	if m.seg != nil {
		return m.seg, nil
	}
	cfg := segment.DefaultConfig()
	for _, path := range m.UserDicts {
		d, err := readDictionary(path)
		if err != nil {
			return nil, err
		}
		cfg.User = append(cfg.User, d)
	}
	s, err := segment.New(cfg)
	if err != nil {
		return nil, err
	}
	m.seg = s
	return s, nil
}

func readDictionary(path string) (*segment.Dictionary, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, tian.Errorf(tian.EINVALID, "user dictionary: %v", err)
	}
	defer f.Close()
	return segment.ParseDictionary(path, f)
}

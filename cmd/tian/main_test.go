package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"tian"
	"tian/segment"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// runMain runs the CLI with args and stdin and returns what it printed.
func runMain(tb testing.TB, stdin string, args ...string) (stdout, stderr string, err error) {
	tb.Helper()
	var out, errb bytes.Buffer
	m := NewMain()
	m.Stdin = strings.NewReader(stdin)
	m.Stdout, m.Stderr = &out, &errb
	m.seg = sharedSegmenter(tb, m)
	err = m.Run(context.Background(), args)
	m.Close()
	return out.String(), errb.String(), err
}

var defaultSeg *segment.Segmenter

// sharedSegmenter loads the default segmenter once for the tests of the
// package (it takes most of a second).
func sharedSegmenter(tb testing.TB, m *Main) *segment.Segmenter {
	tb.Helper()
	if defaultSeg == nil {
		s, err := m.Segmenter()
		if err != nil {
			tb.Fatal(err)
		}
		defaultSeg = s
	}
	return defaultSeg
}

func TestSegmentPrintsDomainWords(t *testing.T) {
	out, _, err := runMain(t, "", "segment", "健全一老一小服务体系，培育专精特新企业，解决群众急难愁盼问题")
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Fields(out)
	for _, w := range []string{"一老一小", "专精特新", "急难愁盼"} {
		if !slices.Contains(got, w) {
			t.Errorf("tian segment printed %q, want %q as a word", out, w)
		}
	}
	if strings.Contains(out, "  ") || strings.Count(out, "\n") != 1 {
		t.Errorf("want words separated by single spaces on one line, got %q", out)
	}
}

func TestSegmentSearchModeAddsParts(t *testing.T) {
	out, _, err := runMain(t, "", "segment", "--mode", "search", "培育专精特新企业，解决群众急难愁盼问题")
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"专精特新", "专精", "特新", "急难愁盼", "急难"} {
		if !slices.Contains(strings.Fields(out), w) {
			t.Errorf("search mode printed %q, want %q", out, w)
		}
	}
}

func TestSegmentJSONFromStdin(t *testing.T) {
	in := "關於加強養老服務的提案\n培育专精特新企业\n"
	out, _, err := runMain(t, in, "segment", "--json", "--keywords", "2", "-")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("want one JSON object per input line, got %d: %q", len(lines), out)
	}
	var first segmentOutput
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil {
		t.Fatal(err)
	}
	if first.Normalized != "关于加强养老服务的提案" {
		t.Errorf("normalized = %q", first.Normalized)
	}
	for _, tok := range first.Tokens {
		if tok.Start < 0 || tok.End > len(first.Text) || tok.Start > tok.End {
			t.Errorf("token %+v out of the input's range", tok)
		}
	}
	if len(first.Keywords) != 2 {
		t.Errorf("keywords = %v, want 2", first.Keywords)
	}
}

func TestSegmentErrors(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "local.txt")
	if err := os.WriteFile(bad, []byte("滨水慢行系统 100 nz\n鼓楼夜市 lots\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"bad mode", []string{"segment", "--mode", "fast", "提案"}, `未知分词模式 "fast"`},
		{"negative keywords", []string{"segment", "--keywords", "-1", "提案"}, "--keywords"},
		{"missing user dictionary", []string{"--user-dict", "/nonexistent/dict.txt", "segment", "提案"}, "/nonexistent/dict.txt"},
		{"malformed user dictionary", []string{"--user-dict", bad, "segment", "提案"}, bad + "：第2行"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			m := NewMain()
			m.Stdin, m.Stdout, m.Stderr = strings.NewReader(""), &out, &errb
			err := m.Run(context.Background(), tt.args)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want one naming %q", err, tt.want)
			}
			if tian.ErrorCode(err) != tian.EINVALID {
				t.Errorf("code = %q, want %q", tian.ErrorCode(err), tian.EINVALID)
			}
		})
	}
}

func TestVersion(t *testing.T) {
	out, _, err := runMain(t, "", "version")
	if err != nil || !strings.HasPrefix(out, "tian "+tian.Version) {
		t.Errorf("tian version = %q, %v", out, err)
	}
}

// Every flag of every command starts at its own default. Two commands
// that bind flags to one field leave it at the default of the last one
// defined: `tian eval classify` without --train once read STS-B's
// directory as its training file instead of the database, because `eval
// similarity`'s --sts shared its field.
func TestFlagsStartAtTheirDefaults(t *testing.T) {
	m := NewMain()
	defer m.Close()
	var walk func(c *cobra.Command)
	checked := 0
	walk = func(c *cobra.Command) {
		c.LocalFlags().VisitAll(func(f *pflag.Flag) {
			checked++
			if got := f.Value.String(); got != f.DefValue {
				t.Errorf("%s --%s starts at %q, its default is %q: another flag writes its field", c.CommandPath(), f.Name, got, f.DefValue)
			}
		})
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(m.command())
	if checked < 50 {
		t.Fatalf("checked only %d flags: the command tree was not walked", checked)
	}
}

package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tian"
)

// A command that needs the index of a data directory a live service holds
// fails at once with a Chinese message saying how to go on, instead of
// waiting for the index's lock forever; commands that need only the store
// (statistics, export) still work, and a record left by a dead service is
// ignored.
func TestCommandsOnAServedDirectoryNeverHang(t *testing.T) {
	dir := freshDemoDir(t)
	// a live process that is not this one stands in for the service
	other := exec.Command("sleep", "60")
	if err := other.Start(); err != nil {
		t.Skipf("cannot start a stand-in process: %v", err)
	}
	defer other.Process.Kill()
	b, _ := json.Marshal(served{PID: other.Process.Pid, URL: "http://127.0.0.1:8080", Started: time.Now()})
	if err := os.WriteFile(filepath.Join(dir, servedFile), b, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"search", "加装电梯"}, {"similar", "20210205"}, {"route", "关于加快发展社区嵌入式养老服务的提案"}, {"group", "--year", "2024"}, {"duplicates", "--year", "2024"}, {"reindex"}} {
		start := time.Now()
		done := make(chan error, 1)
		go func() { _, _, err := runIn(t, dir, args...); done <- err }()
		select {
		case err := <-done:
			msg := tian.ErrorMessage(err)
			if tian.ErrorCode(err) != tian.ECONFLICT || !strings.Contains(msg, "tian serve") || !strings.Contains(msg, "--server http://127.0.0.1:8080") {
				t.Errorf("%v: %v (%s)", args, err, time.Since(start))
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("%v on a served data directory still waits after 30 s", args)
		}
	}
	if out, _, err := runIn(t, dir, "stats", "--year", "2023"); err != nil || !strings.Contains(out, "2023年全年共收到提案") {
		t.Errorf("stats on a served data directory: %q, %v", out, err)
	}
	other.Process.Kill()
	other.Wait()
	if out, _, err := runIn(t, dir, "search", "加装电梯"); err != nil || !strings.Contains(out, "加装电梯") {
		t.Errorf("search after the service died: %.200q, %v", out, err)
	}
}

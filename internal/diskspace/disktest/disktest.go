// Package disktest gives tests a small disk of their own that they can
// fill: a tmpfs mounted for the test (Linux, as root) and a filler file.
package disktest

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
)

// Tmpfs mounts a tmpfs of size bytes on a fresh directory and unmounts it
// when the test ends. It skips the test, saying why, where mounting is not
// permitted (not Linux, not root, no mount command, a container without
// CAP_SYS_ADMIN).
func Tmpfs(tb testing.TB, size int64) string {
	tb.Helper()
	dir := tb.TempDir()
	out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+strconv.FormatInt(size, 10), "tmpfs", dir).CombinedOutput()
	if err != nil {
		tb.Skipf("cannot mount a tmpfs to fill (needs Linux and root): %v: %s", err, out)
	}
	tb.Cleanup(func() {
		if out, err := exec.Command("umount", "-l", dir).CombinedOutput(); err != nil {
			tb.Errorf("umount %s: %v: %s", dir, err, out)
		}
	})
	return dir
}

// Fill writes a filler file in dir until the disk has no byte left, and
// returns a function that removes it. Calling Fill again tops the same
// file up (other writers may have freed space meanwhile).
func Fill(tb testing.TB, dir string) (free func()) {
	tb.Helper()
	path := filepath.Join(dir, "filler")
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil && !errors.Is(err, syscall.ENOSPC) {
		tb.Fatalf("filler: %v", err)
	}
	if f != nil {
		chunk := make([]byte, 1<<20)
		for n := len(chunk); n > 0; {
			if _, err := f.Write(chunk[:n]); err != nil {
				if !errors.Is(err, syscall.ENOSPC) {
					f.Close()
					tb.Fatalf("filler: %v", err)
				}
				n /= 2
			}
		}
		f.Close()
	}
	return func() {
		if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			tb.Errorf("removing the filler: %v", err)
		}
	}
}

// FillTo fills the disk holding dir until only leave bytes are free (to
// the page), and returns a function that removes the filler.
func FillTo(tb testing.TB, dir string, leave int64) (free func()) {
	tb.Helper()
	free = Fill(tb, dir)
	path := filepath.Join(dir, "filler")
	info, err := os.Stat(path)
	if err != nil {
		tb.Fatalf("filler: %v", err)
	}
	if err := os.Truncate(path, max(info.Size()-leave, 0)); err != nil {
		tb.Fatalf("filler: %v", err)
	}
	return free
}

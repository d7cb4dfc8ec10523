package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"tian"
	"tian/synth"
)

// served measures `tian serve` on the bench's data directory as a process
// of its own (the bench's own memory says nothing of it): the time until
// /readyz answers, its resident memory then, and after a mixed load of
// searches, similar proposals, proposal lists, classifications and
// groupings through the API, as staff would use it.
func (c *benchCmd) served(ctx context.Context, db store, dir string, gen *synth.Generator, queries []string,
	add func(what, format string, args ...any)) error {
	var secrets []string
	for i := range 4 { // one token a client, under the per-token rate limit
		secret, _, err := db.CreateToken(ctx, fmt.Sprintf("bench-%d", i), tian.RoleStaff, "bench")
		if err != nil {
			return err
		}
		secrets = append(secrets, secret)
	}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	addr := ln.Addr().String()
	ln.Close()
	logf, err := os.Create(filepath.Join(dir, "bench-serve.log"))
	if err != nil {
		return err
	}
	defer logf.Close()
	cmd := exec.Command(exe, "--data", dir, "serve", "--addr", addr)
	cmd.Stdout, cmd.Stderr = logf, logf
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() {
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	}()
	base := "http://" + addr
	client := &http.Client{Timeout: 2 * time.Minute}
	for {
		if res, err := client.Get(base + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Since(t0) > 2*time.Minute {
			return tian.Errorf(tian.EINTERNAL, "tian serve not ready after 2 minutes (see %s)", logf.Name())
		}
		time.Sleep(10 * time.Millisecond)
	}
	ready := time.Since(t0)
	add("serving: ready (process start to /readyz)", "%s, RSS %s", ready.Round(time.Millisecond), procField(strconv.Itoa(cmd.Process.Pid), "VmRSS"))

	call := func(i int, method, path string, body any) error {
		var r io.Reader
		if body != nil {
			b, _ := json.Marshal(body)
			r = bytes.NewReader(b)
		}
		req, err := http.NewRequestWithContext(ctx, method, base+path, r)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+secrets[i%len(secrets)])
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		res, err := client.Do(req)
		if err != nil {
			return err
		}
		defer res.Body.Close()
		io.Copy(io.Discard, res.Body)
		if res.StatusCode != http.StatusOK {
			return tian.Errorf(tian.EINTERNAL, "bench: %s %s answered %d", method, path, res.StatusCode)
		}
		return nil
	}
	counts := map[string]int{}
	set := make([]string, 0, cityYear)
	for i := range min(cityYear, c.n) {
		set = append(set, gen.Proposal(i*max(1, c.n/cityYear)).Number)
	}
	type step struct {
		kind         string
		method, path string
		body         any
	}
	for i := range queries {
		p := gen.Proposal((i * 7919) % c.n)
		steps := []step{
			{"searches", "GET", "/api/v1/search?q=" + url.QueryEscape(queries[i]), nil},
			{"similar", "GET", "/api/v1/proposals/" + url.PathEscape(p.Number) + "/similar", nil},
			{"lists", "GET", "/api/v1/proposals?limit=50&offset=" + strconv.Itoa((i*50)%max(1, c.n-50)), nil},
			{"classifications", "POST", "/api/v1/classify", map[string]string{"title": p.Title, "body": p.Body}},
		}
		if i%50 == 0 { // a year grouped now and then
			steps = append(steps, step{"groupings", "GET", "/api/v1/groups?numbers=" + strings.Join(set, ","), nil})
		}
		for _, s := range steps {
			if err := call(i, s.method, s.path, s.body); err != nil {
				return err
			}
			counts[s.kind]++
		}
	}
	add("serving: RSS after a mixed load", "%s (peak %s) after %d searches, %d similar, %d lists, %d classifications, %d groupings of %d",
		procField(strconv.Itoa(cmd.Process.Pid), "VmRSS"), procField(strconv.Itoa(cmd.Process.Pid), "VmHWM"), counts["searches"], counts["similar"], counts["lists"],
		counts["classifications"], counts["groupings"], len(set))
	return nil
}

package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowser drives the pages in headless Chromium (Debian's, installed by
// .ci/run): sign in with the first-start link, classify a proposal, search,
// open the groups and the statistics, and save a screenshot of each (to
// $TIAN_SCREENSHOTS when set). Skipped where Chromium is absent.
func TestBrowser(t *testing.T) {
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("chromium is missing in CI: .ci/run installs it")
		}
		t.Skip("chromium not installed (apt-get install chromium; .ci/run does)")
	}
	s := startService(t)
	defer s.stop()
	shots := os.Getenv("TIAN_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	}
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("no-first-run", true), chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 1000),
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()

	do := func(steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatal(err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Text(sel))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	shot := func(name string) {
		t.Helper()
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(shots, name), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	do(chromedp.Navigate(s.base+"/"), chromedp.WaitVisible(`input[name=token]`))
	unsigned, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	do(chromedp.Navigate(s.base+"/signin?token="+s.token), chromedp.WaitVisible(`#r-run`))
	// 审查
	do(chromedp.SendKeys(`#r-title`, "关于加快发展社区嵌入式养老服务的提案"),
		chromedp.SendKeys(`#r-body`, "城东区近四成社区没有养老服务站点，助餐、助浴需求大。建议利用闲置用房建设社区嵌入式养老服务设施，推动医养结合。"),
		chromedp.Click(`#r-run`), chromedp.WaitVisible(`#r-units .unit`))
	cats := text(`#r-cats`)
	shot("review.png")
	// 检索
	do(chromedp.Click(`nav button[data-tab=search]`), chromedp.SendKeys(`#s-q`, "加装电梯"), chromedp.Click(`#s-go`),
		chromedp.WaitVisible(`#s-hits li mark`))
	hits := text(`#s-hits`)
	shot("search.png")
	// 并案
	do(chromedp.Click(`nav button[data-tab=groups]`), chromedp.Click(`#g-go`), chromedp.WaitVisible(`#g-list .group`))
	groups := text(`#g-list`)
	shot("groups.png")
	// 统计
	do(chromedp.Click(`nav button[data-tab=stats]`), chromedp.WaitVisible(`#t-chart rect`))
	report := text(`#t-report`)
	shot("stats.png")
	if !strings.HasSuffix(unsigned, "/signin") {
		t.Errorf("unsigned visit ended at %s, want the sign-in page", unsigned)
	}
	if !strings.Contains(cats, "→ 社会建设") {
		t.Errorf("review shows %q, want 社会建设 first", cats)
	}
	if !strings.Contains(hits, "加装电梯") {
		t.Errorf("search shows %q", hits)
	}
	if !strings.Contains(groups, "第1组") {
		t.Errorf("groups show %q", groups)
	}
	if !strings.Contains(report, "共收到提案") {
		t.Errorf("stats show %q", report)
	}
	t.Logf("screenshots in %s", shots)
}

// Package testenv gives tests the repository's own build settings and a
// headless Chromium. Only tests import it.
package testenv

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/kogi-course/kogi/gen/config"
)

// root is the repository root: the first folder with go.mod above the
// test's working directory (go test runs in the package's folder).
func root() string {
	dir, err := os.Getwd()
	for err == nil {
		if _, serr := os.Stat(filepath.Join(dir, "go.mod")); serr == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	panic("testenv: no go.mod above the test's folder")
}

// Config is config.Default building content into out with the repository's
// templates, theme files and MathJax, and no minify cache.
func Config(content, out string) config.Build {
	r := root()
	cfg := config.Default
	cfg.Content = content
	cfg.Out = out
	cfg.Templates = filepath.Join(r, "templates")
	cfg.Static = filepath.Join(r, "static")
	cfg.Assets = []config.Mount{config.DefaultAssets[0]}
	cfg.Assets[0].Src = filepath.Join(r, cfg.Assets[0].Src)
	cfg.CacheDir = ""
	return cfg
}

// Chromium finds Debian's chromium or skips; under CI it must be there
// (.ci/run installs it), and -short skips browser tests.
func Chromium(tb testing.TB) string {
	tb.Helper()
	if testing.Short() {
		tb.Skip("skipping: browser test")
	}
	for _, p := range []string{"/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	if os.Getenv("CI") != "" {
		tb.Fatal("CI is set but chromium is not installed")
	}
	tb.Skip("skipping: chromium not installed (apt-get install chromium)")
	return ""
}

// Allocator starts headless Chromium for the test with every host but
// 127.0.0.1 unreachable, so a page that needs a CDN fails here; the flags
// keep Chromium from calling home, which this machine's network refuses.
func Allocator(tb testing.TB) context.Context {
	tb.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(Chromium(tb)), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	tb.Cleanup(cancel)
	return actx
}

// Package testenv gives tests the repository's own build settings and a
// headless Chromium. Only tests import it.
package testenv

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
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
	if w := filepath.Join(r, config.DefaultAssets[1].Src); exists(filepath.Join(w, "vae.wasm")) {
		cfg.Assets = append(cfg.Assets, config.Mount{Src: w, Dest: config.DefaultAssets[1].Dest})
	}
	cfg.CacheDir = ""
	return cfg
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// wasm is the demos' WebAssembly, built once per test binary.
var wasm struct {
	once sync.Once
	dir  string
	err  error
}

// Wasm builds the demos' WebAssembly as the Makefile does, with the Go
// release's wasm_exec.js beside it, and returns the folder. It builds
// afresh once per test binary (the Go build cache keeps that quick) rather
// than trusting build/wasm, which may be older than the code under test.
// A test binary that calls it should end with Cleanup from its TestMain.
func Wasm(tb testing.TB) string {
	tb.Helper()
	wasm.once.Do(func() {
		if wasm.dir, wasm.err = os.MkdirTemp("", "kogi-wasm-"); wasm.err != nil {
			return
		}
		cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", filepath.Join(wasm.dir, "vae.wasm"), "./wasmdemo/cmd/vaewasm")
		cmd.Dir = root()
		cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
		if out, err := cmd.CombinedOutput(); err != nil {
			wasm.err = fmt.Errorf("building vae.wasm: %v\n%s", err, out)
			return
		}
		goroot, err := exec.Command("go", "env", "GOROOT").Output()
		if err != nil {
			wasm.err = err
			return
		}
		js, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(goroot)), "lib", "wasm", "wasm_exec.js"))
		if err == nil {
			err = os.WriteFile(filepath.Join(wasm.dir, "wasm_exec.js"), js, 0o644)
		}
		wasm.err = err
	})
	if wasm.err != nil {
		tb.Fatal(wasm.err)
	}
	return wasm.dir
}

// Cleanup removes what Wasm built; call it from TestMain after m.Run.
func Cleanup() {
	if wasm.dir != "" {
		os.RemoveAll(wasm.dir)
	}
}

// WithWasm makes cfg publish a fresh build of the demos' WebAssembly (see
// Wasm) in place of build/wasm.
func WithWasm(tb testing.TB, cfg *config.Build) {
	tb.Helper()
	dir := Wasm(tb)
	dest := config.DefaultAssets[1].Dest
	for i, m := range cfg.Assets {
		if m.Dest == dest {
			cfg.Assets[i].Src = dir
			return
		}
	}
	cfg.Assets = append(cfg.Assets, config.Mount{Src: dir, Dest: dest})
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

// Serve serves h on a free port of 127.0.0.1 until the test ends and
// returns its base URL ("http://127.0.0.1:PORT").
func Serve(tb testing.TB, h http.Handler) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
	tb.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String()
}

// GzipSize is the size of b gzipped at level 9: what the page budgets count.
func GzipSize(b []byte) int {
	var buf bytes.Buffer
	w, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	w.Write(b)
	w.Close()
	return buf.Len()
}

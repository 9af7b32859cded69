// Package wasmdemo_test runs the in-browser demos in headless Chromium: the
// wasm built from wasmdemo/cmd/vaewasm, static/assets/demos/ and weight
// files, served on 127.0.0.1 with the figure markup gen writes.
package wasmdemo_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"math/rand/v2"
	"mime"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/kogi-course/kogi/wasmdemo/vae"
)

// The repository root, seen from this package's folder.
const root = ".."

var wasm struct {
	sync.Once
	dir string
	err error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if wasm.dir != "" {
		os.RemoveAll(wasm.dir)
	}
	os.Exit(code)
}

// buildWasm builds vae.wasm as the Makefile does, with wasm_exec.js beside
// it, once per test binary.
func buildWasm(tb testing.TB) string {
	tb.Helper()
	wasm.Do(func() {
		goCmd, err := exec.LookPath("go")
		if err != nil {
			wasm.err = err
			return
		}
		if wasm.dir, err = os.MkdirTemp("", "kogi-wasm-"); err != nil {
			wasm.err = err
			return
		}
		build := exec.Command(goCmd, "build", "-trimpath", "-ldflags=-s -w", "-o", filepath.Join(wasm.dir, "vae.wasm"), "./wasmdemo/cmd/vaewasm")
		build.Dir = root
		build.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
		if out, err := build.CombinedOutput(); err != nil {
			wasm.err = fmt.Errorf("building vae.wasm: %v\n%s", err, out)
			return
		}
		goroot, err := exec.Command(goCmd, "env", "GOROOT").Output()
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

// weights are the files under /demos/vae/: the exported ones from
// static/demos/vae/ when they are there, else random ones of a plausible
// size (the trained files are made by gpuruntime, on a GPU).
type weights struct {
	vae2, vae16, map2 []byte
	real              bool
}

func loadWeights(tb testing.TB) weights {
	tb.Helper()
	dir := filepath.Join(root, "static", "demos", "vae")
	var w weights
	var errs [3]error
	w.vae2, errs[0] = os.ReadFile(filepath.Join(dir, "vae2.kvae"))
	w.vae16, errs[1] = os.ReadFile(filepath.Join(dir, "vae16.kvae"))
	w.map2, errs[2] = os.ReadFile(filepath.Join(dir, "map2.kmap"))
	if errs[0] == nil && errs[1] == nil && errs[2] == nil {
		w.real = true
		return w
	}
	write := func(m *vae.Model) []byte {
		var b bytes.Buffer
		if err := vae.Write(&b, m, nil); err != nil {
			tb.Fatal(err)
		}
		return b.Bytes()
	}
	w.vae2 = write(vae.Random(2, 1, 256, 128))
	w.vae16 = write(vae.Random(16, 2, 256, 128))
	// 2,000 points in ten clusters, as a trained encoder spreads the digits.
	rng := rand.New(rand.NewPCG(4, 2))
	const n = 2000
	x, y, lab := make([]float32, n), make([]float32, n), make([]uint8, n)
	for i := range n {
		lab[i] = uint8(i % 10)
		a := float64(lab[i]) * 0.628
		x[i] = float32(1.6*math.Cos(a) + 0.45*rng.NormFloat64())
		y[i] = float32(1.6*math.Sin(a) + 0.45*rng.NormFloat64())
	}
	var b bytes.Buffer
	if err := vae.WriteMap(&b, x, y, lab); err != nil {
		tb.Fatal(err)
	}
	w.map2 = b.Bytes()
	return w
}

// demoSite is the served test site: a page with the three demos as gen
// writes them, pages whose weights are truncated or corrupted, the theme's
// CSS and the demos' files.
type demoSite struct {
	base string
	w    weights
	wasm string      // folder of vae.wasm and wasm_exec.js
	slow atomic.Bool // send the wasm and weights at about 3 MB/s
}

// figure is gen's markup for a demo, with its model URL replaceable.
func figure(name, model string) string {
	return fmt.Sprintf(`<figure class="kogi-demo" data-demo="%s" data-wasm="/assets/wasm/vae.wasm" data-exec="/assets/wasm/wasm_exec.js" data-model="%s" data-model16="/demos/vae/vae16.kvae" data-map="/demos/vae/map2.kmap">
  <img class="kogi-demo-fallback" src="/demos/vae/%s.png" width="280" height="280" alt="デモの静止画">
  <figcaption>図: %s のデモ（テスト用の説明文）。</figcaption>
</figure>
`, name, model, name, name)
}

const filler = `<p>変分自己符号化器 (VAE) は、観測 x を潜在変数 z に写す符号化器と、z から x を生成する復号化器を同時に学習します。
次の図は、平面上の点 z から復号した数字を示します。</p>`

func page(body string) []byte {
	return []byte(`<!doctype html><html lang="ja"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>VAE デモ</title>
<link rel="stylesheet" href="/assets/kogi.css"><link rel="stylesheet" href="/assets/demos/demos.css">
<script src="/assets/demos/demos.js" defer></script></head>
<body><div class="layout"><main class="prose"><h1 class="page-title">VAE のデモ</h1>` + body + `</main></div></body></html>`)
}

// lazyGap pushes the later demos more than a screen and a half below the
// first, so that they start only when scrolled to.
const lazyGap = `<div style="min-height:1500px">` + filler + filler + `</div>`

func serveDemos(tb testing.TB) *demoSite {
	tb.Helper()
	chromium(tb) // skips before the wasm is built
	s := &demoSite{w: loadWeights(tb), wasm: buildWasm(tb)}
	corrupt := bytes.Clone(s.w.vae2)
	corrupt[len(corrupt)/2] ^= 0x5a
	files := map[string][]byte{
		"/":                         page(filler + figure("vae-latent", "/demos/vae/vae2.kvae") + lazyGap + figure("vae-draw", "/demos/vae/vae2.kvae") + filler + figure("vae-interp", "/demos/vae/vae2.kvae") + filler),
		"/truncated/":               page(figure("vae-latent", "/demos/bad/truncated.kvae")),
		"/corrupted/":               page(figure("vae-draw", "/demos/bad/corrupted.kvae")),
		"/missing/":                 page(figure("vae-interp", "/demos/bad/missing.kvae")),
		"/badwasm/":                 page(strings.Replace(figure("vae-latent", "/demos/vae/vae2.kvae"), "/assets/wasm/vae.wasm", "/demos/bad/vae.wasm", 1)),
		"/demos/vae/vae2.kvae":      s.w.vae2,
		"/demos/vae/vae16.kvae":     s.w.vae16,
		"/demos/vae/map2.kmap":      s.w.map2,
		"/demos/bad/truncated.kvae": s.w.vae2[:len(s.w.vae2)*2/3],
		"/demos/bad/corrupted.kvae": corrupt,
		"/demos/bad/vae.wasm":       []byte("\x00asm\x01\x00\x00\x00\x01\x7f"), // cut inside its first section
		"/demos/vae/vae-latent.png": fallbackPNG(tb),
		"/demos/vae/vae-draw.png":   fallbackPNG(tb),
		"/demos/vae/vae-interp.png": fallbackPNG(tb),
		"/assets/wasm/vae.wasm":     nil, // from s.wasm
		"/assets/wasm/wasm_exec.js": nil,
		"/assets/kogi.css":          nil, // from static/
		"/assets/demos/demos.js":    nil,
		"/assets/demos/demos.css":   nil,
		"/favicon.ico":              {},
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Cross-origin isolation gives performance.now() 5 µs resolution
		// instead of 100 µs, which the decode benchmark needs.
		w.Header().Set("Cross-Origin-Opener-Policy", "same-origin")
		w.Header().Set("Cross-Origin-Embedder-Policy", "require-corp")
		b, ok := files[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if b == nil {
			var err error
			if b, err = s.file(r.URL.Path); err != nil {
				http.Error(w, err.Error(), 500)
				return
			}
		}
		ct := mime.TypeByExtension(path.Ext(r.URL.Path))
		if strings.HasSuffix(r.URL.Path, "/") {
			ct = "text/html; charset=utf-8"
		}
		if ct == "" {
			ct = "application/octet-stream"
		}
		w.Header().Set("Content-Type", ct)
		w.Header().Set("Cache-Control", "no-store")
		if !s.slow.Load() || len(b) < 64<<10 {
			w.Write(b)
			return
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(b)))
		for len(b) > 0 {
			n := min(len(b), 32<<10)
			w.Write(b[:n])
			w.(http.Flusher).Flush()
			b = b[n:]
			time.Sleep(10 * time.Millisecond)
		}
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
	tb.Cleanup(func() { srv.Close() })
	s.base = "http://" + ln.Addr().String()
	return s
}

// file reads what the site publishes from the build and the repository.
func (s *demoSite) file(p string) ([]byte, error) {
	if rest, ok := strings.CutPrefix(p, "/assets/wasm/"); ok {
		return os.ReadFile(filepath.Join(s.wasm, rest))
	}
	return os.ReadFile(filepath.Join(root, "static", filepath.FromSlash(p)))
}

// payload is the gzip size (level 9) of every file the VAE lecture's demos
// download.
func (s *demoSite) payload(tb testing.TB) (map[string]int, int) {
	sizes := map[string]int{}
	total := 0
	for _, p := range []string{"/assets/wasm/vae.wasm", "/assets/wasm/wasm_exec.js", "/assets/demos/demos.js", "/assets/demos/demos.css"} {
		b, err := s.file(p)
		if err != nil {
			tb.Fatal(err)
		}
		sizes[path.Base(p)] = gzipLen(b)
	}
	sizes["vae2.kvae"] = gzipLen(s.w.vae2)
	sizes["vae16.kvae"] = gzipLen(s.w.vae16)
	sizes["map2.kmap"] = gzipLen(s.w.map2)
	for _, n := range sizes {
		total += n
	}
	return sizes, total
}

func gzipLen(b []byte) int {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(b)
	zw.Close()
	return buf.Len()
}

func fallbackPNG(tb testing.TB) []byte {
	img := image.NewGray(image.Rect(0, 0, 280, 280))
	for i := range img.Pix {
		img.Pix[i] = uint8(200 + i%40)
	}
	img.Set(140, 140, color.Black)
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// chromium finds Debian's chromium or skips; under CI it must be there.
// This repeats gen/internal/testenv.Chromium and Allocator, which
// wasmdemo/ may not import (Go's internal rule).
func chromium(tb testing.TB) string {
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

// allocator starts headless Chromium with every host but 127.0.0.1
// unreachable, so a page that needs a CDN fails here.
func allocator(tb testing.TB) context.Context {
	tb.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium(tb)), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	tb.Cleanup(cancel)
	return actx
}

// Package wasmdemo_test runs the in-browser demos in headless Chromium: the
// wasm built from wasmdemo/cmd/vaewasm, static/assets/demos/ and weight
// files, served on 127.0.0.1 with the figure markup gen writes.
package wasmdemo_test

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"mime"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kogi-course/kogi/gen/testenv"
)

// The repository root, seen from this package's folder.
const root = ".."

func TestMain(m *testing.M) {
	code := m.Run()
	testenv.Cleanup()
	os.Exit(code)
}

// weights are the shipped files under static/demos/vae/ (make models
// writes them; they are committed).
type weights struct {
	vae2, vae16, map2 []byte
}

func loadWeights(tb testing.TB) weights {
	tb.Helper()
	dir := filepath.Join(root, "static", "demos", "vae")
	var w weights
	for name, into := range map[string]*[]byte{"vae2.kvae": &w.vae2, "vae16.kvae": &w.vae16, "map2.kmap": &w.map2} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			tb.Fatalf("shipped weights: %v (make models writes them)", err)
		}
		*into = b
	}
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
	testenv.Chromium(tb) // skips before the wasm is built
	s := &demoSite{w: loadWeights(tb), wasm: testenv.Wasm(tb)}
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
	s.base = testenv.Serve(tb, h)
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
		sizes[path.Base(p)] = testenv.GzipSize(b)
	}
	sizes["vae2.kvae"] = testenv.GzipSize(s.w.vae2)
	sizes["vae16.kvae"] = testenv.GzipSize(s.w.vae16)
	sizes["map2.kmap"] = testenv.GzipSize(s.w.map2)
	for _, n := range sizes {
		total += n
	}
	return sizes, total
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

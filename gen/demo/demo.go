// Package demo knows the interactive demos a page can embed with a ```demo
// block: the HTML each one needs, the files it loads, and the static image
// shown without JavaScript, in print, or where WebAssembly does not run.
//
// It imports wasmdemo/vae, the same forward pass the browser runs as
// WebAssembly, so the fallback images are what the widget would show.
package demo

import (
	"fmt"
	"html"
	"image"
	"io"
	"slices"
	"strings"
)

// Paths of the WebAssembly build below the site root (gen mounts the
// Makefile's build/wasm there).
const (
	WasmPath = "/assets/wasm/vae.wasm"
	ExecPath = "/assets/wasm/wasm_exec.js"
	CSSPath  = "/assets/demos/demos.css"
	JSPath   = "/assets/demos/demos.js"
)

// Files the VAE demos load, below the site root (static/demos/vae/, written
// by `make models`).
const (
	vaeDir    = "/demos/vae/"
	Model2    = vaeDir + "vae2.kvae"
	Model16   = vaeDir + "vae16.kvae"
	LatentMap = vaeDir + "map2.kmap"
)

// ReadFunc returns a file of the site being built by its site path; an error
// that wraps fs.ErrNotExist when the site has no such file.
type ReadFunc func(sitePath string) ([]byte, error)

// Spec is one demo.
type Spec struct {
	Name    string
	Caption string // default figure caption; a block's `caption:` replaces it
	Alt     string // describes the fallback image
	// W and H are the fallback image's size, written into the <img> so the
	// page does not jump when it loads.
	W, H     int
	fallback func(read ReadFunc) (image.Image, error)
	attrs    [][2]string // data-* attributes, values are site paths
}

// Files are the site paths the widget fetches, beyond the wasm: those its
// data-* attributes name.
func (s *Spec) Files() []string {
	fs := make([]string, len(s.attrs))
	for i, a := range s.attrs {
		fs[i] = a[1]
	}
	return fs
}

// FallbackPath is where the fallback image is written.
func (s *Spec) FallbackPath() string { return vaeDir + s.Name + ".png" }

// Fallback renders the static image from the site's files.
func (s *Spec) Fallback(read ReadFunc) (image.Image, error) {
	img, err := s.fallback(read)
	if err != nil {
		return nil, fmt.Errorf("demo %s: fallback image: %w", s.Name, err)
	}
	if b := img.Bounds(); b.Dx() != s.W || b.Dy() != s.H {
		return nil, fmt.Errorf("demo %s: fallback image is %dx%d, want %dx%d", s.Name, b.Dx(), b.Dy(), s.W, s.H)
	}
	return img, nil
}

// Params are the keys a demo block may hold.
var Params = []string{"name", "caption"}

var specs = []*Spec{
	{
		Name:    "vae-latent",
		Caption: "2 次元潜在空間の探索。左の地図はテスト画像 2,000 枚の符号化位置 (色は正解ラベル)。地図上をドラッグするかタップすると，その点を復号化器に通した画像が右に表示される。",
		Alt:     "左: テスト画像 2,000 枚の 2 次元潜在表現の散布図 (ラベルごとに色分け)。右: 潜在空間を 20×20 の格子で区切り，各点を復号した数字画像の一覧。",
		W:       720, H: 360,
		fallback: latentFallback,
		attrs:    [][2]string{{"model", Model2}, {"map", LatentMap}},
	},
	{
		Name:    "vae-draw",
		Caption: "数字を描くと，MNIST と同じ前処理 (20×20 に縮小，重心を中央へ) のあと符号化され，潜在空間の位置と再構成画像 (2 次元・16 次元モデル) が描きながら更新される。",
		Alt:     "各数字ラベルの平均的な潜在位置を復号した 0 から 9 までの画像。",
		W:       560, H: 56,
		fallback: drawFallback,
		attrs:    [][2]string{{"model", Model2}, {"model16", Model16}, {"map", LatentMap}},
	},
	{
		Name:    "vae-interp",
		Caption: "潜在空間の 2 点を結ぶ線分上の点を復号すると，数字が途中の形を経て滑らかに移り変わる。地図で始点と終点を選べる。",
		Alt:     "潜在空間での線形補間: 0 から 6，1 から 7，4 から 9 へ，10 段階で復号した画像の列。",
		W:       560, H: 168,
		fallback: interpFallback,
		attrs:    [][2]string{{"model", Model2}, {"map", LatentMap}},
	},
}

// Lookup finds a demo by name.
func Lookup(name string) (*Spec, bool) {
	for _, s := range specs {
		if s.Name == name {
			return s, true
		}
	}
	return nil, false
}

// Names lists the demos, sorted.
func Names() []string {
	var ns []string
	for _, s := range specs {
		ns = append(ns, s.Name)
	}
	slices.Sort(ns)
	return ns
}

// WriteHTML writes the figure the widget script turns into the demo. url
// maps a site path to the URL pages use (it adds the base URL).
func (s *Spec) WriteHTML(w io.Writer, url func(string) string, caption string) error {
	if caption == "" {
		caption = s.Caption
	}
	var b strings.Builder
	attr := func(name, val string) {
		b.WriteString(" " + name + `="` + html.EscapeString(val) + `"`)
	}
	b.WriteString(`<figure class="kogi-demo"`)
	attr("data-demo", s.Name)
	attr("data-wasm", url(WasmPath))
	attr("data-exec", url(ExecPath))
	for _, a := range s.attrs {
		attr("data-"+a[0], url(a[1]))
	}
	b.WriteString(">\n<img class=\"kogi-demo-fallback\"")
	attr("src", url(s.FallbackPath()))
	fmt.Fprintf(&b, ` width="%d" height="%d"`, s.W, s.H)
	attr("alt", s.Alt)
	b.WriteString(" loading=\"lazy\" decoding=\"async\">\n<figcaption>")
	b.WriteString(html.EscapeString(caption))
	b.WriteString("</figcaption>\n</figure>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

package site

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"image"
	"image/color"
	"image/gif"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kogi-course/kogi/gen/testenv"
)

// galleryFiles makes a small but complete gallery: real PNG and GIF files
// and a manifest with their sizes and hashes, as gpuruntime writes it.
func galleryFiles(t *testing.T, name string) map[string]string {
	t.Helper()
	pngOf := func(w, h int) []byte {
		img := image.NewGray(image.Rect(0, 0, w, h))
		for i := range img.Pix {
			img.Pix[i] = uint8(i * 7)
		}
		var b bytes.Buffer
		if err := png.Encode(&b, img); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	gifOf := func(w, h, frames int) []byte {
		pal := color.Palette{color.Black, color.White}
		a := &gif.GIF{}
		for f := range frames {
			img := image.NewPaletted(image.Rect(0, 0, w, h), pal)
			img.Pix[f%len(img.Pix)] = 1
			a.Image = append(a.Image, img)
			a.Delay = append(a.Delay, 10)
		}
		var b bytes.Buffer
		if err := gif.EncodeAll(&b, a); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	data := map[string][]byte{
		"samples.png": pngOf(56, 56), "strip.png": pngOf(30, 10),
		"forward.gif": gifOf(20, 20, 4), "reverse.gif": gifOf(20, 20, 5),
	}
	entry := func(f string, w, h int, extra map[string]any) map[string]any {
		sum := sha256.Sum256(data[f])
		e := map[string]any{"sha256": hex.EncodeToString(sum[:]), "bytes": len(data[f]), "width": w, "height": h}
		for k, v := range extra {
			e[k] = v
		}
		return e
	}
	man := map[string]any{
		"model": "test model", "recipe": "テスト用の手順", "params": 1234, "preset": "cpu", "steps": 40,
		"seconds": 125.0, "backend": "simplego", "device": "test CPU", "seed": 1, "git_commit": "0123456789abcdef",
		"judge": map[string]any{"confident_share": 0.7, "class_entropy": 2.29, "samples": 1000},
		"files": map[string]any{
			"samples.png": entry("samples.png", 56, 56, nil),
			"forward.gif": entry("forward.gif", 20, 20, map[string]any{"frames": 4}),
			"reverse.gif": entry("reverse.gif", 20, 20, map[string]any{"frames": 5}),
			"strip.png":   entry("strip.png", 30, 10, map[string]any{"frames": 3, "frame_width": 10, "frame_height": 10, "t": []int{500, 250, 0}}),
		},
	}
	return galleryDir(t, name, man, data)
}

// galleryDir lays out a gallery's files and manifest under gallery/<name>/.
func galleryDir(t *testing.T, name string, man map[string]any, data map[string][]byte) map[string]string {
	t.Helper()
	mj, err := json.Marshal(man)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{"gallery/" + name + "/manifest.json": string(mj)}
	for f, b := range data {
		files["gallery/"+name+"/"+f] = string(b)
	}
	return files
}

// cycleganFiles is a CycleGAN gallery: other files, steps on its strip.
func cycleganFiles(t *testing.T) map[string]string {
	t.Helper()
	d := galleryFiles(t, "x")
	data := map[string][]byte{
		"triplets.png":       []byte(d["gallery/x/samples.png"]),
		"training.gif":       []byte(d["gallery/x/forward.gif"]),
		"training_strip.png": []byte(d["gallery/x/strip.png"]),
		"losses.svg":         []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="300" height="200"><path d="M0 0L300 200" stroke="red"/></svg>`),
	}
	sum := func(f string) string { h := sha256.Sum256(data[f]); return hex.EncodeToString(h[:]) }
	man := map[string]any{
		"kind": "cyclegan", "model": "m", "recipe": "r", "preset": "cpu", "steps": 1000, "seconds": 600.0,
		"backend": "simplego", "device": "test CPU",
		"content_preservation": map[string]any{"a_to_b": 0.62, "b_to_a": 0.55, "passthrough_a_to_b": 0.01, "passthrough_b_to_a": 0.02},
		"cycle_l1":             0.081,
		"files": map[string]any{
			"triplets.png":       map[string]any{"sha256": sum("triplets.png"), "width": 56, "height": 56},
			"training.gif":       map[string]any{"sha256": sum("training.gif"), "width": 20, "height": 20, "frames": 4},
			"training_strip.png": map[string]any{"sha256": sum("training_strip.png"), "width": 30, "height": 10, "frames": 3, "frame_width": 10, "frame_height": 10, "steps": []int{0, 500, 1000}},
			"losses.svg":         map[string]any{"sha256": sum("losses.svg"), "width": 300, "height": 200},
		},
	}
	return galleryDir(t, "cyclegan", man, data)
}

func TestGalleryCycleGAN(t *testing.T) {
	files := cycleganFiles(t)
	files["gan.md"] = "---\ntitle: GAN\n---\n```gallery\nname: cyclegan\n```\n"
	dir := writeSite(t, files)
	out := filepath.Join(t.TempDir(), "public")
	cfg := testenv.Config(dir, out)
	cfg.Static = t.TempDir()
	if res, err := Build(cfg); err != nil {
		t.Fatalf("build: %v\n%s", err, problemsText(res.Problems, dir))
	}
	page := read(t, filepath.Join(out, "gan/index.html"))
	for _, want := range []string{
		`/gallery/cyclegan/triplets.png`, `/gallery/cyclegan/training.gif`, `/gallery/cyclegan/losses.svg`, `/gallery/cyclegan/training_strip.png`,
		`data-t="0 500 1000"`, "ステップ = <output>0</output>", "数字の保持率 A→B 0.62 (素通し 0.01)，B→A 0.55 (素通し 0.02)，サイクル L1 0.081",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	// An unknown kind is an error naming the manifest.
	m := files["gallery/cyclegan/manifest.json"]
	files["gallery/cyclegan/manifest.json"] = strings.Replace(m, `"kind":"cyclegan"`, `"kind":"stylegan"`, 1)
	dir = writeSite(t, files)
	cfg = testenv.Config(dir, filepath.Join(t.TempDir(), "public"))
	cfg.Static = t.TempDir()
	res, err := Build(cfg)
	if got := problemsText(res.Problems, dir); err == nil || !strings.Contains(got, `gan.md:4:4: gallery cyclegan: /gallery/cyclegan/manifest.json: unknown kind "stylegan"`) {
		t.Errorf("unknown kind: err %v\n%s", err, got)
	}
}

func TestGalleryBlock(t *testing.T) {
	files := galleryFiles(t, "diffusion")
	files["index.md"] = "---\ntitle: top\n---\nno gallery\n"
	files["ddpm.md"] = "---\ntitle: DDPM\n---\n# 拡散\n\n```gallery\nname: diffusion\ncaption: 学習したモデルの出力\n```\n"
	dir := writeSite(t, files)
	out := filepath.Join(t.TempDir(), "public")
	cfg := testenv.Config(dir, out)
	cfg.Strict = true
	if res, err := Build(cfg); err != nil {
		t.Fatalf("build: %v\n%s", err, problemsText(res.Problems, dir))
	}
	page := read(t, filepath.Join(out, "ddpm/index.html"))
	for _, want := range []string{
		`data-gallery="diffusion"`, `src="/gallery/diffusion/samples.png" width="56" height="56"`,
		`/gallery/diffusion/forward.gif`, `/gallery/diffusion/reverse.gif`, `/gallery/diffusion/strip.png`,
		`data-frames="3"`, `data-t="500 250 0"`, `max="2"`,
		`/assets/gallery.js`, `/assets/gallery.css`,
		"学習したモデルの出力", "プリセット cpu，40 ステップ学習 (2 分)", "test CPU", "70.0%", "commit 0123456",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if home := read(t, filepath.Join(out, "index.html")); strings.Contains(home, "gallery.js") {
		t.Error("a page without a gallery loads its script")
	}
}

func TestGalleryErrors(t *testing.T) {
	files := galleryFiles(t, "diffusion")
	files["gallery/diffusion/reverse.gif"] = "GIF89a changed"
	delete(files, "gallery/diffusion/strip.png")
	files["a.md"] = "---\ntitle: a\n---\n```gallery\nname: diffusion\n```\n\n```gallery\nname: nosuch\n```\n\n```gallery\nname: ../etc\n```\n"
	dir := writeSite(t, files)
	cfg := testenv.Config(dir, filepath.Join(t.TempDir(), "public"))
	cfg.Static = t.TempDir() // without the shipped gallery, which would fill the gaps
	for _, check := range []bool{false, true} {
		var res Result
		var err error
		if check {
			res, err = Check(cfg)
		} else {
			res, err = Build(cfg)
		}
		if err == nil {
			t.Fatalf("check=%v: a damaged gallery passed", check)
		}
		got := problemsText(res.Problems, dir)
		for _, want := range []string{
			"a.md:4:4: gallery diffusion: /gallery/diffusion/manifest.json: reverse.gif does not match its sha256",
			"a.md:4:4: gallery diffusion: /gallery/diffusion/manifest.json: strip.png is missing",
			"a.md:8:4: gallery nosuch: /gallery/nosuch/manifest.json is missing (make gallery writes it)",
			`a.md:12:4: gallery ../etc: gallery name "../etc": use lower-case letters, digits and -`,
		} {
			if !strings.Contains(got, want) {
				t.Errorf("check=%v: problems lack %q:\n%s", check, want, got)
			}
		}
	}
	if _, err := os.Stat(cfg.Out); err == nil {
		t.Error("a failed build left an output folder")
	}
}

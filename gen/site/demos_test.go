package site

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kogi-course/kogi/gen/demo"
	"github.com/kogi-course/kogi/gen/testenv"
	"github.com/kogi-course/kogi/wasmdemo/vae"
)

// demoFiles are random-weight stand-ins for static/demos/vae, so these tests
// do not depend on the trained models.
func demoFiles(t *testing.T) map[string]string {
	t.Helper()
	files := map[string]string{}
	for name, latent := range map[string]int{"vae2": 2, "vae16": 16} {
		var buf bytes.Buffer
		if err := vae.Write(&buf, vae.Random(latent, 7, 32), nil); err != nil {
			t.Fatal(err)
		}
		files["demos/vae/"+name+".kvae"] = buf.String()
	}
	var buf bytes.Buffer
	if err := vae.WriteMap(&buf, []float32{-1, 0, 1}, []float32{1, 0, -1}, []uint8{0, 5, 9}); err != nil {
		t.Fatal(err)
	}
	files["demos/vae/map2.kmap"] = buf.String()
	return files
}

func TestDemoBlocks(t *testing.T) {
	files := demoFiles(t)
	files["index.md"] = "---\ntitle: top\n---\nno demo here\n"
	files["vae.md"] = "---\ntitle: VAE\n---\n# VAE\n\n```demo\nname: vae-latent\n```\n\n```demo\nname: vae-interp\ncaption: 補間 <b>\n```\n"
	dir := writeSite(t, files)
	out := filepath.Join(t.TempDir(), "public")
	cfg := testenv.Config(dir, out)
	testenv.WithWasm(t, &cfg)
	cfg.Strict = true
	if res, err := Build(cfg); err != nil {
		t.Fatalf("build: %v\n%s", err, problemsText(res.Problems, dir))
	}
	page := read(t, filepath.Join(out, "vae/index.html"))
	for _, want := range []string{
		`data-demo="vae-latent"`, `data-model="/demos/vae/vae2.kvae"`, `data-map="/demos/vae/map2.kmap"`,
		`src="/demos/vae/vae-latent.png" width="720" height="360"`,
		`/assets/demos/demos.js`, `/assets/demos/demos.css`,
		`補間 &lt;b>`, // a caption is text, not HTML
	} {
		if !strings.Contains(page, want) {
			t.Errorf("VAE page lacks %q:\n%s", want, page)
		}
	}
	if strings.Contains(page, "name:") || strings.Contains(page, "language-demo") {
		t.Error("the demo block was rendered as code")
	}
	if home := read(t, filepath.Join(out, "index.html")); strings.Contains(home, "demos.js") {
		t.Error("a page without demos loads the demo script")
	}
	for _, name := range []string{"vae-latent", "vae-interp"} {
		spec, _ := demo.Lookup(name)
		f, err := os.Open(filepath.Join(out, spec.FallbackPath()))
		if err != nil {
			t.Fatalf("fallback image: %v", err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if b := img.Bounds(); b.Dx() != spec.W || b.Dy() != spec.H {
			t.Errorf("%s fallback is %v, HTML says %dx%d", name, b, spec.W, spec.H)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "demos/vae/vae-draw.png")); err == nil {
		t.Error("drew the fallback of a demo no page uses")
	}
	for _, f := range []string{"assets/wasm/vae.wasm", "assets/wasm/wasm_exec.js"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("wasm build not published: %v", err)
		}
	}
}

func TestDemoBlockErrors(t *testing.T) {
	files := map[string]string{
		"a.md": "---\ntitle: a\n---\ntext\n\n```demo\nname: vae-latnt\n```\n\n```demo\nname: vae-draw\ncolour: red\n```\n\n```demo\n```\n",
	}
	dir := writeSite(t, files)
	cfg := testenv.Config(dir, filepath.Join(t.TempDir(), "public"))
	cfg.Static = t.TempDir() // a theme without the trained models
	res, err := Build(cfg)
	if err == nil {
		t.Fatal("build with broken demo blocks succeeded")
	}
	got := problemsText(res.Problems, dir)
	for _, want := range []string{
		`a.md:6:4: unknown demo "vae-latnt" (have: vae-draw, vae-interp, vae-latent)`,
		`a.md:10:4: warning: demo vae-draw: unknown key "colour"`,
		`a.md:10:4: demo vae-draw needs /demos/vae/vae2.kvae, which the site does not have`,
		`a.md:15:4: demo block has no name`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("problems lack %q:\n%s", want, got)
		}
	}
	if _, err := os.Stat(cfg.Out); err == nil {
		t.Error("a failed build left an output folder")
	}
}

// A corrupted model file is a build error naming the file, not a panic or a
// blank image.
func TestDemoCorruptModel(t *testing.T) {
	files := demoFiles(t)
	m := []byte(files["demos/vae/vae2.kvae"])
	m[len(m)/2] ^= 1
	files["demos/vae/vae2.kvae"] = string(m)
	files["a.md"] = "---\ntitle: a\n---\n```demo\nname: vae-latent\n```\n"
	dir := writeSite(t, files)
	cfg := testenv.Config(dir, filepath.Join(t.TempDir(), "public"))
	_, err := Build(cfg)
	if err == nil || !strings.Contains(err.Error(), "/demos/vae/vae2.kvae: vae: checksum mismatch") {
		t.Fatalf("err = %v", err)
	}
}

// TestOutputWorldReadable: files that come from the minify and fallback
// caches are hard links, so the cache's own file mode is what a web server
// sees.
func TestOutputWorldReadable(t *testing.T) {
	files := demoFiles(t)
	files["a.md"] = "---\ntitle: a\n---\n```demo\nname: vae-latent\n```\n"
	files["fig.svg"] = `<svg xmlns="http://www.w3.org/2000/svg"><!-- c --><rect width="1" height="1"/></svg>`
	files["data.json"] = `{ "a" : 1 }`
	dir := writeSite(t, files)
	out := filepath.Join(t.TempDir(), "public")
	cfg := testenv.Config(dir, out)
	cfg.CacheDir = t.TempDir()
	for range 2 { // the second build links from the cache
		if res, err := Build(cfg); err != nil {
			t.Fatalf("build: %v\n%s", err, problemsText(res.Problems, dir))
		}
	}
	n := 0
	filepath.WalkDir(out, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		n++
		if fi.Mode().Perm()&0o444 != 0o444 {
			t.Errorf("%s has mode %v: not readable by a web server running as another user", p, fi.Mode())
		}
		return nil
	})
	if n < 5 {
		t.Fatalf("only %d files checked", n)
	}
}

func TestMain(m *testing.M) {
	code := m.Run()
	testenv.Cleanup()
	os.Exit(code)
}

// TestStatIndex: a rebuild links minified files by their stat key, and an
// edited file (even one of the same size) is minified again.
func TestStatIndex(t *testing.T) {
	svg := `<svg xmlns="http://www.w3.org/2000/svg"><!-- c --><rect width="1" height="1"/></svg>`
	dir := writeSite(t, map[string]string{"fig.svg": svg, "a.md": "---\ntitle: a\n---\n![図](fig.svg)\n"})
	out := filepath.Join(t.TempDir(), "public")
	cfg := testenv.Config(dir, out)
	cfg.CacheDir = t.TempDir()
	build := func() { t.Helper(); mustBuild(t, cfg) }
	build()
	index := read(t, filepath.Join(cfg.CacheDir, "minify", "stat-index"))
	if !strings.Contains(index, filepath.Join(dir, "fig.svg")) {
		t.Fatalf("stat index lacks the SVG:\n%s", index)
	}
	build()
	if got := read(t, filepath.Join(out, "fig.svg")); strings.Contains(got, "<!--") || !strings.Contains(got, "rect") {
		t.Fatalf("second build: %q", got)
	}
	if err := os.WriteFile(filepath.Join(dir, "fig.svg"), []byte(strings.Replace(svg, `width="1"`, `width="7"`, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	build()
	if got := read(t, filepath.Join(out, "fig.svg")); !strings.Contains(got, `width="7"`) {
		t.Errorf("an edited SVG of the same size kept its old output: %q", got)
	}
}

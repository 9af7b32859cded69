package wasmdemo_test

import (
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/kogi-course/kogi/gen/config"
	"github.com/kogi-course/kogi/gen/site"
)

// vaeLecture is the lecture whose ```demo blocks hold the three VAE demos.
const vaeLecture = "gm/lect02"

// TestVAELectureInBrowser builds our course with gen, as published, and uses
// the demos inside the VAE lecture, on a laptop and on a phone, next to
// MathJax and the rest of the page.
func TestVAELectureInBrowser(t *testing.T) {
	base := buildCourse(t)
	actx := allocator(t)
	tt := openTab(t, actx, 1280, 900)
	tt.open(t, base+"/"+vaeLecture+"/")
	exerciseLatent(t, tt, nil)
	exerciseDraw(t, tt)
	exerciseInterp(t, tt)
	for _, name := range []string{"vae-latent", "vae-draw", "vae-interp"} {
		png, err := chromedp.Run(tt.ctx, chromedp.Screenshot(`[data-demo="`+name+`"]`))
		if err == nil {
			err = os.WriteFile(filepath.Join(shotsDir(t), "lecture-"+name+"-1280.png"), png, 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	shoot(t, tt, "lecture-1280.png")
	if problems, _ := tt.seen(); len(problems) > 0 {
		t.Errorf("problems in the lecture:\n%s", strings.Join(problems, "\n"))
	}

	phone := openTab(t, actx, 360, 780)
	phone.open(t, base+"/"+vaeLecture+"/")
	onPhone(t, phone)
	for _, name := range []string{"vae-latent", "vae-draw", "vae-interp"} {
		png, err := chromedp.Run(phone.ctx, chromedp.Screenshot(`[data-demo="`+name+`"]`))
		if err == nil {
			err = os.WriteFile(filepath.Join(shotsDir(t), "lecture-"+name+"-360.png"), png, 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	shoot(t, phone, "lecture-360.png")
}

// buildCourse builds content/ with gen into a temporary folder, with the
// wasm built for this test and, until gpuruntime has exported them, random
// weights in place of static/demos/vae/, and serves it on 127.0.0.1.
func buildCourse(t *testing.T) string {
	t.Helper()
	lecture, err := os.ReadFile(filepath.Join(root, "content", vaeLecture+".md"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(lecture), "```demo") {
		t.Skipf("skipping: %s.md has no demo yet", vaeLecture)
	}
	chromium(t) // skip early: building the site takes a while
	content := filepath.Join(t.TempDir(), "content")
	if err := os.CopyFS(content, os.DirFS(filepath.Join(root, "content"))); err != nil {
		t.Fatal(err)
	}
	w := loadWeights(t)
	if !w.real {
		dir := filepath.Join(content, "demos", "vae")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for name, b := range map[string][]byte{"vae2.kvae": w.vae2, "vae16.kvae": w.vae16, "map2.kmap": w.map2} {
			if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	t.Logf("weights: real export = %v", w.real)

	// gen/internal/testenv.Config, which this package may not import.
	out := filepath.Join(t.TempDir(), "public")
	abs, err := filepath.Abs(root)
	if err != nil {
		t.Fatal(err)
	}
	cfg := config.Default
	cfg.Content, cfg.Out = content, out
	cfg.Templates = filepath.Join(abs, "templates")
	cfg.Static = filepath.Join(abs, "static")
	cfg.Assets = []config.Mount{config.DefaultAssets[0], {Src: buildWasm(t), Dest: "assets/wasm"}}
	cfg.Assets[0].Src = filepath.Join(abs, cfg.Assets[0].Src)
	if _, err := os.Stat(cfg.Assets[0].Src); err != nil {
		cfg.Assets = cfg.Assets[1:] // no MathJax (make installs it): formulas stay TeX
	}
	cfg.CacheDir = ""
	cfg.Search = false
	res, err := site.Build(cfg)
	if err != nil {
		t.Fatalf("build: %v\n%v", err, res.Problems)
	}
	if _, err := fs.Stat(os.DirFS(out), "demos/vae/vae-latent.png"); err != nil {
		t.Fatalf("gen wrote no fallback image: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.FileServer(http.Dir(out))}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String()
}

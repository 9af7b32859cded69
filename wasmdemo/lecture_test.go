package wasmdemo_test

import (
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/kogi-course/kogi/gen/site"
	"github.com/kogi-course/kogi/gen/testenv"
)

// vaeLecture is the lecture whose ```demo blocks hold the three VAE demos.
const vaeLecture = "gm/lect02"

// TestVAELectureInBrowser builds our course with gen, as published, and uses
// the demos inside the VAE lecture, on a laptop and on a phone, next to
// MathJax and the rest of the page.
func TestVAELectureInBrowser(t *testing.T) {
	base := buildCourse(t)
	actx := testenv.Allocator(t)
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

// buildCourse builds content/ with gen (the shipped weights, a fresh wasm
// build) into a temporary folder and serves it on 127.0.0.1.
func buildCourse(t *testing.T) string {
	t.Helper()
	lecture, err := os.ReadFile(filepath.Join(root, "content", vaeLecture+".md"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(lecture), "```demo") {
		t.Fatalf("%s.md embeds no demo", vaeLecture)
	}
	testenv.Chromium(t) // skip early: building the site takes a while
	out := filepath.Join(t.TempDir(), "public")
	cfg := testenv.Config(filepath.Join(root, "content"), out)
	testenv.WithWasm(t, &cfg)
	cfg.Search = false
	cfg.Strict = true
	res, err := site.Build(cfg)
	if err != nil {
		t.Fatalf("build: %v\n%v", err, res.Problems)
	}
	if _, err := fs.Stat(os.DirFS(out), "demos/vae/vae-latent.png"); err != nil {
		t.Fatalf("gen wrote no fallback image: %v", err)
	}
	return testenv.Serve(t, http.FileServer(http.Dir(out)))
}

package site

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestGalleryScrubberInBrowser: the frame scrubber answers the keyboard,
// the range input and a sideways drag, and shows each frame's t.
func TestGalleryScrubberInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping: browser test")
	}
	files := galleryFiles(t, "diffusion")
	files["ddpm.md"] = "---\ntitle: DDPM\n---\n# 拡散\n\n```gallery\nname: diffusion\n```\n"
	base, actx := browse(t, writeSite(t, files))
	ctx := tab(t, actx, 1280, 900)
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/ddpm/"), chromedp.WaitVisible(".kogi-scrub-control")); err != nil {
		t.Fatal(err)
	}
	state := func() string {
		return evalString(t, ctx, `(() => { const s = document.querySelector('.kogi-scrub');
			return s.querySelector('output').textContent + ' ' + s.style.getPropertyValue('--i') + ' ' + s.querySelector('input').value; })()`)
	}
	if got := state(); got != "500 0 0" {
		t.Fatalf("initial state %q, want t=500 at frame 0", got)
	}
	if err := chromedp.Do(ctx, chromedp.Focus(".kogi-scrub-view"), chromedp.KeyEvent(kb.ArrowRight)); err != nil {
		t.Fatal(err)
	}
	if got := state(); got != "250 1 1" {
		t.Errorf("after ArrowRight: %q, want t=250 at frame 1", got)
	}
	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.End)); err != nil {
		t.Fatal(err)
	}
	if got := state(); got != "0 2 2" {
		t.Errorf("after End: %q, want t=0 at frame 2", got)
	}
	evalString(t, ctx, `(() => { const i = document.querySelector('.kogi-scrub input'); i.value = '1'; i.dispatchEvent(new Event('input')); return ''; })()`)
	if got := state(); got != "250 1 1" {
		t.Errorf("after the range input: %q", got)
	}
	// A drag from the left edge across the picture runs to the last frame.
	box, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`(() => { const r = document.querySelector('.kogi-scrub-view').getBoundingClientRect(); return [r.left, r.top, r.width, r.height]; })()`))
	if err != nil {
		t.Fatal(err)
	}
	x0, y := box[0]+2, box[1]+box[3]/2
	held := func(p *input.DispatchMouseEventParams) { p.Button = input.MouseButtonLeft; p.Buttons = 1 }
	drag := []chromedp.Action[chromedp.Void]{
		chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, x0, y),
		chromedp.MouseEvent(input.DispatchMouseEventTypeMousePressed, x0, y, held, chromedp.ClickCount(1)),
	}
	for k := 1; k <= 10; k++ {
		drag = append(drag, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, x0+box[2]*float64(k)/10, y, held))
	}
	drag = append(drag, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseReleased, x0+box[2], y, chromedp.ButtonLeft, chromedp.ClickCount(1)))
	evalString(t, ctx, `(() => { const i = document.querySelector('.kogi-scrub input'); i.value = '0'; i.dispatchEvent(new Event('input')); return ''; })()`)
	if err := chromedp.Do(ctx, drag...); err != nil {
		t.Fatal(err)
	}
	if got := state(); got != "0 2 2" {
		t.Errorf("after dragging across %v: %q, want the last frame", box, got)
	}
}

// TestLectureGalleries opens the shipped galleries in our lectures at phone
// and desktop widths: every picture loads, the scrubber reaches its last
// frame, nothing overflows sideways. Screenshots go to shotsDir.
func TestLectureGalleries(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping: browser test")
	}
	base, actx := browse(t, "../../content")
	for _, g := range []struct{ page, name, last string }{
		{"/gm/lect03/", "diffusion", "0"},   // t at the end of the reverse process
		{"/gm/lect01/", "cyclegan", "3600"}, // the last training step
	} {
		for _, w := range []int64{360, 1280} {
			ctx := tab(t, actx, w, 900)
			sel := fmt.Sprintf(`[data-gallery="%s"]`, g.name)
			if err := chromedp.Do(ctx, chromedp.Navigate(base+g.page), chromedp.WaitVisible(sel+" .kogi-scrub-control"),
				chromedp.ScrollIntoView(sel)); err != nil {
				t.Fatal(err)
			}
			got := evalString(t, ctx, `Promise.all([...document.querySelectorAll('`+sel+` img')].map(i => i.decode().then(() => i.naturalWidth > 0, () => false)))
				.then(ok => ok.length + ' ' + ok.filter(Boolean).length + ' ' + (document.documentElement.scrollWidth > innerWidth))`)
			if got != "4 4 false" {
				t.Errorf("%s %d px: images, loaded, overflow = %q; want 4 4 false", g.page, w, got)
			}
			if err := chromedp.Do(ctx, chromedp.Focus(sel+" .kogi-scrub-view"), chromedp.KeyEvent(kb.End)); err != nil {
				t.Fatal(err)
			}
			if got := evalString(t, ctx, `document.querySelector('`+sel+` .kogi-scrub output').textContent`); got != g.last {
				t.Errorf("%s %d px: after End the scrubber shows %s, want %s", g.page, w, got, g.last)
			}
			shot, err := chromedp.Run(ctx, chromedp.Screenshot(sel))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(shotsDir(t), fmt.Sprintf("gallery-%s-%d.png", g.name, w)), shot, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

package site

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// shotsDir is where browser tests leave their screenshots for a person to
// look at: $KOGI_SHOTS, else shots/ at the repository root (git-ignored).
func shotsDir(t *testing.T) string {
	dir := os.Getenv("KOGI_SHOTS")
	if dir == "" {
		dir = filepath.Join("..", "..", "shots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func tab(t *testing.T, actx context.Context, width, height int64) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	ctx, cancelT := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(cancelT)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, height)); err != nil {
		t.Fatal(err)
	}
	return ctx
}

func evalString(t *testing.T, ctx context.Context, js string) string {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return v
}

// TestReadingInBrowser walks our course as a student would: next and
// previous lecture, a jump from the table of contents, the keyboard, no
// sideways scrolling on a 360 px phone, and no layout shift caused by the
// navigation.
func TestReadingInBrowser(t *testing.T) {
	base, actx := browse(t, "../../content")
	shots := shotsDir(t)

	desk := tab(t, actx, 1280, 800)
	if err := chromedp.Do(desk, chromedp.Navigate(base+"/gm/lect01/"), chromedp.WaitReady("main")); err != nil {
		t.Fatal(err)
	}
	for _, step := range []struct{ click, want string }{
		{`a[rel="next"]`, "/gm/lect02/"},
		{`a[rel="next"]`, "/gm/lect03/"},
		{`a[rel="prev"]`, "/gm/lect02/"},
		{`.breadcrumb li:nth-child(2) a`, "/gm/"},
		{`.lecture-list li:nth-child(3) a`, "/gm/lect03/"},
	} {
		if err := chromedp.Do(desk, chromedp.Click(step.click, chromedp.NodeVisible), chromedp.WaitReady("main")); err != nil {
			t.Fatalf("click %s: %v", step.click, err)
		}
		if got := evalString(t, desk, `location.pathname`); got != step.want {
			t.Fatalf("after clicking %s: at %s, want %s", step.click, got, step.want)
		}
	}

	// The table of contents sits beside the text, open, and jumps to a section.
	if open := evalString(t, desk, `String(document.querySelector('.toc details').open)`); open != "true" {
		t.Error("table of contents not open on a wide screen")
	}
	target := evalString(t, desk, `decodeURIComponent(document.querySelectorAll('.toc a')[6].getAttribute('href').slice(1))`)
	if err := chromedp.Do(desk, chromedp.Click(`.toc li:nth-child(7) a`, chromedp.NodeVisible), chromedp.Sleep(300*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	top, err := strconv.Atoi(evalString(t, desk, `String(Math.round(document.getElementById(`+jsString(target)+`).getBoundingClientRect().top))`))
	if err != nil || top < 0 || top > 40 { // scroll-margin-top is 1rem
		t.Errorf("section %q is at %d px after the jump, want within 40 px of the top (%v)", target, top, err)
	}
	if cur := evalString(t, desk, `(document.querySelector('.toc a[aria-current]')||{}).textContent||''`); cur == "" {
		t.Error("no table-of-contents entry marked as the current section")
	}
	if err := chromedp.Do(desk, chromedp.Navigate(base+"/gm/lect02/"), chromedp.WaitReady("main"), chromedp.Sleep(1500*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	shot, err := chromedp.Run(desk, chromedp.CaptureScreenshot())
	if err == nil {
		err = os.WriteFile(filepath.Join(shots, "lecture-1280.png"), shot, 0o644)
	}
	if err != nil {
		t.Fatal(err)
	}
	// Layout shifts: those from navigation must be zero; MathJax replacing
	// TeX is the only shift allowed.
	shift := evalString(t, desk, `new Promise(done => {
	  let nav = 0, all = 0;
	  new PerformanceObserver(list => {
	    for (const e of list.getEntries()) {
	      all += e.value;
	      if ((e.sources || []).some(s => s.node && s.node.closest && s.node.closest('nav, header, .toc, .breadcrumb'))) nav += e.value;
	    }
	  }).observe({type: 'layout-shift', buffered: true});
	  setTimeout(() => done(nav.toFixed(4) + ' ' + all.toFixed(4)), 200);
	})`)
	t.Logf("layout shift on /gm/lect02/: navigation, all = %s", shift)
	if !strings.HasPrefix(shift, "0.0000 ") {
		t.Errorf("navigation shifted the layout: %s", shift)
	}
	// The measurement itself works: pushing the text down is seen.
	probe := evalString(t, desk, `new Promise(done => {
	  let all = 0;
	  new PerformanceObserver(l => l.getEntries().forEach(e => all += e.value)).observe({type: 'layout-shift'});
	  window.scrollTo(0, 0);
	  const d = document.createElement('div'); d.style.height = '300px';
	  requestAnimationFrame(() => { document.querySelector('main').prepend(d); setTimeout(() => done(String(all)), 300); });
	})`)
	if v, _ := strconv.ParseFloat(probe, 64); v <= 0 {
		t.Errorf("layout-shift probe saw nothing (%s): the measurement above proves nothing", probe)
	}

	// Keyboard: the first Tab reaches the skip link, Enter moves to the text.
	if err := chromedp.Do(desk, chromedp.KeyEvent(kb.Tab)); err != nil {
		t.Fatal(err)
	}
	if cls := evalString(t, desk, `document.activeElement.className`); cls != "skip-link" {
		t.Errorf("first Tab focuses %q, want the skip link", cls)
	}

	// Phones: nothing scrolls sideways; the contents fold above the text.
	phone := tab(t, actx, 360, 780)
	for _, p := range []string{"/", "/gm/", "/gm/lect01/", "/gm/lect02/", "/gm/lect03/"} {
		if err := chromedp.Do(phone, chromedp.Navigate(base+p), chromedp.WaitReady("main"), chromedp.Sleep(800*time.Millisecond)); err != nil {
			t.Fatal(err)
		}
		if w := evalString(t, phone, `document.documentElement.scrollWidth + ' ' + window.innerWidth`); strings.Fields(w)[0] != strings.Fields(w)[1] {
			t.Errorf("%s scrolls sideways at 360 px: scrollWidth, innerWidth = %s", p, w)
		}
		if p == "/gm/lect02/" {
			if open := evalString(t, phone, `String(document.querySelector('.toc details').open)`); open != "false" {
				t.Error("table of contents open on a phone")
			}
			shot, err := chromedp.Run(phone, chromedp.CaptureScreenshot())
			if err == nil {
				err = os.WriteFile(filepath.Join(shots, "lecture-360.png"), shot, 0o644)
			}
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	t.Logf("screenshots in %s", shots)
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`, "\n", `\n`).Replace(s) + "'"
}

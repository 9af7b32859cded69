// Helpers for driving headless Chromium: tabs that record what went wrong,
// real mouse and touch input, canvas checks, screenshots.

package wasmdemo_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// tab opens a page at the given viewport size and records everything that
// went wrong in it: exceptions, console errors, failed or refused requests.
type tab struct {
	ctx      context.Context
	mu       sync.Mutex
	problems []string
	requests []string
	urls     map[network.RequestID]string
}

func openTab(tb testing.TB, actx context.Context, width, height int64) *tab {
	tb.Helper()
	ctx, cancel := chromedp.NewContext(actx)
	tb.Cleanup(cancel)
	ctx, cancelT := context.WithTimeout(ctx, 3*time.Minute)
	tb.Cleanup(cancelT)
	tt := &tab{ctx: ctx, urls: map[network.RequestID]string{}}
	chromedp.Listen(ctx, func(ev any) {
		tt.mu.Lock()
		defer tt.mu.Unlock()
		switch e := ev.(type) {
		case *runtime.EventExceptionThrown:
			tt.problems = append(tt.problems, "exception: "+e.ExceptionDetails.Text+" "+fmt.Sprint(e.ExceptionDetails.Exception))
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError {
				args := ""
				for _, a := range e.Args {
					args += " " + string(a.Value) + a.Description
				}
				tt.problems = append(tt.problems, "console error:"+args)
			}
		case *network.EventRequestWillBeSent:
			tt.requests = append(tt.requests, e.Request.URL)
			tt.urls[e.RequestID] = e.Request.URL
		case *network.EventLoadingFailed:
			tt.problems = append(tt.problems, "request failed: "+e.ErrorText+" "+tt.urls[e.RequestID])
		case *network.EventResponseReceived:
			if e.Response.Status >= 400 {
				tt.problems = append(tt.problems, fmt.Sprintf("HTTP %d %s", e.Response.Status, e.Response.URL))
			}
		}
	})
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, height)); err != nil {
		tb.Fatal(err)
	}
	return tt
}

func (tt *tab) seen() (problems, requests []string) {
	tt.mu.Lock()
	defer tt.mu.Unlock()
	return append([]string(nil), tt.problems...), append([]string(nil), tt.requests...)
}

func (tt *tab) open(tb testing.TB, url string) {
	tb.Helper()
	if err := chromedp.Do(tt.ctx, chromedp.Navigate(url), chromedp.WaitReady("body")); err != nil {
		tb.Fatalf("%s: %v", url, err)
	}
}

// eval runs JavaScript (awaiting a promise) and decodes its value.
func eval[T any](tb testing.TB, tt *tab, js string) T {
	tb.Helper()
	v, err := chromedp.Run(tt.ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		tb.Fatalf("%.300s: %v", js, err)
	}
	return v
}

// ready scrolls a widget into view (which is what starts it) and waits for
// its first frame; it returns "" or the error text the widget shows.
func ready(tb testing.TB, tt *tab, name string) string {
	tb.Helper()
	return eval[string](tb, tt, `(async () => {
	  const w = kogiDemos.widgets.find(w => w.name === '`+name+`');
	  w.el.scrollIntoView({block: 'center'});
	  try { await w.ready; return ''; } catch (e) {
	    return (w.el.querySelector('.kd-error') || {textContent: 'no error shown: ' + e}).textContent;
	  }
	})()`)
}

// box is an element's rectangle in the viewport: x, y, width, height.
func box(tb testing.TB, tt *tab, sel string) [4]float64 {
	tb.Helper()
	r := eval[[]float64](tb, tt, `(() => { const r = document.querySelector('`+sel+`').getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; })()`)
	return [4]float64{r[0], r[1], r[2], r[3]}
}

// ink describes a canvas's pixels: the sum of alpha and a short hash, so a
// test can tell blank from drawn and one picture from the next.
func ink(tb testing.TB, tt *tab, sel string) (sum int, hash string) {
	tb.Helper()
	v := eval[[]float64](tb, tt, `(() => {
	  const c = document.querySelector('`+sel+`');
	  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
	  let s = 0, h = 0;
	  for (let i = 0; i < d.length; i++) { h = (h * 31 + d[i]) | 0; if (i % 4 === 3) s += d[i]; }
	  return [s, h];
	})()`)
	return int(v[0]), fmt.Sprint(int64(v[1]))
}

// mouseDrag presses the left button at the first point, moves through the
// others and releases at the last: real input events, as a mouse gives.
func mouseDrag(tb testing.TB, tt *tab, pts [][2]float64) {
	tb.Helper()
	held := func(p *input.DispatchMouseEventParams) { p.Button = input.MouseButtonLeft; p.Buttons = 1 }
	steps := []chromedp.Action[chromedp.Void]{chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, pts[0][0], pts[0][1]),
		chromedp.MouseEvent(input.DispatchMouseEventTypeMousePressed, pts[0][0], pts[0][1], held, chromedp.ClickCount(1))}
	for _, p := range pts[1:] {
		steps = append(steps, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, p[0], p[1], held))
	}
	last := pts[len(pts)-1]
	steps = append(steps, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseReleased, last[0], last[1], chromedp.ButtonLeft, chromedp.ClickCount(1)))
	if err := chromedp.Do(tt.ctx, steps...); err != nil {
		tb.Fatal(err)
	}
}

// touchDrag is the same stroke made with a finger.
func touchDrag(tb testing.TB, tt *tab, pts [][2]float64) {
	tb.Helper()
	err := chromedp.Do(tt.ctx, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if _, err := cdp.Call(ctx, t, emulation.SetTouchEmulationEnabled, emulation.SetTouchEmulationEnabledParams{Enabled: true, MaxTouchPoints: 1}); err != nil {
			return err
		}
		for i, p := range pts {
			typ := input.DispatchTouchEventTypeTouchMove
			if i == 0 {
				typ = input.DispatchTouchEventTypeTouchStart
			}
			id, r := 0.0, 4.0
			if _, err := cdp.Call(ctx, t, input.DispatchTouchEvent, input.DispatchTouchEventParams{Type: typ,
				TouchPoints: []*input.TouchPoint{{X: p[0], Y: p[1], ID: &id, RadiusX: &r, RadiusY: &r}}}); err != nil {
				return err
			}
		}
		_, err := cdp.Call(ctx, t, input.DispatchTouchEvent, input.DispatchTouchEventParams{Type: input.DispatchTouchEventTypeTouchEnd, TouchPoints: []*input.TouchPoint{}})
		return err
	}))
	if err != nil {
		tb.Fatal(err)
	}
}

// line gives n+1 points from a to b.
func line(a, b [2]float64, n int) [][2]float64 {
	pts := make([][2]float64, n+1)
	for i := range pts {
		t := float64(i) / float64(n)
		pts[i] = [2]float64{a[0] + t*(b[0]-a[0]), a[1] + t*(b[1]-a[1])}
	}
	return pts
}

// at is the point (fx, fy) of a box, as fractions of its size.
func at(r [4]float64, fx, fy float64) [2]float64 { return [2]float64{r[0] + fx*r[2], r[1] + fy*r[3]} }

// settle waits two animation frames: rAF-coalesced renders are done.
func settle(tb testing.TB, tt *tab) {
	eval[bool](tb, tt, `new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))`)
}

func shotsDir(tb testing.TB) string {
	dir := os.Getenv("KOGI_SHOTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "shots-vae")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	return dir
}

func shoot(tb testing.TB, tt *tab, file string) {
	tb.Helper()
	png, err := chromedp.Run(tt.ctx, chromedp.FullScreenshot(100))
	if err == nil {
		err = os.WriteFile(filepath.Join(shotsDir(tb), file), png, 0o644)
	}
	if err != nil {
		tb.Fatal(err)
	}
}

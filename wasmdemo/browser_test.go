package wasmdemo_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/kogi-course/kogi/wasmdemo/vae"
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

// TestVAEInBrowser uses the three demos as a student would, with a mouse on
// the explorer, a finger on the drawing pad and clicks on the interpolation
// map, and checks that what should change on screen does.
func TestVAEInBrowser(t *testing.T) {
	s := serveDemos(t)
	t.Logf("weights: real export = %v", s.w.real)
	actx := allocator(t)
	tt := openTab(t, actx, 1280, 900)
	tt.open(t, s.base+"/")

	if msg := ready(t, tt, "vae-latent"); msg != "" {
		t.Fatalf("vae-latent: %s", msg)
	}
	// The other demos are far below: they have not downloaded anything.
	if _, reqs := tt.seen(); strings.Contains(strings.Join(reqs, " "), "vae16.kvae") {
		t.Error("vae16.kvae requested before the drawing demo came near the screen")
	}
	if v := eval[string](t, tt, `getComputedStyle(document.querySelector('[data-demo=vae-latent] .kogi-demo-fallback')).display`); v != "none" {
		t.Errorf("fallback image still shown (display %s) once the widget runs", v)
	}

	// Explorer: drag the point; the digit follows and is not blank.
	plane := box(t, tt, "[data-demo=vae-latent] .kd-plane")
	sum0, hash0 := ink(t, tt, "[data-demo=vae-latent] .kd-digit")
	z0 := eval[string](t, tt, `document.querySelector('[data-demo=vae-latent] .kd-z').textContent`)
	mouseDrag(t, tt, line(at(plane, 0.5, 0.5), at(plane, 0.85, 0.2), 15))
	settle(t, tt)
	sum1, hash1 := ink(t, tt, "[data-demo=vae-latent] .kd-digit")
	z1 := eval[string](t, tt, `document.querySelector('[data-demo=vae-latent] .kd-z').textContent`)
	t.Logf("explorer: %s → %s, ink %d → %d", z0, z1, sum0, sum1)
	if z1 == z0 || hash1 == hash0 {
		t.Errorf("dragging did not change the point or the digit: %s → %s", z0, z1)
	}
	if sum1 == 0 || sum1 == 255*784 {
		t.Errorf("decoded digit is blank or solid (alpha sum %d)", sum1)
	}
	// Keyboard: arrows move the point.
	if err := chromedp.Do(tt.ctx, chromedp.Focus("[data-demo=vae-latent] .kd-plane"), chromedp.KeyEvent(kb.ArrowLeft), chromedp.KeyEvent(kb.ArrowLeft)); err != nil {
		t.Fatal(err)
	}
	settle(t, tt)
	if z2 := eval[string](t, tt, `document.querySelector('[data-demo=vae-latent] .kd-z').textContent`); z2 == z1 {
		t.Errorf("arrow keys did not move the point (%s)", z2)
	}
	// The manifold view and back.
	if err := chromedp.Do(tt.ctx, chromedp.Click("[data-demo=vae-latent] .kd-button", chromedp.NodeVisible)); err != nil {
		t.Fatal(err)
	}
	settle(t, tt)
	if p := eval[string](t, tt, `document.querySelector('[data-demo=vae-latent] .kd-button').getAttribute('aria-pressed')`); p != "true" {
		t.Error("manifold toggle not pressed after a click")
	}
	shoot(t, tt, "grid-1280.png")
	if err := chromedp.Do(tt.ctx, chromedp.Click("[data-demo=vae-latent] .kd-button", chromedp.NodeVisible)); err != nil {
		t.Fatal(err)
	}

	// Drawing: a finger draws a "7"; a point appears on the map and the
	// input and both reconstructions are drawn.
	if msg := ready(t, tt, "vae-draw"); msg != "" {
		t.Fatalf("vae-draw: %s", msg)
	}
	mapBefore, _ := ink(t, tt, "[data-demo=vae-draw] .kd-plane")
	_, mapHash0 := ink(t, tt, "[data-demo=vae-draw] .kd-plane")
	pad := box(t, tt, "[data-demo=vae-draw] .kd-pad")
	touchDrag(t, tt, append(line(at(pad, 0.25, 0.2), at(pad, 0.75, 0.2), 10), line(at(pad, 0.75, 0.2), at(pad, 0.45, 0.85), 14)[1:]...))
	settle(t, tt)
	_, mapHash1 := ink(t, tt, "[data-demo=vae-draw] .kd-plane")
	mu := eval[string](t, tt, `document.querySelector('[data-demo=vae-draw] .kd-z').textContent`)
	t.Logf("drawing: %s (map alpha before %d)", mu, mapBefore)
	if !strings.HasPrefix(mu, "μ = (") || mapHash1 == mapHash0 {
		t.Errorf("no point on the map after drawing: %q", mu)
	}
	for i, what := range []string{"input", "2-D reconstruction", "16-D reconstruction"} {
		if sum, _ := ink(t, tt, fmt.Sprintf("[data-demo=vae-draw] .kd-trio .kd-digit-box:nth-child(%d) .kd-digit", i+1)); sum == 0 {
			t.Errorf("%s is blank after drawing", what)
		}
	}
	shoot(t, tt, "draw-1280.png")

	// Interpolation: the drawing becomes A, a click on the map moves B.
	if msg := ready(t, tt, "vae-interp"); msg != "" {
		t.Fatalf("vae-interp: %s", msg)
	}
	_, strip0 := ink(t, tt, "[data-demo=vae-interp] .kd-strip")
	if err := chromedp.Do(tt.ctx, chromedp.Click(`//figure[@data-demo="vae-interp"]//button[contains(., "描いた数字を A に")]`, chromedp.NodeVisible)); err != nil {
		t.Fatal(err)
	}
	settle(t, tt)
	_, strip1 := ink(t, tt, "[data-demo=vae-interp] .kd-strip")
	if strip1 == strip0 {
		t.Error("using the drawing as A did not change the strip")
	}
	ip := box(t, tt, "[data-demo=vae-interp] .kd-plane")
	if err := chromedp.Do(tt.ctx, chromedp.Click(`//figure[@data-demo="vae-interp"]//button[contains(., "端点 B")]`, chromedp.NodeVisible),
		chromedp.MouseClickXY(at(ip, 0.8, 0.8)[0], at(ip, 0.8, 0.8)[1])); err != nil {
		t.Fatal(err)
	}
	settle(t, tt)
	sum, strip2 := ink(t, tt, "[data-demo=vae-interp] .kd-strip")
	if strip2 == strip1 || sum == 0 {
		t.Errorf("clicking the map did not redraw the strip (alpha sum %d)", sum)
	}
	shoot(t, tt, "page-1280.png")

	// Dark theme: the widgets follow it.
	if err := chromedp.Do(tt.ctx, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}}})
		return err
	})); err != nil {
		t.Fatal(err)
	}
	settle(t, tt)
	if bg := eval[string](t, tt, `(() => { const c = document.querySelector('[data-demo=vae-latent] .kd-plane');
	  const d = c.getContext('2d').getImageData(2, 2, 1, 1).data; return d[0] + ',' + d[1] + ',' + d[2]; })()`); bg != "21,23,26" {
		t.Errorf("latent plane background in dark mode is %s, want the theme's --bg 21,23,26", bg)
	}
	shoot(t, tt, "page-1280-dark.png")

	// Clearing the pad clears the readout.
	if err := chromedp.Do(tt.ctx, chromedp.Click(`//figure[@data-demo="vae-draw"]//button[contains(., "消す")]`, chromedp.NodeVisible)); err != nil {
		t.Fatal(err)
	}
	settle(t, tt)
	if mu := eval[string](t, tt, `document.querySelector('[data-demo=vae-draw] .kd-z').textContent`); strings.Contains(mu, "(") && !strings.Contains(mu, "まだ") {
		t.Errorf("after clearing, μ reads %q", mu)
	}

	problems, _ := tt.seen()
	if len(problems) > 0 {
		t.Errorf("problems in the page:\n%s", strings.Join(problems, "\n"))
	}

	// A phone: nothing scrolls sideways, every demo runs.
	phone := openTab(t, actx, 360, 780)
	phone.open(t, s.base+"/")
	for _, name := range []string{"vae-latent", "vae-draw", "vae-interp"} {
		if msg := ready(t, phone, name); msg != "" {
			t.Fatalf("%s at 360 px: %s", name, msg)
		}
		if name == "vae-draw" {
			pad := box(t, phone, "[data-demo=vae-draw] .kd-pad")
			touchDrag(t, phone, line(at(pad, 0.5, 0.15), at(pad, 0.5, 0.85), 12))
		}
	}
	settle(t, phone)
	if w := eval[string](t, phone, `document.documentElement.scrollWidth + ' ' + innerWidth`); strings.Fields(w)[0] != strings.Fields(w)[1] {
		t.Errorf("the page scrolls sideways at 360 px: scrollWidth, innerWidth = %s", w)
	}
	shoot(t, phone, "page-360.png")
	if problems, _ := phone.seen(); len(problems) > 0 {
		t.Errorf("problems at 360 px:\n%s", strings.Join(problems, "\n"))
	}
	t.Logf("screenshots in %s", shotsDir(t))
}

// TestVAEBadWeights serves a truncated, a corrupted and a missing weight
// file: each widget must say so in the figure, in Japanese and with the
// technical reason, and keep the fallback image.
func TestVAEBadWeights(t *testing.T) {
	s := serveDemos(t)
	actx := allocator(t)
	for _, c := range []struct{ page, demo, say, tech string }{
		{"/truncated/", "vae-latent", "壊れているか", "truncated.kvae"},
		{"/corrupted/", "vae-draw", "壊れているか", "checksum mismatch"},
		{"/missing/", "vae-interp", "取得できませんでした", "HTTP 404"},
	} {
		tt := openTab(t, actx, 1280, 900)
		tt.open(t, s.base+c.page)
		msg := ready(t, tt, c.demo)
		t.Logf("%s: %s", c.page, msg)
		if !strings.Contains(msg, c.say) || !strings.Contains(msg, c.tech) {
			t.Errorf("%s: widget shows %q, want %q and %q", c.page, msg, c.say, c.tech)
		}
		if c.page == "/truncated/" && !strings.Contains(msg, "vae:") {
			t.Errorf("%s: no technical error from the vae package in %q", c.page, msg)
		}
		if v := eval[string](t, tt, `getComputedStyle(document.querySelector('.kogi-demo-fallback')).display`); v == "none" {
			t.Errorf("%s: fallback image hidden although the demo failed", c.page)
		}
		if problems, _ := tt.seen(); len(problems) > 0 && c.page != "/missing/" {
			t.Errorf("%s: problems beside the shown error:\n%s", c.page, strings.Join(problems, "\n"))
		}
		if c.page == "/corrupted/" {
			shoot(t, tt, "error-1280.png")
		}
	}
}

// TestVAELoadingProgress sends the files slowly: while they come, the
// figure shows a progress bar that fills with the bytes received.
func TestVAELoadingProgress(t *testing.T) {
	s := serveDemos(t)
	s.slow.Store(true)
	tt := openTab(t, allocator(t), 1280, 900)
	tt.open(t, s.base+"/")
	samples := eval[[][]any](t, tt, `new Promise(done => {
	  const seen = [];
	  const look = () => {
	    const p = document.querySelector('[data-demo=vae-latent] .kd-loading progress');
	    if (p) seen.push([p.value, p.parentNode.textContent]);
	  };
	  const iv = setInterval(look, 40);
	  look();
	  kogiDemos.widgets[0].ready.then(() => { clearInterval(iv); done(seen); }, e => { clearInterval(iv); done([[-1, String(e)]]); });
	})`)
	partial := 0
	for _, smp := range samples {
		if v := smp[0].(float64); v > 0 && v < 1 && strings.Contains(smp[1].(string), " / ") {
			partial++
		}
	}
	if len(samples) > 0 {
		t.Logf("%d samples of the progress bar, %d part-way; first %v, last %v", len(samples), partial, samples[0], samples[len(samples)-1])
	}
	if partial < 3 {
		t.Errorf("progress bar seen part-way %d times (want ≥ 3): %v", partial, samples)
	}
	if n := eval[int](t, tt, `document.querySelectorAll('.kd-loading').length`); n != 0 {
		t.Errorf("%d progress bars left once the widget runs", n)
	}
}

// TestWasmMatchesNative: the wasm build decodes and encodes the same numbers
// as the native vae package on the same weight files, to 1e-5.
func TestWasmMatchesNative(t *testing.T) {
	s := serveDemos(t)
	tt := openTab(t, allocator(t), 1280, 900)
	tt.open(t, s.base+"/")
	if msg := ready(t, tt, "vae-latent"); msg != "" {
		t.Fatal(msg)
	}
	m2, err := vae.Read(s.w.vae2)
	if err != nil {
		t.Fatal(err)
	}
	m16, err := vae.Read(s.w.vae16)
	if err != nil {
		t.Fatal(err)
	}
	zs := [][]float32{{0, 0}, {1.5, -0.25}, {-3, 2.75}, make([]float32, 16), {0.5, -1, 2, 0.1, -0.3, 1, 0, 0, 0.25, -2, 1, 1, -1, 0.5, 0.75, -0.5}}
	var xs [][]float32
	for k := range 3 {
		x := make([]float32, vae.Pixels)
		for i := range x {
			x[i] = float32(math.Max(0, math.Sin(float64(i*(k+1))*0.07)))
		}
		xs = append(xs, x)
	}
	zj, _ := json.Marshal(zs)
	xj, _ := json.Marshal(xs)
	got := eval[string](t, tt, `(async () => {
	  const k = window.kogiVAE;
	  const get = async u => new Uint8Array(await (await fetch(u)).arrayBuffer());
	  const h2 = k.load(await get('/demos/vae/vae2.kvae')), h16 = k.load(await get('/demos/vae/vae16.kvae'));
	  const f32 = b => Array.from(new Float32Array(b.buffer));
	  const dec = [], enc = [];
	  for (const z of `+string(zj)+`) {
	    const out = new Uint8Array(784 * 4);
	    const r = k.decodeF32(z.length === 2 ? h2 : h16, new Uint8Array(new Float32Array(z).buffer), out);
	    if (r) throw new Error(r);
	    dec.push(f32(out));
	  }
	  for (const x of `+string(xj)+`) for (const [h, lat] of [[h2, 2], [h16, 16]]) {
	    const out = new Uint8Array(8 * lat);
	    const r = k.encodeF32(h, new Uint8Array(new Float32Array(x).buffer), out);
	    if (r) throw new Error(r);
	    enc.push(f32(out));
	  }
	  return JSON.stringify({dec, enc});
	})()`)
	var res struct{ Dec, Enc [][]float64 }
	if err := json.Unmarshal([]byte(got), &res); err != nil {
		t.Fatal(err)
	}
	worst := 0.0
	cmp := func(what string, wasm []float64, native []float32) {
		if len(wasm) != len(native) {
			t.Fatalf("%s: %d values from wasm, %d native", what, len(wasm), len(native))
		}
		for i := range native {
			d := math.Abs(wasm[i] - float64(native[i]))
			worst = max(worst, d)
			if d > 1e-5 {
				t.Errorf("%s[%d]: wasm %v, native %v", what, i, wasm[i], native[i])
				return
			}
		}
	}
	for i, z := range zs {
		m := m2
		if len(z) == 16 {
			m = m16
		}
		out := make([]float32, vae.Pixels)
		m.NewRunner().Decode(z, out)
		cmp(fmt.Sprintf("decode %v", z), res.Dec[i], out)
	}
	for i, x := range xs {
		for j, m := range []*vae.Model{m2, m16} {
			mu, lv := make([]float32, m.Latent), make([]float32, m.Latent)
			m.NewRunner().Encode(x, mu, lv)
			cmp(fmt.Sprintf("encode image %d, %d-D", i, m.Latent), res.Enc[2*i+j], append(mu, lv...))
		}
	}
	t.Logf("largest difference wasm − native: %.3g over %d decodes and %d encodes (real weights: %v)", worst, len(zs), 2*len(xs), s.w.real)
}

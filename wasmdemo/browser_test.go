package wasmdemo_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/kogi-course/kogi/gen/testenv"
	"github.com/kogi-course/kogi/wasmdemo/vae"
)

// TestVAEInBrowser uses the three demos as a student would, with a mouse on
// the explorer, a finger on the drawing pad and clicks on the interpolation
// map, and checks that what should change on screen does.
func TestVAEInBrowser(t *testing.T) {
	s := serveDemos(t)
	actx := testenv.Allocator(t)
	tt := openTab(t, actx, 1280, 900)
	tt.open(t, s.base+"/")

	exerciseLatent(t, tt, func() {
		// The other demos are far below: they have not downloaded anything.
		if _, reqs := tt.seen(); strings.Contains(strings.Join(reqs, " "), "vae16.kvae") {
			t.Error("vae16.kvae requested before the drawing demo came near the screen")
		}
	})
	shoot(t, tt, "grid-1280.png")
	exerciseDraw(t, tt)
	shoot(t, tt, "draw-1280.png")
	exerciseInterp(t, tt)
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

	// On paper the static image stands in for the widget.
	if err := chromedp.Do(tt.ctx, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
		return err
	})); err != nil {
		t.Fatal(err)
	}
	if v := eval[string](t, tt, `[...document.querySelectorAll('.kogi-demo-fallback, .kd-ui')].map(e => getComputedStyle(e).display).join(' ')`); v != "block none block none block none" {
		t.Errorf("printed: fallback and widget display %q, want the images shown and the widgets hidden", v)
	}
	if err := chromedp.Do(tt.ctx, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{})
		return err
	})); err != nil {
		t.Fatal(err)
	}

	// Clearing the pad clears the readout.
	if err := chromedp.Do(tt.ctx, chromedp.Click(`//figure[@data-demo="vae-draw"]//button[contains(., "消す")]`, chromedp.NodeVisible)); err != nil {
		t.Fatal(err)
	}
	settle(t, tt)
	if mu := eval[string](t, tt, `document.querySelector('[data-demo=vae-draw] .kd-z').textContent`); !strings.Contains(mu, "まだ") {
		t.Errorf("after clearing, μ reads %q", mu)
	}
	exerciseDrawKeys(t, tt)
	if problems, _ := tt.seen(); len(problems) > 0 {
		t.Errorf("problems in the page:\n%s", strings.Join(problems, "\n"))
	}

	phone := openTab(t, actx, 360, 780)
	phone.open(t, s.base+"/")
	onPhone(t, phone)
	shoot(t, phone, "page-360.png")
	t.Logf("screenshots in %s", shotsDir(t))
}

// exerciseLatent drags the explorer's point with the mouse and moves it with
// the arrow keys: the digit follows and is never blank. started runs once
// the widget is up, before anything else happens in the page.
func exerciseLatent(t *testing.T, tt *tab, started func()) {
	t.Helper()
	if msg := ready(t, tt, "vae-latent"); msg != "" {
		t.Fatalf("vae-latent: %s", msg)
	}
	if started != nil {
		started()
	}
	if v := eval[string](t, tt, `getComputedStyle(document.querySelector('[data-demo=vae-latent] .kogi-demo-fallback')).display`); v != "none" {
		t.Errorf("fallback image still shown (display %s) once the widget runs", v)
	}
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
	if err := chromedp.Do(tt.ctx, chromedp.Focus("[data-demo=vae-latent] .kd-plane"), chromedp.KeyEvent(kb.ArrowLeft), chromedp.KeyEvent(kb.ArrowLeft)); err != nil {
		t.Fatal(err)
	}
	settle(t, tt)
	if z2 := eval[string](t, tt, `document.querySelector('[data-demo=vae-latent] .kd-z').textContent`); z2 == z1 {
		t.Errorf("arrow keys did not move the point (%s)", z2)
	}
	// The grid view; left on for the caller's screenshot.
	_, plane0 := ink(t, tt, "[data-demo=vae-latent] .kd-plane")
	if err := chromedp.Do(tt.ctx, chromedp.Click("[data-demo=vae-latent] .kd-button", chromedp.NodeVisible)); err != nil {
		t.Fatal(err)
	}
	settle(t, tt)
	_, plane1 := ink(t, tt, "[data-demo=vae-latent] .kd-plane")
	if p := eval[string](t, tt, `document.querySelector('[data-demo=vae-latent] .kd-button').getAttribute('aria-pressed')`); p != "true" || plane1 == plane0 {
		t.Errorf("grid view: aria-pressed %s, plane redrawn %v", p, plane1 != plane0)
	}
}

// exerciseDraw draws a "7" with a finger (after turning the explorer's grid
// view off again): a point appears on the map, and the input and both
// reconstructions are drawn.
func exerciseDraw(t *testing.T, tt *tab) {
	t.Helper()
	if err := chromedp.Do(tt.ctx, chromedp.Click("[data-demo=vae-latent] .kd-button", chromedp.NodeVisible)); err != nil {
		t.Fatal(err)
	}
	if msg := ready(t, tt, "vae-draw"); msg != "" {
		t.Fatalf("vae-draw: %s", msg)
	}
	_, map0 := ink(t, tt, "[data-demo=vae-draw] .kd-plane")
	pad := box(t, tt, "[data-demo=vae-draw] .kd-pad")
	touchDrag(t, tt, append(line(at(pad, 0.25, 0.2), at(pad, 0.75, 0.2), 10), line(at(pad, 0.75, 0.2), at(pad, 0.45, 0.85), 14)[1:]...))
	settle(t, tt)
	_, map1 := ink(t, tt, "[data-demo=vae-draw] .kd-plane")
	mu := eval[string](t, tt, `document.querySelector('[data-demo=vae-draw] .kd-z').textContent`)
	t.Logf("drawing: %s", mu)
	if !strings.HasPrefix(mu, "μ = (") || map1 == map0 {
		t.Errorf("no point on the map after drawing: %q", mu)
	}
	for i, what := range []string{"input", "2-D reconstruction", "16-D reconstruction"} {
		if sum, _ := ink(t, tt, fmt.Sprintf("[data-demo=vae-draw] .kd-trio .kd-digit-box:nth-child(%d) .kd-digit", i+1)); sum == 0 {
			t.Errorf("%s is blank after drawing", what)
		}
	}
}

// exerciseDrawKeys draws a "1" with the keyboard alone: space lowers the
// pen, arrow keys draw, space lifts it; Delete clears the pad again.
func exerciseDrawKeys(t *testing.T, tt *tab) {
	t.Helper()
	const pad = "[data-demo=vae-draw] .kd-pad"
	mu := func() string {
		return eval[string](t, tt, `document.querySelector('[data-demo=vae-draw] .kd-z').textContent`)
	}
	acts := []chromedp.Action[chromedp.Void]{chromedp.Focus(pad), chromedp.KeyEvent(kb.ArrowUp), chromedp.KeyEvent(kb.ArrowUp),
		chromedp.KeyEvent(kb.ArrowUp), chromedp.KeyEvent(kb.ArrowUp), chromedp.KeyEvent(" ")}
	for range 8 {
		acts = append(acts, chromedp.KeyEvent(kb.ArrowDown))
	}
	acts = append(acts, chromedp.KeyEvent(" "))
	if err := chromedp.Do(tt.ctx, acts...); err != nil {
		t.Fatal(err)
	}
	settle(t, tt)
	got := mu()
	t.Logf("keyboard drawing: %s", got)
	if !strings.HasPrefix(got, "μ = (") {
		t.Errorf("no encoding after drawing with the keyboard: %q", got)
	}
	for i, what := range []string{"input", "2-D reconstruction", "16-D reconstruction"} {
		if sum, _ := ink(t, tt, fmt.Sprintf("[data-demo=vae-draw] .kd-trio .kd-digit-box:nth-child(%d) .kd-digit", i+1)); sum == 0 {
			t.Errorf("%s is blank after drawing with the keyboard", what)
		}
	}
	if v := eval[string](t, tt, `(() => { const t = document.querySelector('[data-demo=vae-draw] .kd-tip'); return t.hidden + ' ' + t.classList.contains('down'); })()`); v != "false false" {
		t.Errorf("pen tip while focused, pen up: hidden/down = %s, want false false", v)
	}
	shoot(t, tt, "draw-keys-1280.png")
	if err := chromedp.Do(tt.ctx, chromedp.KeyEvent(kb.Delete)); err != nil {
		t.Fatal(err)
	}
	settle(t, tt)
	if got := mu(); !strings.Contains(got, "まだ") {
		t.Errorf("Delete did not clear the pad: μ reads %q", got)
	}
}

// exerciseInterp makes the drawing the start and clicks the end on the map.
func exerciseInterp(t *testing.T, tt *tab) {
	t.Helper()
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
	p := at(ip, 0.8, 0.8)
	if err := chromedp.Do(tt.ctx, chromedp.Click(`//figure[@data-demo="vae-interp"]//button[contains(., "終点 B")]`, chromedp.NodeVisible),
		chromedp.MouseClickXY(p[0], p[1])); err != nil {
		t.Fatal(err)
	}
	settle(t, tt)
	sum, strip2 := ink(t, tt, "[data-demo=vae-interp] .kd-strip")
	if strip2 == strip1 || sum == 0 {
		t.Errorf("clicking the map did not redraw the strip (alpha sum %d)", sum)
	}
}

// onPhone starts every demo on a 360 px screen, draws with a finger and
// checks that nothing scrolls sideways.
func onPhone(t *testing.T, phone *tab) {
	t.Helper()
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
	if problems, _ := phone.seen(); len(problems) > 0 {
		t.Errorf("problems at 360 px:\n%s", strings.Join(problems, "\n"))
	}
}

// TestVAEBadWeights serves a truncated, a corrupted and a missing weight
// file: each widget must say so in the figure, in Japanese and with the
// technical reason, and keep the fallback image.
func TestVAEBadWeights(t *testing.T) {
	s := serveDemos(t)
	actx := testenv.Allocator(t)
	for _, c := range []struct{ page, demo, say, tech string }{
		{"/truncated/", "vae-latent", "壊れているか", "truncated.kvae"},
		{"/corrupted/", "vae-draw", "壊れているか", "checksum mismatch"},
		{"/missing/", "vae-interp", "取得できませんでした", "HTTP 404"},
		{"/badwasm/", "vae-latent", "プログラム「vae.wasm」を読み込めませんでした", "CompileError"},
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
	tt := openTab(t, testenv.Allocator(t), 1280, 900)
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
	tt := openTab(t, testenv.Allocator(t), 1280, 900)
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
	// release() frees the Go functions and ends the program, as pagehide does.
	if v := eval[string](t, tt, `kogiVAE.release(), typeof window.kogiVAE`); v != "undefined" {
		t.Errorf("after release, kogiVAE is %s", v)
	}
	t.Logf("largest difference wasm − native: %.3g over %d decodes and %d encodes", worst, len(zs), 2*len(xs))
}

package serve

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/kogi-course/kogi/gen/testenv"
)

// browser opens a headless Chromium tab that can reach 127.0.0.1 only.
func browser(t *testing.T) context.Context {
	t.Helper()
	ctx, cancelTab := chromedp.NewContext(testenv.Allocator(t))
	ctx, cancelT := context.WithTimeout(ctx, 2*time.Minute)
	t.Cleanup(func() { cancelT(); cancelTab() })
	return ctx
}

// poll evaluates expr until ok accepts its value. Errors are retried: while
// the page reloads, its JavaScript context is gone for a moment.
func poll(t *testing.T, ctx context.Context, what, expr string, ok func(string) bool) (string, time.Time) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	var last string
	var lastErr error
	for time.Now().Before(deadline) {
		cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		v, err := chromedp.Run(cctx, chromedp.Evaluate[string](expr))
		cancel()
		if err == nil {
			last = v
			if ok(v) {
				return v, time.Now()
			}
		}
		lastErr = err
		time.Sleep(2 * time.Millisecond)
	}
	t.Fatalf("%s: gave up after 10s; last value %q, last error %v", what, last, lastErr)
	return "", time.Time{}
}

const (
	jsH1      = `(document.querySelector('h1') || {}).textContent || ''`
	jsLive    = `(document.getElementById('live') || {}).textContent || ''`
	jsOverlay = `(() => { const o = document.getElementById('kogi-overlay'); return o && o.shadowRoot ? o.shadowRoot.querySelector('.panel').textContent : '' })()`
	// The navigation's domInteractive, in Unix milliseconds: when the new
	// page's DOM was parsed, on the same clock as time.Now.
	jsParsed = `String(performance.timeOrigin + performance.getEntriesByType('navigation')[0].domInteractive)`
)

// TestLiveReloadInBrowser opens a page of our own content, served by gen
// serve, in headless Chromium, edits its Markdown and measures the time
// from the write to the updated DOM; then a broken front matter must show
// the overlay with file:line and no absolute path, and the fix must clear it.
func TestLiveReloadInBrowser(t *testing.T) {
	ctx := browser(t)
	ls := startLiveSite(t, "../../content", true)
	page := filepath.Join(ls.content, "gm", "live.md")
	// The edited text is the body, as in most edits (a new title would
	// change the lecture lists of other pages too).
	pageText := func(text string) string {
		return "---\ntitle: 動作確認\nlecture: 9\n---\n# 節\n\n<p id=\"live\">" + text + "</p>\n\n本文 $x^2$ です。\n"
	}
	save(t, page, pageText("初版"))
	for i := 0; ; i++ {
		if code, _ := get(t, ls.base+"/gm/live/"); code == 200 {
			break
		}
		if i == 1000 {
			t.Fatal("the page was not built within 10s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(ls.base+"/gm/live/")); err != nil {
		t.Fatal(err)
	}
	poll(t, ctx, "page", jsLive, func(v string) bool { return v == "初版" })
	waitSubscribed(t, ls.srv)

	// Write → updated DOM, several times.
	var polled, parsed []time.Duration
	for i := 1; i <= 7; i++ {
		text := fmt.Sprintf("改訂 %d 版", i)
		wrote := save(t, page, pageText(text))
		_, seen := poll(t, ctx, "reload", jsLive, func(v string) bool { return v == text })
		dom, _ := poll(t, ctx, "timing", jsParsed, func(string) bool { return true })
		var ms float64
		fmt.Sscan(dom, &ms)
		p := time.UnixMicro(int64(ms * 1000)).Sub(wrote)
		polled = append(polled, seen.Sub(wrote))
		parsed = append(parsed, p)
		nav, _ := poll(t, ctx, "timing", `String(performance.timeOrigin)`, func(string) bool { return true })
		var navMs float64
		fmt.Sscan(nav, &navMs)
		t.Logf("edit %d: write → DOM parsed %v (reload started after %v), → seen by the test %v", i, p.Round(time.Millisecond),
			time.UnixMicro(int64(navMs*1000)).Sub(wrote).Round(time.Millisecond), seen.Sub(wrote).Round(time.Millisecond))
		waitSubscribed(t, ls.srv)
		time.Sleep(100 * time.Millisecond)
	}
	slices.Sort(polled)
	slices.Sort(parsed)
	t.Logf("write → reload over %d edits: DOM parsed median %v (max %v); seen by polling median %v (max %v); target ≤ 300ms",
		len(parsed), parsed[len(parsed)/2].Round(time.Millisecond), parsed[len(parsed)-1].Round(time.Millisecond),
		polled[len(polled)/2].Round(time.Millisecond), polled[len(polled)-1].Round(time.Millisecond))
	// The target is 300 ms; a loaded CI machine (go test ./... runs packages
	// in parallel) gets slack, but a reload that takes seconds is a bug.
	if m := polled[len(polled)/2]; m > time.Second {
		t.Errorf("median write → reload %v, target 300ms", m)
	}
	last := "改訂 7 版"

	// Broken front matter: the overlay names file:line, escaped, with no
	// absolute path; the page behind it stays the last good one. A file
	// whose name is markup proves the text is not parsed as HTML.
	odd := filepath.Join(ls.content, "<b>odd<b>.md")
	save(t, page, "---\ntitle: [\n---\n壊れた\n")
	save(t, odd, "---\ntitle: [\n---\n")
	text, _ := poll(t, ctx, "overlay", jsOverlay, func(v string) bool {
		return strings.Contains(v, "content/gm/live.md:2") && strings.Contains(v, "<b>odd<b>.md:2")
	})
	t.Logf("overlay: %q", text)
	checkRelative(t, ls.dir, strings.Split(text, "\n"))
	if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.getElementById('kogi-overlay').shadowRoot.querySelectorAll('b').length`)); n != 0 {
		t.Errorf("overlay parsed server text as HTML: %d <b> elements", n)
	}
	if v, _ := chromedp.Run(ctx, chromedp.Evaluate[string](jsLive)); v != last {
		t.Errorf("page behind the overlay shows %q, want the last good %q", v, last)
	}

	// The fix clears it.
	os.Remove(odd)
	save(t, page, pageText("直った版"))
	poll(t, ctx, "overlay gone", `document.getElementById('kogi-overlay') ? 'shown' : (`+jsLive+`)`,
		func(v string) bool { return v == "直った版" })

	// A template error shows too, and goes away when fixed.
	byline := filepath.Join(ls.templates, "partials", "byline.html")
	orig, err := os.ReadFile(byline)
	if err != nil {
		t.Fatal(err)
	}
	waitSubscribed(t, ls.srv)
	save(t, byline, "{{if}}\n")
	text, _ = poll(t, ctx, "template overlay", jsOverlay, func(v string) bool { return strings.Contains(v, "templates/partials/byline.html") })
	t.Logf("overlay: %q", text)
	checkRelative(t, ls.dir, strings.Split(text, "\n"))
	save(t, byline, string(orig))
	poll(t, ctx, "template overlay gone", `document.getElementById('kogi-overlay') ? 'shown' : 'gone'`,
		func(v string) bool { return v == "gone" })
}

// waitSubscribed waits until a tab listens to the event stream, so that a
// timing starts with the tab ready (as the author's tab is).
func waitSubscribed(t *testing.T, s *Server) {
	t.Helper()
	for range 1000 {
		s.hub.mu.Lock()
		n := len(s.hub.subs)
		s.hub.mu.Unlock()
		if n > 0 {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatal("no tab subscribed to the event stream within 5s")
}

// TestManyTabs opens more tabs than a browser opens HTTP/1.1 connections to
// one host (six): with an event stream per tab, the seventh would hang. The
// tabs share one stream through live-worker.js, and every tab reloads.
func TestManyTabs(t *testing.T) {
	ctx := browser(t)
	ls := startLiveSite(t, "", false)
	page := filepath.Join(ls.content, "gm", "lect01.md")
	const n = 8
	// Start the browser first: tabs made from a context that has not run
	// yet would each start a browser of their own.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatal(err)
	}
	tabs := []context.Context{ctx}
	for range n - 1 {
		tab, cancel := chromedp.NewContext(ctx)
		t.Cleanup(cancel)
		tabs = append(tabs, tab)
	}
	for i, tab := range tabs {
		// The first action on a tab's own context creates the tab; a
		// context derived from it would close the tab when it ends.
		if err := chromedp.Do(tab); err != nil {
			t.Fatal(err)
		}
		tctx, cancel := context.WithTimeout(tab, 10*time.Second)
		err := chromedp.Do(tctx, chromedp.Navigate(ls.base+"/gm/lect01/"))
		cancel()
		if err != nil {
			t.Fatalf("tab %d did not load: %v", i+1, err)
		}
		poll(t, tab, fmt.Sprintf("tab %d", i+1), jsH1, func(v string) bool { return v == "第1回 はじめに" })
	}
	waitSubscribed(t, ls.srv)
	time.Sleep(100 * time.Millisecond)
	ls.srv.hub.mu.Lock()
	streams := len(ls.srv.hub.subs)
	ls.srv.hub.mu.Unlock()
	if streams != 1 {
		t.Errorf("%d tabs hold %d event streams, want 1 (shared)", n, streams)
	}
	save(t, page, "---\ntitle: 全タブ更新\nlecture: 1\n---\n本文\n")
	for i, tab := range tabs {
		poll(t, tab, fmt.Sprintf("tab %d reload", i+1), jsH1, func(v string) bool { return v == "全タブ更新" })
	}
}

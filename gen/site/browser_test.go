package site

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/kogi-course/kogi/gen/testenv"
)

// TestMathJaxInBrowser builds our content and opens every lecture in
// headless Chromium with the network limited to 127.0.0.1: MathJax must load
// from the site itself and typeset every formula without a single TeX error.
func TestMathJaxInBrowser(t *testing.T) {
	for page, r := range typesetPages(t, "../../content", "/gm/lect01/", "/gm/lect02/", "/gm/lect03/") {
		if r.problems != "" || r.typeset < r.sources || r.sources == 0 {
			t.Errorf("%s: %d math elements, %d typeset; %s", page, r.sources, r.typeset, r.problems)
		}
	}
}

// TestMathJaxErrorsAreSeen proves the check above can fail: a TeX error and an
// undefined macro must both be reported.
func TestMathJaxErrorsAreSeen(t *testing.T) {
	dir := writeSite(t, map[string]string{
		"bad.md":    "---\ntitle: bad\n---\n式 $x^2^3$ と $\\nosuchmacro{y}$ と $z$\n",
		"prices.md": "---\ntitle: prices\n---\nIt costs $5 and $10, and $$x$$ is math.\n",
	})
	rs := typesetPages(t, dir, "/bad/", "/prices/")
	if errs := rs["/bad/"].problems; !strings.Contains(errs, "Double exponent") || !strings.Contains(errs, "nosuchmacro") {
		t.Errorf("errors not detected: %q", errs)
	}
	// The prices stay text: MathJax typesets only the one formula.
	if r := rs["/prices/"]; r.typeset != 1 || r.problems != "" {
		t.Errorf("prices page: %d typeset (want 1); %s", r.typeset, r.problems)
	}
}

type typesetResult struct {
	sources, typeset int    // math elements in the HTML, formulas MathJax made
	problems         string // errors, failed requests; "" when none
}

// browse builds content, serves it on 127.0.0.1 and starts headless
// Chromium with every other host unreachable (a CDN would fail here). It
// returns the site's base URL and a browser context; both end with the test.
func browse(t *testing.T, content string) (string, context.Context) {
	t.Helper()
	if testing.Short() {
		t.Skip("skipping: browser test")
	}
	if _, err := os.Stat("../../node_modules/mathjax/es5/tex-chtml-full.js"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("MathJax not installed: make test runs npm ci first")
		}
		t.Skip("skipping: MathJax not installed (run make)")
	}
	out := filepath.Join(t.TempDir(), "public")
	res, err := Build(repoCfg(content, out))
	if err != nil {
		t.Fatalf("build: %v\n%v", err, res.Problems)
	}
	return testenv.Serve(t, http.FileServer(http.Dir(out))), testenv.Allocator(t)
}

// typesetPages builds content, serves it on 127.0.0.1, opens each page and
// reports what MathJax did there.
func typesetPages(t *testing.T, content string, pages ...string) map[string]typesetResult {
	t.Helper()
	if testing.Short() {
		t.Skip("skipping: browser test")
	}
	base, actx := browse(t, content)
	result := map[string]typesetResult{}

	for _, page := range pages {
		ctx, cancelTab := chromedp.NewContext(actx)
		ctx, cancelT := context.WithTimeout(ctx, 60*time.Second)
		var mu sync.Mutex
		var problems []string
		chromedp.Listen(ctx, func(ev any) {
			mu.Lock()
			defer mu.Unlock()
			switch e := ev.(type) {
			case *runtime.EventExceptionThrown:
				problems = append(problems, "exception: "+e.ExceptionDetails.Text)
			case *runtime.EventConsoleAPICalled:
				if e.Type == runtime.ConsoleAPICalledTypeError {
					problems = append(problems, "console error")
				}
			case *network.EventLoadingFailed:
				problems = append(problems, "request failed: "+e.ErrorText)
			case *network.EventResponseReceived:
				if e.Response.Status >= 400 {
					problems = append(problems, "HTTP "+e.Response.URL)
				}
			}
		})
		err := chromedp.Do(ctx, chromedp.Navigate(base+page), chromedp.WaitReady("body"))
		if err != nil {
			t.Fatalf("%s: %v", page, err)
		}
		// MathJax resolves startup.promise once the first typeset is done.
		typeset, err := chromedp.Run(ctx, chromedp.Evaluate[int](
			`window.MathJax.startup.promise.then(() => document.querySelectorAll('mjx-container').length)`,
			chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatalf("%s: waiting for MathJax: %v", page, err)
		}
		sources, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('.math').length`))
		if err != nil {
			t.Fatal(err)
		}
		// TeX errors become mjx-merror; an undefined macro, with the
		// noundefined extension of the full build, becomes red text.
		errs, err := chromedp.Run(ctx, chromedp.Evaluate[string](
			`[...document.querySelectorAll('mjx-merror, mjx-container [style*="color: red"], mjx-container [style*="color:red"]')]
			  .map(e => e.getAttribute('data-mjx-error') || 'undefined macro ' + [...e.querySelectorAll('mjx-c')]
			    .map(c => String.fromCodePoint(parseInt((c.className.match(/mjx-c([0-9A-F]+)/) || [0, '3F'])[1], 16))).join(''))
			  .join(' | ')`))
		if err != nil {
			t.Fatal(err)
		}
		if errs != "" {
			problems = append(problems, "MathJax errors: "+errs)
		}
		mu.Lock()
		result[page] = typesetResult{sources, typeset, strings.Join(problems, "; ")}
		mu.Unlock()
		t.Logf("%s: %d formulas typeset", page, typeset)
		cancelT()
		cancelTab()
	}
	return result
}

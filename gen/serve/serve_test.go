package serve

import (
	"bufio"
	"context"
	"encoding/json"
	"github.com/kogi-course/kogi/gen/testenv"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kogi-course/kogi/gen/config"
	"github.com/kogi-course/kogi/gen/markup/diag"
	"github.com/kogi-course/kogi/gen/site"
)

// testLog sends the server's log to t.Log, which is safe to call until the
// test ends; lines after that are dropped.
type testLog struct {
	mu   sync.Mutex
	t    *testing.T
	done bool
}

func newTestLog(t *testing.T) *testLog {
	l := &testLog{t: t}
	t.Cleanup(func() { l.mu.Lock(); l.done = true; l.mu.Unlock() })
	return l
}

func (l *testLog) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.done {
		l.t.Log("server: " + strings.TrimSuffix(string(b), "\n"))
	}
	return len(b), nil
}

// liveSite is a content folder and a copy of the templates in a temp folder,
// served by a running Server.
type liveSite struct {
	dir, content, templates string
	base                    string // http://127.0.0.1:port
	srv                     *Server
	stop                    func() error
}

// startLiveSite serves a copy of content (smallSite when "") and of the
// repo's templates and static files.
func startLiveSite(t *testing.T, content string, minify bool) *liveSite {
	t.Helper()
	tmp := t.TempDir()
	ls := &liveSite{dir: tmp, content: filepath.Join(tmp, "content"), templates: filepath.Join(tmp, "templates")}
	if content == "" {
		writeFiles(t, ls.content, smallSite)
	} else if err := os.CopyFS(ls.content, os.DirFS(content)); err != nil {
		t.Fatal(err)
	}
	// Copies, so that the test edits templates freely and a concurrent
	// edit of the repo's own files does not rebuild under it.
	static := filepath.Join(tmp, "static")
	for src, dst := range map[string]string{"../../templates": ls.templates, "../../static": static} {
		if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
			t.Fatal(err)
		}
	}
	cfg := testenv.Config(ls.content, filepath.Join(tmp, "public"))
	cfg.Templates, cfg.Static = ls.templates, static
	cfg.Minify = minify
	sc := Default
	sc.Addr, sc.Build, sc.Log = "127.0.0.1:0", cfg, newTestLog(t)
	if err := sc.Validate(); err != nil {
		t.Fatal(err)
	}
	ln, err := Listen(sc.Addr)
	if err != nil {
		t.Fatal(err)
	}
	ls.base = "http://" + ln.Addr().String()
	ls.srv = New(sc, site.NewSession(cfg))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ls.srv.Serve(ctx, ln) }()
	var once sync.Once
	var stopErr error
	ls.stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case stopErr = <-done:
			case <-time.After(10 * time.Second):
				stopErr = context.DeadlineExceeded
			}
		})
		return stopErr
	}
	t.Cleanup(func() { ls.stop() })
	return ls
}

// save writes a file as editors do: a temporary file, then a rename.
func save(t *testing.T, file, text string) time.Time {
	t.Helper()
	tmp := filepath.Join(filepath.Dir(file), "."+filepath.Base(file)+".swp")
	if err := os.WriteFile(tmp, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if err := os.Rename(tmp, file); err != nil {
		t.Fatal(err)
	}
	return now
}

// events follows /__kogi/events and sends each status on the channel.
func events(t *testing.T, base string) <-chan status {
	t.Helper()
	resp, err := http.Get(base + eventsPath)
	if err != nil {
		t.Fatal(err)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("events: Content-Type %q", ct)
	}
	t.Cleanup(func() { resp.Body.Close() })
	c := make(chan status, 16)
	go func() {
		defer close(c)
		sc := bufio.NewScanner(resp.Body)
		event := ""
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				event = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: ") && event == "status":
				var st status
				if json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &st) == nil {
					c <- st
				}
			case line == "":
				event = ""
			}
		}
	}()
	return c
}

func next(t *testing.T, c <-chan status) status {
	t.Helper()
	select {
	case st, ok := <-c:
		if !ok {
			t.Fatal("event stream ended")
		}
		return st
	case <-time.After(10 * time.Second):
		t.Fatal("no status within 10s")
	}
	return status{}
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// absolute matches an absolute path at the start of a message or after a
// space or quote.
var absolute = regexp.MustCompile(`(^|[\s"'(])/[^\s/]+/`)

func checkRelative(t *testing.T, dir string, lines []string) {
	t.Helper()
	for _, l := range lines {
		if strings.Contains(l, dir) || absolute.MatchString(l) {
			t.Errorf("message shows an absolute path: %q", l)
		}
	}
}

// TestLiveEvents drives the whole rebuild loop without a browser: every
// change reaches the event stream, with relative file:line messages.
func TestLiveEvents(t *testing.T) {
	ls := startLiveSite(t, "", false)
	ev := events(t, ls.base)
	first := next(t, ev)
	if !first.OK || first.Site == "" {
		t.Fatalf("first status: %+v", first)
	}
	lect := filepath.Join(ls.content, "gm", "lect01.md")

	save(t, lect, "---\ntitle: 第1回\nlecture: 1\n---\n# 書き換えた節\n")
	st := next(t, ev)
	if !st.OK || st.Site == first.Site {
		t.Fatalf("after an edit: %+v (first %q)", st, first.Site)
	}
	if code, body := get(t, ls.base+"/gm/lect01/"); code != 200 || !strings.Contains(body, "書き換えた節") || !strings.Contains(body, st.Site) {
		t.Errorf("page after the edit: %d, new text or site id %q missing", code, st.Site)
	}
	good := st.Site

	// Broken front matter: the tabs get file:line, the old site stays.
	save(t, lect, "---\ntitle: [\n---\n壊れた\n")
	st = next(t, ev)
	if st.OK || st.Site != good || len(st.Errors) == 0 || !strings.HasPrefix(st.Errors[0], "content/gm/lect01.md:2") {
		t.Fatalf("after broken front matter: %+v", st)
	}
	checkRelative(t, ls.dir, st.Errors)
	if _, body := get(t, ls.base+"/gm/lect01/"); !strings.Contains(body, "書き換えた節") {
		t.Error("the last good page is no longer served")
	}

	save(t, lect, "---\ntitle: 第1回\nlecture: 1\n---\n# 直した節\n")
	if st = next(t, ev); !st.OK || st.Site == good {
		t.Fatalf("after the fix: %+v", st)
	}

	// A template that does not parse: site.Build returns the error itself.
	byline := filepath.Join(ls.templates, "partials", "byline.html")
	orig, err := os.ReadFile(byline)
	if err != nil {
		t.Fatal(err)
	}
	save(t, byline, "{{if}}\n")
	st = next(t, ev)
	if st.OK || len(st.Errors) == 0 || !strings.Contains(strings.Join(st.Errors, "\n"), "templates/partials/byline.html") {
		t.Fatalf("after a broken template: %+v", st)
	}
	checkRelative(t, ls.dir, st.Errors)
	save(t, byline, string(orig))
	if st = next(t, ev); !st.OK {
		t.Fatalf("after fixing the template: %+v", st)
	}

	// A new folder is watched too.
	writeFiles(t, ls.content, map[string]string{"new/sub/page.md": "---\ntitle: 新規\n---\n新しいフォルダ\n"})
	for st = next(t, ev); st.OK; st = next(t, ev) {
		if code, _ := get(t, ls.base+"/new/sub/page/"); code == 200 {
			break
		}
	}
	save(t, filepath.Join(ls.content, "new", "sub", "page.md"), "---\ntitle: 新規\n---\n二度目\n")
	next(t, ev)
	if _, body := get(t, ls.base+"/new/sub/page/"); !strings.Contains(body, "二度目") {
		t.Error("a change in a new folder was not seen")
	}

	// Shutdown ends the event stream and Serve returns nil.
	if err := ls.stop(); err != nil {
		t.Fatalf("Serve: %v", err)
	}
	for range ev {
	}
}

// TestFirstBuildFails serves a placeholder page whose overlay shows the
// errors, and the site once it builds.
func TestFirstBuildFails(t *testing.T) {
	tmp := t.TempDir()
	content := filepath.Join(tmp, "content")
	writeFiles(t, content, map[string]string{"index.md": "---\ntitle: [\n---\n"})
	cfg := testenv.Config(content, filepath.Join(tmp, "public"))
	sc := Default
	sc.Build, sc.Log = cfg, newTestLog(t)
	ln, err := Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go New(sc, FullBuilder{Cfg: cfg}).Serve(ctx, ln)
	base := "http://" + ln.Addr().String()
	ev := events(t, base)
	if st := next(t, ev); st.OK || st.Site != "" || len(st.Errors) == 0 {
		t.Fatalf("first status: %+v", st)
	}
	if code, body := get(t, base+"/"); code != 503 || !strings.Contains(body, liveJSPath) {
		t.Errorf("before any build: %d %q", code, body)
	}
	save(t, filepath.Join(content, "index.md"), "---\ntitle: 直った\n---\n本文\n")
	if st := next(t, ev); !st.OK || st.Site == "" {
		t.Fatalf("after the fix: %+v", st)
	}
	if code, body := get(t, base+"/"); code != 200 || !strings.Contains(body, "直った") {
		t.Errorf("after the fix: %d", code)
	}
}

func TestDefaultAddrIsLoopback(t *testing.T) {
	if Default.Addr != "127.0.0.1:1313" {
		t.Errorf("Default.Addr = %q", Default.Addr)
	}
	for _, addr := range []string{"127.0.0.1:0", ":0"} {
		ln, err := Listen(addr)
		if err != nil {
			t.Fatal(err)
		}
		a := ln.Addr().(*net.TCPAddr)
		ln.Close()
		if !a.IP.Equal(net.IPv4(127, 0, 0, 1)) {
			t.Errorf("Listen(%q) bound %v, want 127.0.0.1", addr, a.IP)
		}
	}
	for _, c := range []struct {
		addr string
		ok   bool
	}{{"127.0.0.1:1313", true}, {":1313", true}, {"localhost:0", true}, {"1313", false}, {"127.0.0.1", false}, {"", false}} {
		sc := Default
		sc.Addr = c.addr
		if err := sc.Validate(); (err == nil) != c.ok {
			t.Errorf("Validate(%q): %v", c.addr, err)
		}
	}
}

func TestRelPaths(t *testing.T) {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	content := filepath.Join(tmp, "course", "content")
	elsewhere := filepath.Join(t.TempDir(), "deep")
	os.MkdirAll(elsewhere, 0o755)
	r := newRelPaths(config.Build{Content: content, Templates: "../../templates", Out: filepath.Join(tmp, "public")})
	for _, c := range []struct{ name, in, want string }{
		{"relative stays", "content/a.md", "content/a.md"},
		{"below the working directory", filepath.Join(wd, "testdata", "a.md"), "testdata/a.md"},
		{"below the content's parent", filepath.Join(content, "gm", "a.md"), "content/gm/a.md"},
		{"elsewhere: base name", "/nowhere/at/all.md", "all.md"},
	} {
		if got := r.path(c.in); got != c.want {
			t.Errorf("path %s: %q, want %q", c.name, got, c.want)
		}
	}
	for _, c := range []struct{ name, in, want string }{
		{"known folder", filepath.Join(content, "a.md") + ":3:1: bad", "content/a.md:3:1: bad"},
		{"quoted", `open "` + filepath.Join(content, "x") + `": no such file`, `open "content/x": no such file`},
		{"existing file elsewhere", "read " + elsewhere + ": denied", "read deep: denied"},
		{"site URL kept", `index.md:4:1: missing file "/missing.png"`, `index.md:4:1: missing file "/missing.png"`},
		{"URL path kept", `missing "/gm/lect09/"`, `missing "/gm/lect09/"`},
		{"template text kept", `template: byline:1: missing value for if`, `template: byline:1: missing value for if`},
	} {
		if got := r.text(c.in); got != c.want {
			t.Errorf("text %s: %q, want %q", c.name, got, c.want)
		}
	}
	errs, warns := r.problems(site.Problems{
		{File: filepath.Join(content, "a.md"), Line: 2, Severity: diag.Error, Msg: "front matter: bad"},
		{File: "content/b.md", Line: 4, Col: 1, Severity: diag.Warning, Msg: `missing file "/x.png"`},
	})
	if len(errs) != 1 || errs[0] != "content/a.md:2: front matter: bad" || len(warns) != 1 || warns[0] != `content/b.md:4:1: warning: missing file "/x.png"` {
		t.Errorf("problems: %q %q", errs, warns)
	}
}

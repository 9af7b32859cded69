package serve

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kogi-course/kogi/gen/testenv"
)

// writeFiles writes name → text below dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

var smallSite = map[string]string{
	"index.md":       "---\ntitle: ホーム\n---\n# ようこそ\n\n[講義](gm/)\n",
	"gm/index.md":    "---\ntitle: 生成モデル入門\n---\n講義一覧\n",
	"gm/lect01.md":   "---\ntitle: 第1回 はじめに\nlecture: 1\n---\n# 最初の節\n\n本文です。\n",
	"gm/notes.txt":   "plain text file\n",
	"gm/a..b.txt":    "two dots inside a name are fine\n",
	"gm/figs/x.txt":  "a folder without index.html\n",
	"gm/.hidden.txt": "not published\n",
}

// The secret lives next to the output folder: every escape would reach it.
const secret = "TOP SECRET outside the output folder"

// newTestServer builds smallSite into a temp folder and returns a server
// that has done its first build, and the temp folder.
func newTestServer(t *testing.T) (*Server, string) {
	t.Helper()
	tmp := t.TempDir()
	content := filepath.Join(tmp, "content")
	writeFiles(t, content, smallSite)
	writeFiles(t, tmp, map[string]string{"secret.txt": secret, "outside/secret.txt": secret})
	out := filepath.Join(tmp, "public")
	s := New(Config{Addr: "127.0.0.1:0", Build: testenv.Config(content, out), Log: io.Discard}, FullBuilder{Cfg: testenv.Config(content, out)})
	s.build(nil)
	if s.cur.Load() == nil {
		t.Fatalf("first build failed: %s", s.hub.latest())
	}
	t.Cleanup(func() {
		if c := s.cur.Swap(nil); c != nil {
			c.release()
		}
	})
	// Links that leave the output folder, made after the build so that the
	// served folder holds them.
	for link, target := range map[string]string{
		"leak.txt":          filepath.Join(tmp, "secret.txt"),
		"leak-relative.txt": "../secret.txt",
		"leakdir":           filepath.Join(tmp, "outside"),
		"gm/up":             "../..",
	} {
		if err := os.Symlink(target, filepath.Join(out, filepath.FromSlash(link))); err != nil {
			t.Fatal(err)
		}
	}
	return s, tmp
}

func TestHandler(t *testing.T) {
	s, tmp := newTestServer(t)
	srv := httptest.NewServer(s)
	defer srv.Close()

	for _, c := range []struct {
		name, target string
		code         int
		body         string // the body must contain this
		location     string // the Location header for redirects
	}{
		{name: "dot-dot", target: "/../etc/passwd", code: 400},
		{name: "dot-dot to the secret", target: "/../secret.txt", code: 400},
		{name: "encoded dot-dot", target: "/%2e%2e/%2e%2e/etc/passwd", code: 400},
		{name: "encoded dot-dot to the secret", target: "/%2E%2E/secret.txt", code: 400},
		{name: "encoded slash", target: "/..%2fsecret.txt", code: 400},
		{name: "backslashes", target: `/a/..\..\x`, code: 400},
		{name: "backslash dot-dot", target: `/\..\secret.txt`, code: 400},
		{name: "not a path", target: `\..\`, code: 400},
		{name: "encoded backslash", target: "/%5c..%5csecret.txt", code: 400},
		{name: "dotfile", target: "/.kogi-site", code: 404},
		{name: "unpublished dotfile", target: "/gm/.hidden.txt", code: 404},
		{name: "symlink out of the folder", target: "/leak.txt", code: 403},
		{name: "relative symlink out", target: "/leak-relative.txt", code: 403},
		{name: "symlinked folder out", target: "/leakdir/secret.txt", code: 403},
		{name: "symlink up and back in", target: "/gm/up/secret.txt", code: 403},
		{name: "plain file", target: "/gm/notes.txt", code: 200, body: "plain text file"},
		{name: "two dots in a name", target: "/gm/a..b.txt", code: 200, body: "two dots inside"},
		{name: "folder without slash", target: "/gm", code: 301, location: "gm/"},
		{name: "page folder without slash", target: "/gm/lect01", code: 301, location: "lect01/"},
		{name: "index.html", target: "/gm/lect01/", code: 200, body: "最初の節"},
		{name: "script injected", target: "/gm/lect01/", code: 200, body: `<script src="/__kogi/live.js" data-kogi-site="`},
		{name: "home", target: "/", code: 200, body: "ようこそ"},
		{name: "index.html redirects", target: "/gm/index.html", code: 301, location: "./"},
		{name: "folder without index.html", target: "/gm/figs/", code: 404},
		{name: "missing", target: "/nope/", code: 404, body: liveJSPath},
		{name: "missing file", target: "/gm/nope.txt", code: 404},
		{name: "client script", target: liveJSPath, code: 200, body: "EventSource"},
	} {
		t.Run(c.name, func(t *testing.T) {
			// Through the handler, as net/http parses the request line …
			if req, err := http.ReadRequest(bufio.NewReader(strings.NewReader("GET " + c.target + " HTTP/1.1\r\nHost: t\r\n\r\n"))); err == nil {
				rec := httptest.NewRecorder()
				s.ServeHTTP(rec, req)
				check(t, "handler", tmp, c.code, c.body, c.location, rec.Code, rec.Header(), rec.Body.String())
			} else if c.code != 400 {
				t.Fatalf("request line not accepted: %v", err)
			}
			// … and over a socket, as a client that sends the path as is.
			code, h, body := rawGet(t, srv.Listener.Addr().String(), c.target)
			check(t, "socket", tmp, c.code, c.body, c.location, code, h, body)
		})
	}
}

func check(t *testing.T, via, tmp string, wantCode int, wantBody, wantLoc string, code int, h http.Header, body string) {
	t.Helper()
	if code != wantCode {
		t.Errorf("%s: status %d, want %d; body %q", via, code, wantCode, trim(body))
	}
	if wantBody != "" && !strings.Contains(body, wantBody) {
		t.Errorf("%s: body lacks %q: %q", via, wantBody, trim(body))
	}
	if wantLoc != "" && h.Get("Location") != wantLoc {
		t.Errorf("%s: Location %q, want %q", via, h.Get("Location"), wantLoc)
	}
	for _, leak := range []string{secret, "root:", tmp, "goroutine ", "Built by Kogi"} {
		if strings.Contains(body, leak) {
			t.Errorf("%s: body leaks %q: %q", via, leak, trim(body))
		}
	}
}

func trim(s string) string {
	if len(s) > 200 {
		return s[:200] + "…"
	}
	return s
}

// rawGet sends target exactly as given, which net/http's client would not.
func rawGet(t *testing.T, addr, target string) (int, http.Header, string) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(conn, "GET "+target+" HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

// TestHandlerAfterRebuild checks that the served folder follows the build:
// site.Build exchanges folders, so a stale handle would show the old site.
func TestHandlerAfterRebuild(t *testing.T) {
	s, tmp := newTestServer(t)
	get := func(target string) (int, string) {
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest("GET", target, nil))
		return rec.Code, rec.Body.String()
	}
	for i, text := range []string{"二回目の本文", "三回目の本文"} {
		writeFiles(t, filepath.Join(tmp, "content"), map[string]string{
			"gm/lect01.md": "---\ntitle: 第1回\nlecture: 1\n---\n" + text + "\n",
			"gm/new.md":    "---\ntitle: 新しいページ\n---\n新規\n",
		})
		s.build([]string{"gm/lect01.md"})
		if code, body := get("/gm/lect01/"); code != 200 || !strings.Contains(body, text) {
			t.Errorf("build %d: %d, page lacks %q", i+2, code, text)
		}
		if code, _ := get("/gm/new/"); code != 200 {
			t.Errorf("build %d: new page: %d", i+2, code)
		}
	}
	// A failed build keeps the last good site.
	writeFiles(t, filepath.Join(tmp, "content"), map[string]string{"gm/lect01.md": "---\ntitle: [\n---\n壊れた\n"})
	s.build([]string{"gm/lect01.md"})
	if code, body := get("/gm/lect01/"); code != 200 || !strings.Contains(body, "三回目の本文") {
		t.Errorf("after a failed build: %d, want the last good page", code)
	}
}

func TestInject(t *testing.T) {
	tag := scriptTag("x")
	for _, c := range []struct{ name, in, want string }{
		{"before body end", "<p>a</p></body></html>", "<p>a</p>" + tag + "</body></html>"},
		{"upper case", "<p>a</p></BODY>", "<p>a</p>" + tag + "</BODY>"},
		{"the last one", "<pre></body></pre></body>", "<pre></body></pre>" + tag + "</body>"},
		{"no body end", "<p>a", "<p>a" + tag},
		{"empty", "", tag},
	} {
		if got := string(inject([]byte(c.in), "x")); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
	if got := scriptTag(`"><img src=x>`); strings.Contains(got, "<img") {
		t.Errorf("id not escaped: %s", got)
	}
}

func TestContainsDotDot(t *testing.T) {
	for _, c := range []struct {
		in   string
		want bool
	}{
		{"/a/b", false}, {"/a..b", false}, {"/..a/b..", false}, {"/...", false},
		{"/..", true}, {"/a/../b", true}, {`/a\..\b`, true}, {`\..`, true}, {"../", true},
	} {
		if got := containsDotDot(c.in); got != c.want {
			t.Errorf("containsDotDot(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}

// TestCaching: pages are never stored (they carry the build id); other
// files revalidate against an exact ETag, since Last-Modified has
// one-second resolution.
func TestCaching(t *testing.T) {
	s, tmp := newTestServer(t)
	do := func(target, inm string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", target, nil)
		if inm != "" {
			req.Header.Set("If-None-Match", inm)
		}
		req.Header.Set("If-Modified-Since", time.Now().Add(time.Hour).UTC().Format(http.TimeFormat))
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		return rec
	}
	page := do("/gm/lect01/", `"x"`)
	if page.Code != 200 || page.Header().Get("Cache-Control") != "no-store" || page.Header().Get("ETag") != "" {
		t.Errorf("page: %d, Cache-Control %q, ETag %q", page.Code, page.Header().Get("Cache-Control"), page.Header().Get("ETag"))
	}
	file := do("/gm/notes.txt", "")
	etag := file.Header().Get("ETag")
	if file.Code != 200 || file.Header().Get("Cache-Control") != "no-cache" || etag == "" {
		t.Fatalf("file: %d, Cache-Control %q, ETag %q", file.Code, file.Header().Get("Cache-Control"), etag)
	}
	if again := do("/gm/notes.txt", etag); again.Code != 304 {
		t.Errorf("same ETag: %d, want 304", again.Code)
	}
	// Rewritten within the same second: a new ETag and the new bytes.
	writeFiles(t, filepath.Join(tmp, "content"), map[string]string{"gm/notes.txt": "changed text\n"})
	s.build([]string{"gm/notes.txt"})
	if again := do("/gm/notes.txt", etag); again.Code != 200 || again.Body.String() != "changed text\n" {
		t.Errorf("after a change: %d %q", again.Code, again.Body.String())
	}
}

func TestLocalHostOnly(t *testing.T) {
	s, _ := newTestServer(t)
	s.localOnly = true
	for _, c := range []struct {
		host string
		code int
	}{
		{"127.0.0.1:1313", 200}, {"localhost:1313", 200}, {"LOCALHOST", 200}, {"[::1]:1313", 200},
		{"kogi.localhost:1313", 200}, {"192.168.1.5:1313", 200},
		{"evil.example:1313", 403}, {"evil.example", 403}, {"localhost.evil.example", 403}, {"", 403},
	} {
		req := httptest.NewRequest("GET", "/", nil)
		req.Host = c.host
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code != c.code {
			t.Errorf("Host %q: %d, want %d", c.host, rec.Code, c.code)
		}
	}
}

// TestClientWritesTextOnly guards the overlay: build messages hold file
// names and source text, so the client must never parse them as HTML.
func TestClientWritesTextOnly(t *testing.T) {
	for name, js := range map[string][]byte{"live.js": liveJS, "live-worker.js": workerJS} {
		for _, sink := range []string{"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"} {
			if strings.Contains(string(js), sink) {
				t.Errorf("%s uses %s", name, sink)
			}
		}
	}
}

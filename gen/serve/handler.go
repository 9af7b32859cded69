package serve

import (
	"bytes"
	_ "embed"
	"errors"
	"html"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// The client script is served by the server and named in every HTML
// response; it is never written into the built site.
const (
	liveJSPath   = "/__kogi/live.js"
	workerJSPath = "/__kogi/live-worker.js"
	eventsPath   = "/__kogi/events"
)

var (
	//go:embed live.js
	liveJS []byte
	//go:embed live-worker.js
	workerJS []byte
)

// served is one build of the site, opened as an os.Root. site.Build puts a
// new build in place by exchanging two folders (see gen/site/tree.go), so a
// handle opened on the old folder goes on showing the previous build — and
// the next build writes into that very folder. Each successful build is
// therefore opened anew; the old root is closed once the last request that
// uses it is done.
type served struct {
	root  *os.Root
	files http.Handler
	id    string       // build id, written into every page for the client
	refs  atomic.Int64 // requests in flight, plus one while current
}

func openServed(dir, id string) (*served, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	t := &served{root: root, id: id}
	t.files = http.FileServerFS(siteFS{fsys: root.FS(), id: id})
	t.refs.Store(1)
	return t, nil
}

func (t *served) release() {
	if t.refs.Add(-1) == 0 {
		t.root.Close()
	}
}

// acquire returns the current build with a reference held, or nil before the
// first good build. A build that was just retired (refs at 0) is never
// revived: the loop then reads the pointer again.
func (s *Server) acquire() *served {
	for {
		t := s.cur.Load()
		if t == nil {
			return nil
		}
		n := t.refs.Load()
		if n > 0 && t.refs.CompareAndSwap(n, n+1) {
			return t
		}
	}
}

// swapIn makes t the build that is served and retires the previous one.
func (s *Server) swapIn(t *served) {
	if old := s.cur.Swap(t); old != nil {
		old.release()
	}
}

// ServeHTTP serves the site, the client script and the event stream.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.localOnly && !localHost(r.Host) {
		http.Error(w, "403 forbidden", http.StatusForbidden)
		return
	}
	switch r.URL.Path {
	case liveJSPath, workerJSPath:
		js := liveJS
		if r.URL.Path == workerJSPath {
			js = workerJS
		}
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(js))
		return
	case eventsPath:
		if r.Method != http.MethodGet {
			w.Header().Set("Allow", "GET")
			http.Error(w, "405 method not allowed", http.StatusMethodNotAllowed)
			return
		}
		s.serveEvents(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "405 method not allowed", http.StatusMethodNotAllowed)
		return
	}
	// As ServeFileFS does: reject ".." as a path element (split on both
	// slashes) before anything looks at the path. os.Root would refuse to
	// leave the output folder anyway; this keeps the answer a plain 400.
	if containsDotDot(r.URL.Path) {
		http.Error(w, "400 bad request", http.StatusBadRequest)
		return
	}
	// Last-Modified has one-second resolution, so a file rebuilt twice in a
	// second would be answered 304 with its old bytes: revalidation goes
	// through an exact ETag instead. Pages are never stored (they carry the
	// build id); everything else is revalidated on every load, so that a
	// reload does not fetch and compile MathJax's 2 MB again.
	r.Header.Del("If-Modified-Since")
	r.Header.Del("If-Unmodified-Since")
	t := s.acquire()
	if t == nil {
		writePage(w, http.StatusServiceUnavailable, "503 サイトはまだビルドされていません (site not built yet)", "")
		return
	}
	defer t.release()
	if etag := t.etag(r.URL.Path); etag != "" {
		w.Header().Set("Cache-Control", "no-cache")
		w.Header().Set("ETag", etag)
	} else {
		w.Header().Set("Cache-Control", "no-store")
		r.Header.Del("If-None-Match")
		r.Header.Del("If-Range")
	}
	t.files.ServeHTTP(&notFoundWriter{ResponseWriter: w, id: t.id}, r)
}

// etag is the validator of a file that is not a page: its size and
// modification time in nanoseconds (a build rewrites only the files whose
// bytes changed, so an unchanged file keeps both). It is "" for pages,
// folders and anything that cannot be served.
func (t *served) etag(urlPath string) string {
	name := strings.TrimPrefix(path.Clean(urlPath), "/")
	if name == "" || strings.HasSuffix(urlPath, "/") || strings.HasSuffix(name, ".html") {
		return ""
	}
	fi, err := fs.Stat(siteFS{fsys: t.root.FS(), id: t.id}, name)
	if err != nil || !fi.Mode().IsRegular() {
		return ""
	}
	return `"` + strconv.FormatInt(fi.ModTime().UnixNano(), 36) + "-" + strconv.FormatInt(fi.Size(), 36) + `"`
}

// localHost reports whether a Host header names this machine: an IP
// address or localhost. A server on 127.0.0.1 checks it because a web page
// can point its own host name at 127.0.0.1 (DNS rebinding) and then read
// the drafts as same-origin; such a request carries that name.
func localHost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.ToLower(strings.Trim(host, "[]")), ".")
	return net.ParseIP(host) != nil || host == "localhost" || strings.HasSuffix(host, ".localhost")
}

// containsDotDot reports whether v has a ".." element, splitting on '/' and
// '\\' like net/http (a Windows-style URL must not climb either).
func containsDotDot(v string) bool {
	if !strings.Contains(v, "..") {
		return false
	}
	for _, e := range strings.FieldsFunc(v, func(r rune) bool { return r == '/' || r == '\\' }) {
		if e == ".." {
			return true
		}
	}
	return false
}

// writePage answers with a small HTML page that carries the client script,
// so that a tab on a missing page reloads once the page is built.
func writePage(w http.ResponseWriter, code int, msg, id string) {
	h := w.Header()
	h.Del("Content-Length")
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	io.WriteString(w, `<!doctype html><html lang="ja"><meta charset="utf-8"><title>`+html.EscapeString(msg)+
		`</title><body><p>`+html.EscapeString(msg)+"</p>"+scriptTag(id)+"</body></html>\n")
}

// notFoundWriter turns the file server's plain-text 404 into writePage's,
// so that the message stays generic and the tab still live-reloads.
type notFoundWriter struct {
	http.ResponseWriter
	id      string
	swallow bool
}

func (w *notFoundWriter) WriteHeader(code int) {
	if code == http.StatusNotFound {
		w.swallow = true
		writePage(w.ResponseWriter, code, "404 ページが見つかりません (page not found)", w.id)
		return
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *notFoundWriter) Write(b []byte) (int, error) {
	if w.swallow {
		return len(b), nil
	}
	return w.ResponseWriter.Write(b)
}

func (w *notFoundWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func scriptTag(id string) string {
	return `<script src="` + liveJSPath + `" data-kogi-site="` + html.EscapeString(id) + `" defer></script>`
}

// inject puts the client script before the last </body>, or at the end when
// the page has none (minified HTML may drop it).
func inject(page []byte, id string) []byte {
	tag := scriptTag(id)
	i := lastIndexFold(page, "</body")
	if i < 0 {
		i = len(page)
	}
	out := make([]byte, 0, len(page)+len(tag))
	out = append(out, page[:i]...)
	out = append(out, tag...)
	return append(out, page[i:]...)
}

func lastIndexFold(b []byte, lower string) int {
	for i := len(b) - len(lower); i >= 0; i-- {
		if bytes.EqualFold(b[i:i+len(lower)], []byte(lower)) {
			return i
		}
	}
	return -1
}

// siteFS is the output folder as the file server sees it:
//   - names with an element starting with "." (.kogi-site) do not exist;
//   - a folder without index.html does not exist (no listings);
//   - an HTML file gets the client script;
//   - any error other than "does not exist" (os.Root refusing a symlink that
//     leaves the folder, say) becomes "permission denied", which the file
//     server answers with a plain 403.
type siteFS struct {
	fsys fs.FS
	id   string
}

func (f siteFS) Open(name string) (fs.File, error) {
	if name != "." {
		for _, e := range strings.Split(name, "/") {
			if strings.HasPrefix(e, ".") {
				return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
			}
		}
	}
	file, err := f.fsys.Open(name)
	if err != nil {
		return nil, hideErr(name, err)
	}
	fi, err := file.Stat()
	if err != nil {
		file.Close()
		return nil, hideErr(name, err)
	}
	switch {
	case fi.IsDir():
		idx, err := fs.Stat(f.fsys, path.Join(name, "index.html"))
		if err != nil || !idx.Mode().IsRegular() {
			file.Close()
			return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
		}
		return file, nil
	case !fi.Mode().IsRegular():
		file.Close()
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrPermission}
	case strings.HasSuffix(name, ".html"):
		b, err := io.ReadAll(file)
		file.Close()
		if err != nil {
			return nil, hideErr(name, err)
		}
		b = inject(b, f.id)
		return &memFile{Reader: bytes.NewReader(b), info: memInfo{FileInfo: fi, size: int64(len(b))}}, nil
	}
	return file, nil
}

func hideErr(name string, err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return &fs.PathError{Op: "open", Path: name, Err: fs.ErrPermission}
}

// memFile is a page with the script injected; the file server needs Seek
// for Range requests and Content-Length.
type memFile struct {
	*bytes.Reader
	info memInfo
}

func (m *memFile) Stat() (fs.FileInfo, error) { return m.info, nil }
func (m *memFile) Close() error               { return nil }

type memInfo struct {
	fs.FileInfo
	size int64
}

func (i memInfo) Size() int64 { return i.size }

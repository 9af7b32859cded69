// Package serve is Kogi's dev server. It builds the site, serves the output
// folder on 127.0.0.1, watches the content, templates and static folders,
// rebuilds after each burst of changes, and tells open tabs over
// Server-Sent Events to reload — or, when the build fails, to show its
// errors over the last good page until the next build succeeds.
package serve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kogi-course/kogi/gen/config"
	"github.com/kogi-course/kogi/gen/site"
)

// DefaultAddr is where `gen serve` listens: this machine only.
const DefaultAddr = "127.0.0.1:1313"

// Config says what to build and where to serve it.
type Config struct {
	// Addr is the host:port to listen on. A missing host means 127.0.0.1,
	// not every interface: the site is the author's draft. Name a host
	// (0.0.0.0:1313) to show it to the network.
	Addr string
	// Build is what to build; its Out folder is what is served.
	Build config.Build
	// Debounce is how long the watcher waits after the last change of a
	// burst before rebuilding. Editors save through a temporary file and a
	// rename within a few milliseconds; 40 ms covers that and keeps the
	// reload well under the 300 ms a save-to-reload should take.
	Debounce time.Duration
	// Quiet prints errors only: no warnings and no line per rebuild.
	Quiet bool
	// Log receives what the server reports; nil means os.Stderr.
	Log io.Writer
}

// Default is the configuration of `gen serve` with no flags.
var Default = Config{Addr: DefaultAddr, Build: config.Default, Debounce: 40 * time.Millisecond}

// Validate reports the first setting that cannot work.
func (c *Config) Validate() error {
	if err := c.Build.Validate(); err != nil {
		return err
	}
	if c.Build.Out == "" {
		return errors.New("output folder not set")
	}
	if _, port, err := net.SplitHostPort(c.Addr); err != nil || port == "" {
		return fmt.Errorf("address %q is not host:port (e.g. 127.0.0.1:1313)", c.Addr)
	}
	if c.Debounce < 0 {
		return fmt.Errorf("debounce must be >= 0, got %v", c.Debounce)
	}
	return nil
}

// Listen opens addr for the server; a missing host is 127.0.0.1.
func Listen(addr string) (net.Listener, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("address %q is not host:port (e.g. 127.0.0.1:1313)", addr)
	}
	if host == "" {
		host = "127.0.0.1"
	}
	return net.Listen("tcp", net.JoinHostPort(host, port))
}

// Run builds the site, serves it on cfg.Addr and rebuilds on every change
// until ctx is done; it then stops serving and returns nil. It rebuilds
// through a site.Session, which re-renders only the changed pages when it
// can.
func Run(ctx context.Context, cfg Config) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	ln, err := Listen(cfg.Addr)
	if err != nil {
		return err
	}
	return New(cfg, site.NewSession(cfg.Build)).Serve(ctx, ln)
}

// Server serves one site and rebuilds it through a Builder.
type Server struct {
	cfg       Config
	b         Builder
	rel       relPaths
	hub       hub
	cur       atomic.Pointer[served]
	done      chan struct{}   // closed on shutdown: ends the event streams
	epoch     string          // tells this process's builds from an earlier one's
	n         int             // successful builds so far; only the build loop touches n and shown
	shown     map[string]bool // warnings already printed
	localOnly bool            // listening on loopback: serve local Host names only

	logMu sync.Mutex
	log   io.Writer
}

// New returns a server for cfg that builds with b; Serve starts it.
func New(cfg Config, b Builder) *Server {
	s := &Server{cfg: cfg, b: b, rel: newRelPaths(cfg.Build), done: make(chan struct{}),
		epoch: strconv.FormatInt(time.Now().UnixNano(), 36), log: cfg.Log}
	if s.log == nil {
		s.log = os.Stderr
	}
	return s
}

func (s *Server) logf(format string, args ...any) {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	fmt.Fprintf(s.log, format+"\n", args...)
}

// Serve builds the site, then serves it on ln and rebuilds on change until
// ctx is done. Shutdown is graceful: event streams end, requests in flight
// finish (for up to five seconds), and a build in progress completes.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	b := s.cfg.Build
	w, err := newWatcher(b.Out, s.logf)
	if err != nil {
		ln.Close()
		return err
	}
	defer w.Close()
	// Watch before the first build, so that a save during it is not lost.
	for _, dir := range []string{b.Content, b.Templates, b.Static} {
		if dir == "" {
			continue
		}
		if _, err := w.addTree(dir); err != nil {
			s.logf("not watching %s: %v", s.rel.path(dir), s.rel.text(err.Error()))
		}
	}
	s.build(nil)
	if s.cur.Load() == nil {
		s.openEarlier()
	}

	wctx, stopWatch := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() {
		w.run(wctx, debounce{quiet: s.cfg.Debounce, maxWait: 10*s.cfg.Debounce + 200*time.Millisecond}, s.build)
	})
	defer func() {
		stopWatch()
		wg.Wait() // a build in progress finishes
		// A Builder may finish a build in the background (site.Session
		// refreshes the search index after a page-only rebuild).
		if bg, ok := s.b.(interface{ Wait() }); ok {
			bg.Wait()
		}
		if t := s.cur.Swap(nil); t != nil {
			t.release()
		}
	}()

	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: log.New(io.Discard, "", 0)}
	s.logf("serving %s at %s (Ctrl-C to stop)", b.Out, siteURL(ln.Addr()))
	if tcp, ok := ln.Addr().(*net.TCPAddr); ok && !tcp.IP.IsLoopback() {
		s.logf("warning: listening on %s: anyone on the network can read the site", ln.Addr())
	} else {
		s.localOnly = true
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		close(s.done)
		return err
	case <-ctx.Done():
	}
	close(s.done)
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		srv.Close()
	}
	s.logf("stopped")
	return nil
}

// siteURL is the address to print; a wildcard host is shown as localhost.
func siteURL(a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	if !ok {
		return "http://" + a.String() + "/"
	}
	host := tcp.IP.String()
	if tcp.IP.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, strconv.Itoa(tcp.Port)) + "/"
}

// openEarlier serves what an earlier `gen build` left when the first build
// failed, so that the author sees the pages (and the overlay) at once. Only a
// folder gen made (it has the marker) is served.
func (s *Server) openEarlier() {
	out := s.cfg.Build.Out
	if _, err := os.Stat(filepath.Join(out, ".kogi-site")); err != nil {
		return
	}
	t, err := openServed(out, s.epoch+"-0")
	if err != nil {
		return
	}
	s.swapIn(t)
	s.logf("serving the site of an earlier build until this one builds")
}

// build runs one build (changed == nil: the first one), serves its output
// when it succeeded and tells the tabs either way.
func (s *Server) build(changed []string) {
	start := time.Now()
	var res site.Result
	var err error
	if changed == nil {
		res, err = s.b.Build()
	} else {
		res, err = s.b.Rebuild(changed)
	}
	took := time.Since(start)
	errs, warns := s.rel.problems(res.Problems)
	if err == nil {
		s.n++
		var t *served
		if t, err = openServed(s.cfg.Build.Out, s.epoch+"-"+strconv.Itoa(s.n)); err == nil {
			s.swapIn(t)
		}
	}
	if err != nil && !errors.Is(err, site.ErrFailed) {
		errs = append(errs, s.rel.text(err.Error()))
	}
	if err != nil && len(errs) == 0 {
		errs, warns = warns, nil // --strict: the warnings are why it failed
	}

	verb := map[bool]string{true: "built", false: "build failed"}[err == nil]
	if changed != nil {
		verb = "re" + verb
	}
	line := fmt.Sprintf("%s in %v%s", verb, took.Round(time.Millisecond), s.changes(changed))
	for _, p := range errs {
		s.logf("%s", p)
	}
	// Warnings are printed once, not on every save: the shared corpus has a
	// thousand of them.
	fresh, shown := 0, make(map[string]bool, len(warns))
	for _, p := range warns {
		shown[p] = true
		if !s.shown[p] {
			fresh++
			if !s.cfg.Quiet {
				s.logf("%s", p)
			}
		}
	}
	s.shown = shown
	nwarn := fmt.Sprintf("%d warnings", len(warns))
	if fresh > 0 && fresh < len(warns) {
		nwarn += fmt.Sprintf(" (%d new)", fresh)
	}

	st := status{OK: err == nil}
	if t := s.cur.Load(); t != nil {
		st.Site = t.id
	}
	if err != nil {
		st.Errors = capLines(errs)
		if len(errs) == 0 {
			st.Errors = []string{"build failed"} // cannot happen; never show an empty overlay
		}
		st.Warnings = capLines(warns)
		kept := "the last good site is still served"
		if st.Site == "" {
			kept = "nothing to serve until a build succeeds"
		}
		s.logf("%s: %d errors, %s; %s", line, len(errs), nwarn, kept)
	} else if !s.cfg.Quiet {
		s.logf("%s: %d pages, %d files, %s", line, res.Stats.Pages, res.Stats.Files, nwarn)
	}
	s.hub.publish(st)
}

// maxShown is how many lines of each kind the overlay lists; the terminal
// has them all.
const maxShown = 100

func capLines(lines []string) []string {
	if len(lines) <= maxShown {
		return lines
	}
	return append(lines[:maxShown:maxShown], fmt.Sprintf("… and %d more (see the terminal)", len(lines)-maxShown))
}

// changes says what a rebuild was for: "(1 file changed: content/a.md)".
func (s *Server) changes(changed []string) string {
	switch n := len(changed); {
	case n == 0:
		return ""
	case n == 1:
		return " (1 file changed: " + s.rel.path(changed[0]) + ")"
	case n <= 3:
		names := make([]string, n)
		for i, c := range changed {
			names[i] = s.rel.path(c)
		}
		return fmt.Sprintf(" (%d files changed: %s)", n, strings.Join(names, ", "))
	default:
		return fmt.Sprintf(" (%d files changed)", n)
	}
}

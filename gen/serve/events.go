package serve

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"
)

// status is what every open tab is told after each build, and once when it
// connects. The client compares Site with the build its page came from (the
// data-kogi-site attribute of the injected script): a different Site after a
// successful build means "reload"; a failed build shows Errors in an overlay
// over the page, which still shows the last good build.
type status struct {
	Site     string   `json:"site"` // id of the site being served; "" when none
	OK       bool     `json:"ok"`   // the last build succeeded
	Errors   []string `json:"errors,omitempty"`
	Warnings []string `json:"warnings,omitempty"` // shown below the errors of a failed build
}

// hub hands the latest status to every event stream. Subscribers are only
// poked; each reads the newest status when it is ready to write, so a slow
// tab skips intermediate builds instead of holding up the others.
type hub struct {
	mu   sync.Mutex
	cur  []byte // JSON of the latest status
	subs map[chan struct{}]bool
}

func (h *hub) publish(st status) {
	b, err := json.Marshal(st)
	if err != nil {
		panic(err) // only strings and bools: cannot happen
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.cur = b
	for c := range h.subs {
		select {
		case c <- struct{}{}:
		default: // already poked; it will read the newest status
		}
	}
}

func (h *hub) latest() []byte {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.cur
}

func (h *hub) subscribe() chan struct{} {
	c := make(chan struct{}, 1)
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.subs == nil {
		h.subs = map[chan struct{}]bool{}
	}
	h.subs[c] = true
	return c
}

func (h *hub) unsubscribe(c chan struct{}) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.subs, c)
}

// keepAlive is how often an idle stream gets a comment line, so that a dead
// connection is noticed and proxies do not time it out.
const keepAlive = 20 * time.Second

// serveEvents is the Server-Sent Events stream at /__kogi/events.
func (s *Server) serveEvents(w http.ResponseWriter, r *http.Request) {
	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	c := s.hub.subscribe()
	defer s.hub.unsubscribe(c)
	// retry: a restarted server is found again within half a second.
	if _, err := fmt.Fprint(w, "retry: 500\n\n"); err != nil {
		return
	}
	send := func() error {
		if b := s.hub.latest(); b != nil {
			if _, err := fmt.Fprintf(w, "event: status\ndata: %s\n\n", b); err != nil {
				return err
			}
		}
		return rc.Flush()
	}
	if send() != nil {
		return
	}
	tick := time.NewTicker(keepAlive)
	defer tick.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-s.done:
			return
		case <-c:
			if send() != nil {
				return
			}
		case <-tick.C:
			if _, err := fmt.Fprint(w, ": keep-alive\n\n"); err != nil {
				return
			}
			if rc.Flush() != nil {
				return
			}
		}
	}
}

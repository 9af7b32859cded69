package markup

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"runtime/debug"
	"slices"
	"sync"

	"github.com/yuin/goldmark"
	highlighting "github.com/yuin/goldmark-highlighting/v2"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
)

// HighlightCache remembers the HTML that syntax highlighting wrote for each
// fenced code block. chroma's regexp-based lexers made highlighting the
// corpus's 30 code blocks (9 KB) about a quarter of Convert's CPU time, and
// code rarely changes between builds. Highlighting is a pure function of the
// block's info string, its code and the library versions, so those are the
// key. One cache serves all workers; gen/site keeps it between builds.
type HighlightCache struct {
	mu      sync.Mutex
	entries map[[32]byte][]byte
	used    map[[32]byte]bool // keys this build looked up or added
	added   bool
}

// NewHighlightCache returns an empty cache.
func NewHighlightCache() *HighlightCache {
	return &HighlightCache{entries: map[[32]byte][]byte{}, used: map[[32]byte]bool{}}
}

// WithHighlightCache highlights code through c; nil means no cache.
func WithHighlightCache(c *HighlightCache) Option {
	return func(o *options) { o.hlCache = c }
}

func (c *HighlightCache) get(key [32]byte) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.entries[key]
	if ok {
		c.used[key] = true
	}
	return v, ok
}

func (c *HighlightCache) put(key [32]byte, html []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries[key] = html
	c.used[key] = true
	c.added = true
}

// hlMagic starts a saved cache; a trailing SHA-256 of everything before it
// catches a truncated or damaged file.
const hlMagic = "kogi highlight cache 1\n"

// Load replaces the cache's entries with data from Marshal. Data that is
// damaged or of another format leaves the cache empty, with an error.
func (c *HighlightCache) Load(data []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries = map[[32]byte][]byte{}
	errBad := errors.New("highlight cache: damaged or foreign file")
	n := len(data) - sha256.Size
	if n < len(hlMagic) || string(data[:len(hlMagic)]) != hlMagic {
		return errBad
	}
	if sum := sha256.Sum256(data[:n]); !bytes.Equal(sum[:], data[n:]) {
		return errBad
	}
	entries := map[[32]byte][]byte{}
	for p := data[len(hlMagic):n]; len(p) > 0; {
		if len(p) < 32 {
			return errBad
		}
		key := [32]byte(p[:32])
		size, w := binary.Uvarint(p[32:])
		if w <= 0 || size > uint64(len(p)-32-w) {
			return errBad
		}
		p = p[32+w:]
		entries[key] = p[:size:size]
		p = p[size:]
	}
	c.entries = entries
	return nil
}

// Changed reports whether Marshal would differ from what Load read: an
// entry was added, or a loaded one went unused.
func (c *HighlightCache) Changed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.added || len(c.used) != len(c.entries)
}

// Marshal encodes the entries used since Load, so that the saved cache holds
// only what the site still has and never grows without bound.
func (c *HighlightCache) Marshal() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	keys := make([][32]byte, 0, len(c.used))
	for k := range c.used {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b [32]byte) int { return bytes.Compare(a[:], b[:]) })
	b := []byte(hlMagic)
	for _, k := range keys {
		b = append(b, k[:]...)
		b = binary.AppendUvarint(b, uint64(len(c.entries[k])))
		b = append(b, c.entries[k]...)
	}
	sum := sha256.Sum256(b)
	return append(b, sum[:]...)
}

// hlVersion goes into every key, so that upgrading a library that shapes
// the HTML never serves the old version's output.
var hlVersion = sync.OnceValue(func() string {
	v := "classes" // the chroma options New passes
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			switch d.Path {
			case "github.com/alecthomas/chroma/v2", "github.com/yuin/goldmark-highlighting/v2",
				"github.com/yuin/goldmark", "github.com/dlclark/regexp2/v2":
				v += " " + d.Path + "@" + d.Version
			}
		}
	}
	return v
})

// cachedHighlighter wraps goldmark-highlighting's renderer, answering from
// the cache when it can.
type cachedHighlighter struct {
	inner renderer.NodeRenderer
	fn    renderer.NodeRendererFunc // inner's function for fenced code
	cache *HighlightCache
}

// SetOption passes goldmark's renderer options (XHTML, unsafe) on.
func (r *cachedHighlighter) SetOption(name renderer.OptionName, value any) {
	if so, ok := r.inner.(renderer.SetOptioner); ok {
		so.SetOption(name, value)
	}
}

func (r *cachedHighlighter) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	r.inner.RegisterFuncs(funcCatcher(func(k ast.NodeKind, fn renderer.NodeRendererFunc) {
		if k == ast.KindFencedCodeBlock {
			r.fn = fn
		}
		reg.Register(k, fn)
	}))
	reg.Register(ast.KindFencedCodeBlock, r.render)
}

// cachedHighlighting is goldmark-highlighting's extension with the cache
// around its renderer (each goldmark.Markdown gets its own renderer).
type cachedHighlighting struct {
	opts  []highlighting.Option
	cache *HighlightCache
}

func (e cachedHighlighting) Extend(m goldmark.Markdown) {
	r := &cachedHighlighter{inner: highlighting.NewHTMLRenderer(e.opts...), cache: e.cache}
	m.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(r, 200)))
}

type funcCatcher func(ast.NodeKind, renderer.NodeRendererFunc)

func (f funcCatcher) Register(k ast.NodeKind, fn renderer.NodeRendererFunc) { f(k, fn) }

func (r *cachedHighlighter) render(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*ast.FencedCodeBlock)
	// Blocks without a language are not highlighted, hence cheap; attributes
	// (which can change the HTML) are not in the key, so skip those too.
	if !entering || n.Info == nil || n.Language(src) == nil || n.Attributes() != nil {
		return r.fn(w, src, node, entering)
	}
	h := sha256.New()
	h.Write([]byte(hlVersion()))
	info := n.Info.Segment.Value(src)
	h.Write(binary.AppendUvarint([]byte{0}, uint64(len(info))))
	h.Write(info)
	lines := n.Lines()
	for i := range lines.Len() {
		seg := lines.At(i)
		h.Write(seg.Value(src)) // with its padding, as the highlighter reads it
	}
	key := [32]byte(h.Sum(nil))
	if html, ok := r.cache.get(key); ok {
		_, err := w.Write(html)
		return ast.WalkContinue, err
	}
	var buf bytes.Buffer
	bw := bufio.NewWriter(&buf)
	st, err := r.fn(bw, src, node, entering)
	bw.Flush()
	if err == nil {
		r.cache.put(key, buf.Bytes())
	}
	if _, werr := w.Write(buf.Bytes()); err == nil {
		err = werr
	}
	return st, err
}

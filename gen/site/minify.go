package site

import (
	"bytes"
	"regexp"

	"github.com/tdewolff/minify/v2"
	"github.com/tdewolff/minify/v2/css"
	"github.com/tdewolff/minify/v2/html"
	"github.com/tdewolff/minify/v2/js"
	"github.com/tdewolff/minify/v2/json"
	"github.com/tdewolff/minify/v2/svg"
)

type minifier struct {
	m *minify.M
}

var mediaTypes = map[string]string{
	".css":  "text/css",
	".js":   "application/javascript",
	".svg":  "image/svg+xml",
	".json": "application/json",
}

func newMinifier() *minifier {
	m := minify.New()
	m.Add("text/html", &html.Minifier{KeepDocumentTags: true, KeepEndTags: true, KeepQuotes: true})
	m.AddFunc("text/css", css.Minify)
	m.AddFunc("image/svg+xml", svg.Minify)
	m.AddFunc("application/json", json.Minify)
	m.AddFuncRegexp(regexp.MustCompile(`^(application|text)/(x-)?(java|ecma)script$`), js.Minify)
	return &minifier{m: m}
}

func (mi *minifier) handles(ext string) bool {
	_, ok := mediaTypes[ext]
	return ok
}

func (mi *minifier) file(ext string, src []byte) ([]byte, error) {
	return mi.m.Bytes(mediaTypes[ext], src)
}

// Math must reach MathJax byte for byte: TeX line breaks end % comments and
// the minifier would fold them into spaces. So math spans are cut out before
// minifying and put back after. The TeX inside is HTML-escaped, so the first
// closing tag after the opening one is the end of the span.
var (
	mathOpen  = []byte(`class="math `)
	spanOpen  = []byte(`<span `)
	divOpen   = []byte(`<div `)
	spanClose = []byte(`</span>`)
	divClose  = []byte(`</div>`)
)

// mathSpans finds the math elements written by the mathx renderer (whose
// attributes may follow the class, as in <div class="math display" id="eq1">).
// It is a plain byte search: a regexp here cost more than the minifier.
func mathSpans(page []byte) [][2]int {
	var spans [][2]int
	for from := 0; ; {
		i := bytes.Index(page[from:], mathOpen)
		if i < 0 {
			return spans
		}
		i += from
		from = i + len(mathOpen)
		var start int
		var end []byte
		switch {
		case i >= len(spanOpen) && bytes.Equal(page[i-len(spanOpen):i], spanOpen):
			start, end = i-len(spanOpen), spanClose
		case i >= len(divOpen) && bytes.Equal(page[i-len(divOpen):i], divOpen):
			start, end = i-len(divOpen), divClose
		default:
			continue
		}
		j := bytes.Index(page[from:], end)
		if j < 0 {
			return spans
		}
		stop := from + j + len(end)
		spans = append(spans, [2]int{start, stop})
		from = stop
	}
}

// Private-use characters mark where math was; they never occur in the
// minifier's own output and it leaves text characters alone.
const mathMark = "\uE000"

// html minifies page into dst, using masked and out as scratch (a worker
// keeps them, so pages do not each grow new buffers).
func (mi *minifier) html(dst, masked, out *bytes.Buffer, page []byte) error {
	spans := mathSpans(page)
	if len(spans) == 0 {
		return mi.m.Minify("text/html", dst, source(page))
	}
	masked.Reset()
	last := 0
	for _, s := range spans {
		masked.Write(page[last:s[0]])
		masked.WriteString(mathMark)
		last = s[1]
	}
	masked.Write(page[last:])
	out.Reset()
	if err := mi.m.Minify("text/html", out, source(masked.Bytes())); err != nil {
		return err
	}
	rest, n := out.Bytes(), 0
	for ; ; n++ {
		i := bytes.Index(rest, markBytes)
		if i < 0 {
			break
		}
		rest = rest[i+len(markBytes):]
	}
	if n != len(spans) {
		// The minifier moved or dropped a marker: keep the page unminified
		// rather than risk misplacing math.
		dst.Write(page)
		return nil
	}
	rest = out.Bytes()
	for _, s := range spans {
		i := bytes.Index(rest, markBytes)
		dst.Write(rest[:i])
		dst.Write(page[s[0]:s[1]])
		rest = rest[i+len(markBytes):]
	}
	dst.Write(rest)
	return nil
}

var markBytes = []byte(mathMark)

// source hands the minifier a page without a copy: its input reader takes
// the bytes of anything with a Bytes method as they are, and reads anything
// else into a new buffer.
func source(b []byte) *bytes.Buffer { return bytes.NewBuffer(b) }

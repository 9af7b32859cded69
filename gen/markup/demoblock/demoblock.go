// Package demoblock turns fenced blocks with the info string "demo" or
// "gallery" into kast.Demo nodes and renders them through a hook the site
// supplies, so that Markdown stays ignorant of which demos and galleries
// exist and where their files live.
//
//	```demo
//	name: vae-latent
//	```
package demoblock

import (
	"bytes"
	"fmt"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
	"gopkg.in/yaml.v3"

	"github.com/kogi-course/kogi/gen/markup/diag"
	"github.com/kogi-course/kogi/gen/markup/kast"
)

// RenderFunc writes the HTML of one demo. It is called only for nodes with a
// name; what to do with an unknown name is the caller's choice (the site
// reports it and writes a visible placeholder).
type RenderFunc func(w util.BufWriter, d *kast.Demo) error

// Config holds the extension's options.
type Config struct {
	// Render writes a demo's HTML; nil writes a plain placeholder figure.
	Render RenderFunc
}

type demoblock struct{ cfg Config }

// Extension recognises demo blocks and renders placeholders.
var Extension = New(Config{})

// New returns the extension with cfg.
func New(cfg Config) goldmark.Extender { return &demoblock{cfg: cfg} }

// Extend implements goldmark.Extender.
func (e *demoblock) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithASTTransformers(
		// Runs after the block parsers; the priority only orders it among
		// transformers, and nothing else looks at fenced "demo" blocks.
		util.Prioritized(transformer{}, 500),
	))
	m.Renderer().AddOptions(renderer.WithNodeRenderers(
		// Below the HTML renderer's 1000 so the node kind is ours.
		util.Prioritized(&nodeRenderer{render: e.cfg.Render}, 500),
	))
}

// Langs are the info strings this extension takes over.
var Langs = map[string]bool{"demo": true, "gallery": true}

type transformer struct{}

// Transform replaces each ```demo block by a kast.Demo carrying its body.
func (transformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	src := reader.Source()
	var blocks []*ast.FencedCodeBlock
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if fb, ok := n.(*ast.FencedCodeBlock); ok && entering && Langs[string(fb.Language(src))] {
			blocks = append(blocks, fb)
		}
		return ast.WalkContinue, nil
	})
	for _, fb := range blocks {
		off := fb.Info.Segment.Start
		lang := string(fb.Language(src))
		d := &kast.Demo{Lang: lang, Params: map[string]string{}, Offset: off}
		d.SetLines(fb.Lines())
		body := fb.Lines().Value(src)
		if err := parseParams(body, d.Params); err != nil {
			diag.Add(pc, diag.Diagnostic{Offset: off, Severity: diag.Error, Msg: lang + " block: " + err.Error()})
		} else if d.Name = d.Params["name"]; d.Name == "" {
			diag.Add(pc, diag.Diagnostic{Offset: off, Severity: diag.Error, Msg: lang + " block has no name (write `name: …` inside it)"})
		}
		fb.Parent().ReplaceChild(fb.Parent(), fb, d)
	}
}

// parseParams reads the body as a flat YAML mapping of scalars.
func parseParams(body []byte, into map[string]string) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	var m map[string]any
	if err := yaml.Unmarshal(body, &m); err != nil {
		return fmt.Errorf("body is not YAML: %v", err)
	}
	for k, v := range m {
		switch v := v.(type) {
		case string:
			into[k] = v
		case int, float64, bool:
			into[k] = fmt.Sprint(v)
		default:
			return fmt.Errorf("%s: want a plain value, got %T", k, v)
		}
	}
	return nil
}

type nodeRenderer struct{ render RenderFunc }

func (r *nodeRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(kast.KindDemo, r.renderDemo)
}

func (r *nodeRenderer) renderDemo(w util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkSkipChildren, nil
	}
	d := n.(*kast.Demo)
	if r.render != nil && d.Name != "" {
		return ast.WalkSkipChildren, r.render(w, d)
	}
	w.WriteString(`<figure class="kogi-demo kogi-demo-missing" data-` + d.Lang + `="`)
	w.Write(util.EscapeHTML([]byte(d.Name)))
	w.WriteString(`"><figcaption>` + d.Lang + ` `)
	w.Write(util.EscapeHTML([]byte(d.Name)))
	w.WriteString("</figcaption></figure>\n")
	return ast.WalkSkipChildren, nil
}

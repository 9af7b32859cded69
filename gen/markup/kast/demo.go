package kast

import (
	"sort"
	"strings"

	"github.com/yuin/goldmark/ast"
)

// KindDemo is the NodeKind of Demo.
var KindDemo = ast.NewNodeKind("Demo")

// Demo is an interactive demo or a gallery embedded with a fenced block whose
// info string is "demo" or "gallery"; the block's body is YAML (`name:
// vae-latent`), so the page still reads as a code block on GitHub. Its Lines
// are the body.
type Demo struct {
	ast.BaseBlock

	// Lang is the info string: "demo" or "gallery".
	Lang string
	// Name says which demo (required).
	Name string
	// Params holds every key of the body, name included, as text.
	Params map[string]string
	// Offset is the byte offset of the info string ("demo"), for messages.
	Offset int
}

// Kind implements ast.Node.Kind.
func (n *Demo) Kind() ast.NodeKind { return KindDemo }

// IsRaw implements ast.Node.IsRaw: the body is YAML, not Markdown.
func (n *Demo) IsRaw() bool { return true }

// Dump implements ast.Node.Dump.
func (n *Demo) Dump(source []byte, level int) {
	keys := make([]string, 0, len(n.Params))
	for k, v := range n.Params {
		keys = append(keys, k+"="+v)
	}
	sort.Strings(keys)
	ast.DumpHelper(n, source, level, map[string]string{
		"Lang":   n.Lang,
		"Name":   n.Name,
		"Params": strings.Join(keys, " "),
	}, nil)
}

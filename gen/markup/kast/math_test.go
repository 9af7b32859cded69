package kast

import (
	"io"
	"os"
	"strings"
	"testing"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
)

func TestKindNames(t *testing.T) {
	for _, tt := range []struct {
		name string
		node ast.Node
		kind ast.NodeKind
		want string
	}{
		{"inline", NewMathInline("$", false), KindMathInline, "MathInline"},
		{"block", NewMathBlock(), KindMathBlock, "MathBlock"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if tt.node.Kind() != tt.kind || tt.kind.String() != tt.want {
				t.Errorf("Kind() = %v, want %v (%s)", tt.node.Kind(), tt.kind, tt.want)
			}
		})
	}
	if !NewMathBlock().IsRaw() {
		t.Error("MathBlock must be raw so goldmark does not parse its TeX")
	}
}

// dump captures what n.Dump prints: goldmark's DumpHelper writes to stdout.
func dump(t *testing.T, n ast.Node, source []byte) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout := os.Stdout
	os.Stdout = w
	n.Dump(source, 0)
	os.Stdout = stdout
	w.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestDump(t *testing.T) {
	source := []byte(`$a_1$ \[x\]`)
	in := NewMathInline("$", false)
	in.AppendChild(in, ast.NewRawTextSegment(text.NewSegment(1, 4)))
	for _, want := range []string{"MathInline {", `Delimiter: "$"`, "Display: false", `Value: "a_1"`} {
		if got := dump(t, in, source); !strings.Contains(got, want) {
			t.Errorf("inline dump lacks %q:\n%s", want, got)
		}
	}
	b := NewMathBlock()
	b.Lines().Append(text.NewSegment(8, 9))
	b.Unclosed = true
	for _, want := range []string{"MathBlock {", `RawText: "x"`, "Unclosed: true"} {
		if got := dump(t, b, source); !strings.Contains(got, want) {
			t.Errorf("block dump lacks %q:\n%s", want, got)
		}
	}
}

package ial

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer/html"

	"github.com/kogi-course/kogi/gen/markup/diag"
)

func TestScratch(t *testing.T) {
	f := os.Getenv("SCRATCH")
	if f == "" {
		t.Skip()
	}
	src, _ := os.ReadFile(f)
	md := goldmark.New(goldmark.WithExtensions(extension.GFM, Extension), goldmark.WithRendererOptions(html.WithUnsafe(), html.WithXHTML()))
	var all strings.Builder
	for _, c := range strings.Split(string(src), "\n%%%\n") {
		pc := parser.NewContext()
		var out bytes.Buffer
		if err := md.Convert([]byte(c), &out, parser.WithContext(pc)); err != nil {
			t.Fatal(err)
		}
		all.WriteString(out.String())
		for _, d := range diag.List(pc) {
			fmt.Fprintf(&all, "DIAG %d: %s\n", d.Offset, d.Msg)
		}
		all.WriteString("%%%\n")
	}
	os.WriteFile(f+".kogi", []byte(all.String()), 0o644)
}

package rawhtml

import (
	"path/filepath"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/testutil"
)

func TestRawHTML(t *testing.T) {
	md := goldmark.New(goldmark.WithExtensions(Extension), goldmark.WithRendererOptions(html.WithUnsafe(), html.WithXHTML()))
	testutil.DoTestCaseFile(md, filepath.Join("testdata", "rawhtml.txt"), t, testutil.ParseCliCaseArg()...)
}

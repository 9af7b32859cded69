package site

import (
	"bytes"
	"fmt"
	"sort"
	"unicode/utf8"

	"github.com/kogi-course/kogi/gen/markup/diag"
)

// Problem is one finding of the build or the checker, printed in the Go
// compiler's style: file:line:col: message.
type Problem struct {
	File     string // path as the user gave it (content flag joined with the page path)
	Line     int    // 1-based; 0 when the problem concerns the whole file
	Col      int    // 1-based, in characters; 0 when unknown
	Severity diag.Severity
	Msg      string
}

func (p Problem) String() string {
	sev := ""
	if p.Severity == diag.Warning {
		sev = "warning: "
	}
	switch {
	case p.Line > 0 && p.Col > 0:
		return fmt.Sprintf("%s:%d:%d: %s%s", p.File, p.Line, p.Col, sev, p.Msg)
	case p.Line > 0:
		return fmt.Sprintf("%s:%d: %s%s", p.File, p.Line, sev, p.Msg)
	}
	return fmt.Sprintf("%s: %s%s", p.File, sev, p.Msg)
}

// Problems is a sortable list of findings.
type Problems []Problem

// Errors counts the findings that stop a build.
func (ps Problems) Errors() int {
	n := 0
	for _, p := range ps {
		if p.Severity == diag.Error {
			n++
		}
	}
	return n
}

// Warnings counts the findings that do not.
func (ps Problems) Warnings() int { return len(ps) - ps.Errors() }

// Sort orders findings by file and position so that parallel rendering still
// prints them in a stable order.
func (ps Problems) Sort() {
	sort.SliceStable(ps, func(i, j int) bool {
		a, b := ps[i], ps[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
}

// position converts a byte offset of src into a 1-based line and a 1-based
// column counted in characters (so a Japanese line reports what an editor shows).
func position(src []byte, off int) (line, col int) {
	if off < 0 {
		return 0, 0
	}
	if off > len(src) {
		off = len(src)
	}
	line = 1 + bytes.Count(src[:off], []byte{'\n'})
	start := bytes.LastIndexByte(src[:off], '\n') + 1
	col = 1 + utf8.RuneCount(src[start:off])
	return line, col
}

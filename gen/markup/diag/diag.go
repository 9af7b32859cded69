// Package diag collects the problems Markdown extensions find while parsing
// one document. Extensions cannot return errors from goldmark's parser
// interfaces, so they record them in the parser.Context and the site builder
// turns byte offsets into file:line:col messages afterwards.
package diag

import "github.com/yuin/goldmark/parser"

// Severity says whether a problem stops the build.
type Severity int

const (
	Warning Severity = iota
	Error
)

func (s Severity) String() string {
	if s == Error {
		return "error"
	}
	return "warning"
}

// Diagnostic is one problem at a byte offset of the source given to goldmark.
type Diagnostic struct {
	Offset   int // byte offset into the parsed source; -1 when unknown
	Severity Severity
	Msg      string // lower-case, no trailing period, like Go compiler messages
}

var key = parser.NewContextKey()

// Add records d for the document being parsed with pc.
func Add(pc parser.Context, d Diagnostic) {
	list, _ := pc.Get(key).([]Diagnostic)
	pc.Set(key, append(list, d))
}

// Warn is a shorthand for Add with Severity Warning.
func Warn(pc parser.Context, offset int, msg string) {
	Add(pc, Diagnostic{Offset: offset, Severity: Warning, Msg: msg})
}

// Errorf-style helpers are not provided on purpose: messages are built by the
// caller so that each extension owns its wording.

// List returns what was recorded for the document parsed with pc, in the
// order it was found.
func List(pc parser.Context) []Diagnostic {
	list, _ := pc.Get(key).([]Diagnostic)
	return list
}

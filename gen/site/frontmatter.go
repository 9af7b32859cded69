package site

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strconv"

	"gopkg.in/yaml.v3"
)

// FrontMatter holds the fields Kogi understands. Scalars are kept as the text
// the author wrote: the corpus has dates like 2021_1119 and
// 'Oct.-29-2015閲覧' that a YAML date or int type would silently change.
type FrontMatter struct {
	Title   string
	Author  string
	Date    string
	Layout  string
	Lecture int // order within a course; 0 when not given
	// Params holds every key as YAML decoded it, for templates.
	Params map[string]any
}

var reYAMLLine = regexp.MustCompile(`line (\d+)`)

// parseFrontMatter decodes the YAML text. On error it returns the 1-based
// line within the YAML that the parser blamed, or 0.
func parseFrontMatter(y []byte) (FrontMatter, int, error) {
	var fm FrontMatter
	if len(bytes.TrimSpace(y)) == 0 {
		return fm, 0, nil
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(y, &doc); err != nil {
		line := 0
		if m := reYAMLLine.FindStringSubmatch(err.Error()); m != nil {
			line, _ = strconv.Atoi(m[1])
		}
		return fm, line, fmt.Errorf("front matter: %s", trimYAMLErr(err))
	}
	if len(doc.Content) == 0 {
		return fm, 0, nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return fm, root.Line, errors.New("front matter: expected key: value pairs")
	}
	dedupeKeys(root)
	if err := root.Decode(&fm.Params); err != nil {
		return fm, root.Line, fmt.Errorf("front matter: %s", trimYAMLErr(err))
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		var s string
		if v.Kind == yaml.ScalarNode {
			s = v.Value
		}
		switch k.Value {
		case "title":
			fm.Title = s
		case "author":
			fm.Author = s
		case "date":
			fm.Date = s
		case "layout":
			fm.Layout = s
		case "lecture":
			n, err := strconv.Atoi(s)
			if err != nil || n < 0 {
				return fm, v.Line, fmt.Errorf("front matter: lecture must be a whole number, got %q", s)
			}
			fm.Lecture = n
		}
	}
	return fm, 0, nil
}

var reYAMLPrefix = regexp.MustCompile(`^yaml: (line \d+: )?`)

func trimYAMLErr(err error) string {
	return reYAMLPrefix.ReplaceAllString(err.Error(), "")
}

package site

import (
	"fmt"

	"gopkg.in/yaml.v3"
)

// dedupeKeys drops earlier copies of a repeated top-level key, keeping the
// last as Ruby's YAML (and so Jekyll) does; yaml.v3 would reject the whole
// mapping. The corpus's _config.yml says "markdown: kramdown" twice. Each
// dropped key is returned as "line: message" for a warning.
func dedupeKeys(m *yaml.Node) []lineMsg {
	if m.Kind != yaml.MappingNode {
		return nil
	}
	last := map[string]int{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		last[m.Content[i].Value] = i
	}
	if len(last)*2 == len(m.Content) {
		return nil
	}
	var kept []*yaml.Node
	var dups []lineMsg
	for i := 0; i+1 < len(m.Content); i += 2 {
		k := m.Content[i]
		if last[k.Value] != i {
			dups = append(dups, lineMsg{k.Line, fmt.Sprintf("key %q repeated on line %d; the later value wins", k.Value, m.Content[last[k.Value]].Line)})
			continue
		}
		kept = append(kept, k, m.Content[i+1])
	}
	m.Content = kept
	return dups
}

type lineMsg struct {
	line int
	msg  string
}

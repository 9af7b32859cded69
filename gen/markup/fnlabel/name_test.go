package fnlabel

import (
	"slices"
	"testing"
)

func TestIsKramdownName(t *testing.T) {
	tests := []struct {
		name  string
		label string
		want  bool
	}{
		{"Letters", "LDA", true},
		{"Underscores", "jordan_ai_revolution_not_yet", true},
		{"Digits", "1", true},
		{"DigitFirst", "2017Asakawa", true},
		{"UnderscoreFirst", "_y", true},
		{"InnerHyphen", "a-b", true},
		{"TrailingHyphen", "a-", true},
		{"LeadingHyphen", "-a", false},
		{"Empty", "", false},
		{"Japanese", "注1", false},
		{"Space", "a b", false},
		{"Dot", "x.y", false},
		{"Colon", "a:1", false},
		{"Backslash", `2017Aakawa\_deep`, false},
		{"Accented", "café", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := isKramdownName(tt.label); got != tt.want {
				t.Errorf("isKramdownName(%q) = %v, want %v", tt.label, got, tt.want)
			}
		})
	}
}

func TestAnchorNames(t *testing.T) {
	tests := []struct {
		name   string
		labels []string
		prefix string
		want   []string
	}{
		{"KramdownNamesKept", []string{"LDA", "1", "a-b"}, "", []string{"LDA", "1", "a-b"}},
		{"Prefix", []string{"LDA", "注1"}, "p-", []string{"p-LDA", "p-注1"}},
		{"JapaneseKept", []string{"注1", "固有顔 Eigenfaces"}, "", []string{"注1", "固有顔-Eigenfaces"}},
		{"FullWidthPunctuation", []string{"注（1）"}, "", []string{"注-1"}},
		{"RunsBecomeOneHyphen", []string{"a  .. b"}, "", []string{"a-b"}},
		{"EdgesTrimmed", []string{" (a) "}, "", []string{"a"}},
		{"NothingLeft", []string{"!!", "?"}, "", []string{"note", "note-1"}},
		{"KramdownNameWinsLaterInOrder", []string{"a b", "a-b"}, "", []string{"a-b-1", "a-b"}},
		{"MadeUpNamesDeduplicated", []string{"a b", "a.b", "a:b"}, "", []string{"a-b", "a-b-1", "a-b-2"}},
		{"SuffixTakenByKramdownName", []string{"a b", "a.b", "a-b", "a-b-1"}, "", []string{"a-b-2", "a-b-3", "a-b", "a-b-1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := anchorNames(tt.labels, tt.prefix); !slices.Equal(got, tt.want) {
				t.Errorf("anchorNames(%q, %q) = %q, want %q", tt.labels, tt.prefix, got, tt.want)
			}
		})
	}
}

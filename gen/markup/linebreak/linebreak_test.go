package linebreak

import (
	"bytes"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

func TestLineBreaks(t *testing.T) {
	md := goldmark.New(goldmark.WithExtensions(Extension, extension.Linkify))
	for _, c := range []struct{ name, in, want string }{
		{"kanji-kanji", "日本\n語\n", "<p>日本語</p>\n"},
		{"kana-punctuation", "ですが，\nそれは\n", "<p>ですが，それは</p>\n"},
		{"full-stop", "書いた。\n次に\n", "<p>書いた。次に</p>\n"},
		{"kanji-latin", "日本\nabc\n", "<p>日本\nabc</p>\n"},
		{"latin-kanji", "abc\n日本\n", "<p>abc\n日本</p>\n"},
		{"latin-latin", "abc\ndef\n", "<p>abc\ndef</p>\n"},
		{"before-emphasis", "日本\n*語*\n", "<p>日本<em>語</em></p>\n"},
		{"before-latin-emphasis", "syn.\n*Asclepias*\n", "<p>syn.\n<em>Asclepias</em></p>\n"},
		{"after-emphasis", "*日本*\n語\n", "<p><em>日本</em>語</p>\n"},
		{"before-html", "日本\n<b>語</b>\n", "<p>日本\n<!-- raw HTML omitted -->語<!-- raw HTML omitted --></p>\n"},
		{"hard-break", "日本  \n語\n", "<p>日本<br>\n語</p>\n"},
		{"hard-break-spaces", "aaa     \nbbb\n", "<p>aaa<br>\nbbb</p>\n"},
		{"hangul-kept", "한국\n어\n", "<p>한국\n어</p>\n"},
	} {
		var b bytes.Buffer
		if err := md.Convert([]byte(c.in), &b); err != nil {
			t.Fatal(err)
		}
		if b.String() != c.want {
			t.Errorf("%s: %q -> %q, want %q", c.name, c.in, b.String(), c.want)
		}
	}
}

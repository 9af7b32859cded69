package headingid

import (
	"slices"
	"testing"
)

// TestGenerate runs one Markdown document per edge case through goldmark
// with New. The wanted IDs are what kramdown 2.4.0 with kramdown-parser-gfm
// 1.1.0 (input GFM, auto_ids) gives the same document.
func TestGenerate(t *testing.T) {
	tests := []struct {
		name string
		md   string
		attr bool // parser.WithHeadingAttribute, for {#id}
		want []string
	}{
		{"JapaneseWithSpaces", "# 第 12 回\n", false, []string{"第-12-回"}},
		{"ASCIILowerCased", "# 固有顔 Eigenfaces\n", false, []string{"固有顔-eigenfaces"}},
		{"FullWidthPunctuation", "# 例： 雇用の未来，（仮）\n", false, []string{"例-雇用の未来仮"}},
		{"IdeographicSpaceDropped", "# 人工知能　概論\n", false, []string{"人工知能概論"}},
		{"MiddleDotDropped", "# DALL・E\n", false, []string{"dalle"}},
		{"LongVowelMarkKept", "# データー\n", false, []string{"データー"}},
		{"RomanNumeralKeptAndLowerCased", "# 心理学特講 Ⅲ\n", false, []string{"心理学特講-ⅲ"}},
		{"FullWidthLatinLowerCased", "# ＧＰＴ－４\n", false, []string{"ｇｐｔ４"}},
		{"CircledDigitDropped", "# 手順①\n", false, []string{"手順"}},
		{"HTMLComment", "# はじめに<!-- ## Introduction-->\n", false, []string{"はじめに"}},
		{"Link", "# [彼らは](https://example.org/a_b) 解読した\n", false, []string{"彼らは-解読した"}},
		{"LinkWithTitle", "# [GLUE](https://x.org/y \"the_title\")\n", false, []string{"glue"}},
		{"LinkWithIAL", "# [ASA の声明](https://doi.org/10.1080/0003){:target=\"_blank\"}\n", false, []string{"asa-の声明"}},
		{"IALAfterTextIsText", "# 課題 {:target=\"_blank\"}\n", false, []string{"課題-target_blank"}},
		{"Image", "# ![図_1](fig_1.png) 説明\n", false, []string{"-説明"}},
		{"AnchorTag", "# <a name=\"sec_1\"></a>Title\n", false, []string{"title"}},
		{"SpanHTMLContentKept", "# <span class=\"x_y\">_em_</span>\n", false, []string{"em"}},
		{"RawHTMLContent", "# <code>_a_</code> と <font color=\"red\">*b*</font>\n", false, []string{"_a_-と-b"}},
		{"BlockTagIsText", "# <div>x</div>\n", false, []string{"divxdiv"}},
		{"StrayClosingTagIsText", "# A</b>\n", false, []string{"ab"}},
		{"Emphasis", "# *強調* と **太字**\n", false, []string{"強調-と-太字"}},
		{"UnderscoreEmphasis", "# _em_ and __strong__\n", false, []string{"em-and-strong"}},
		{"IntraWordUnderscore", "# snake_case と 日本_語_\n", false, []string{"snake_case-と-日本_語_"}},
		{"UnderscoreAfterDigit", "# 1_b_\n", false, []string{"1b"}},
		{"EscapedUnderscore", "# \\_not\\_ emphasis\n", false, []string{"_not_-emphasis"}},
		{"CodeSpan", "# `a_b` と `` PyTorch ``\n", false, []string{"a_b-と-pytorch"}},
		{"SingleDollarIsText", "# 最小 $2$ 乗解\n", false, []string{"最小-2-乗解"}},
		{"DoubleDollarMath", "# $$x_i$$ の推定\n", false, []string{"x_i-の推定"}},
		{"Entities", "# Tom &amp; Jerry &eacute;&#65;\n", false, []string{"tom--jerry-éa"}},
		{"UnknownEntity", "# &foo;\n", false, []string{"foo"}},
		{"EnDashDropsBothHyphens", "# A--B と C - D\n", false, []string{"ab-と-c---d"}},
		{"Guillemets", "# << 引用 >>\n", false, []string{"引用"}},
		{"Strikethrough", "# ~~old_x~~ new\n", false, []string{"old_x-new"}},
		{"Autolink", "# <https://example.com/a_b>\n", false, []string{"httpsexamplecoma_b"}},
		{"FootnoteMarker", "# Title[^1]\n\n[^1]: note\n", false, []string{"title"}},
		{"TrailingHashes", "## 見出し ##\n", false, []string{"見出し"}},
		{"HashWithoutSpaceKept", "## C#\n", false, []string{"c"}},
		{"Setext", "Setext 見出し\n============\n", false, []string{"setext-見出し"}},
		{"InList", "* item\n\n  ## リスト内\n", false, []string{"リスト内"}},
		{"InBlockquote", "> ## 引用内\n", false, []string{"引用内"}},
		{"Duplicates", "# Foo\n\n# foo\n\n# Foo-1\n\n# FOO\n", false, []string{"foo", "foo-1", "foo-1", "foo-2"}},
		{"Empty", "# !!!\n\n# ？？？\n", false, []string{"", "-1"}},
		{"DottedCapitalI", "# İstanbul\n", false, []string{"i̇stanbul"}},
		{"Tab", "# a\tb\n", false, []string{"a-b"}},
		{"ExplicitIDNotCounted", "# Foo {#bar}\n\n# Foo\n\n# Bar\n", true, []string{"bar", "foo", "bar"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, h := range goldmarkHeadings([]byte(tt.md), tt.attr) {
				got = append(got, h.id)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("%q: got %q, want %q", tt.md, got, tt.want)
			}
		})
	}
}

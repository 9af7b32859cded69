package search

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestNormalize(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"ascii unchanged", "ELBO x+y", "ELBO x+y"},
		{"full-width Latin", "ＥＬＢＯ", "ELBO"},
		{"full-width digits and signs", "２０２４（ｘ）～", "2024(x)~"},
		{"ideographic space", "変分　下限", "変分 下限"},
		{"half-width katakana", "ｶﾞｳｽ", "ガウス"},
		{"half-width semi-voiced", "ﾊﾟﾗﾒｰﾀ", "パラメータ"},
		{"half-width vu", "ｳﾞｨ", "ヴィ"},
		{"half-width punctuation", "｢ｱ｣､｡･", "「ア」、。・"},
		{"mark after a kana without voiced form", "ｱﾞ", "ア゛"},
		{"mark at the start", "ﾟa", "゜a"},
		{"full-width kana unchanged", "ガウス", "ガウス"},
		{"mapped among others", "変分（ELBO）と　ｶﾞｳｽ，ｘ", "変分(ELBO)と ガウス,x"},
		{"mark after a mapped kana", "aｶﾞ", "aガ"},
		{"mapped at the end", "下限１", "下限1"},
		{"other runes with the same lead bytes", "\uFFFD（\uFEFFａ\u3001\u3000", "\uFFFD(\uFEFFa\u3001 "},
	} {
		if got := Normalize(tc.in); got != tc.want {
			t.Errorf("%s: Normalize(%q) = %q, want %q", tc.name, tc.in, got, tc.want)
		}
	}
}

func TestTokenize(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     []string
	}{
		{"kanji bigrams", "変分下限", []string{"変分", "分下", "下限"}},
		{"hiragana bigrams", "ひらがな", []string{"ひら", "らが", "がな"}},
		{"katakana with long vowel mark", "エンコーダー", []string{"エン", "ンコ", "コー", "ーダ", "ダー"}},
		{"kanji and kana in one run", "生成する", []string{"生成", "成す", "する"}},
		{"iteration mark", "人々", []string{"人々"}},
		{"single character", "猫", []string{"猫"}},
		{"full-width Latin lower-cased", "ＥＬＢＯ", []string{"elbo"}},
		{"mixed Japanese and Latin", "変分下限ELBO", []string{"変分", "分下", "下限", "elbo"}},
		{"digits split from kanji", "第12回", []string{"第", "12", "回"}},
		{"full-width digits", "２０２４年度", []string{"2024", "年度"}},
		{"letters and digits are one word", "GPT4o", []string{"gpt4o"}},
		{"Japanese punctuation separates", "生成，識別。（GAN）", []string{"生成", "識別", "gan"}},
		{"middle dot separates", "ボルツマン・マシン", []string{"ボル", "ルツ", "ツマ", "マン", "マシ", "シン"}},
		{"hyphen separates", "t-SNE", []string{"t", "sne"}},
		{"space separates", "変分 下限", []string{"変分", "下限"}},
		{"half-width katakana", "ｶﾞｳｽ", []string{"ガウ", "ウス"}},
		{"Greek lower-cased", "ΣΔ", []string{"σδ"}},
		{"accented Latin", "Élan", []string{"élan"}},
		{"long word cut", strings.Repeat("a", 40), []string{strings.Repeat("a", maxWord)}},
		{"punctuation only", "、。!?", nil},
		{"empty", "", nil},
	} {
		if got := Tokenize(Normalize(tc.in)); !slices.Equal(got, tc.want) {
			t.Errorf("%s: Tokenize(%q) = %q, want %q", tc.name, tc.in, got, tc.want)
		}
	}
}

func TestRunsPositions(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []Run
	}{
		{"第 2 回: VAE と変分下限", []Run{{"第", true, 0}, {"2", false, 2}, {"回", true, 4}, {"vae", false, 7}, {"と変分下限", true, 11}}},
		{"変分。下限 GAN x", []Run{{"変分", true, 0}, {"下限", true, 3}, {"gan", false, 6}, {"x", false, 10}}},
		{"ＶＡＥと𠮷野", []Run{{"vae", false, 0}, {"と𠮷野", true, 3}}},
	} {
		if got := Runs(Normalize(tc.in)); !slices.Equal(got, tc.want) {
			t.Errorf("Runs(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestTerms(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		toks     []string
		offs     []int
	}{
		{"two characters", "下限", []string{"下限"}, []int{0}},
		{"even length: every other bigram", "変分下限", []string{"変分", "下限"}, []int{0, 2}},
		{"odd length: and the last", "敵対的生成", []string{"敵対", "的生", "生成"}, []int{0, 2, 3}},
		{"single character", "猫", []string{"猫"}, []int{0}},
		{"word", "ELBO", []string{"elbo"}, []int{0}},
		{"repeated run once", "GAN gan", []string{"gan"}, []int{0}},
		{"too long: cut", strings.Repeat("あい", 20), slices.Repeat([]string{"あい"}, MaxTokens), []int{0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22}},
	} {
		var toks []string
		var offs []int
		for _, tm := range terms(tc.in) {
			toks = append(toks, tm.toks...)
			offs = append(offs, tm.offs...)
		}
		if !slices.Equal(toks, tc.toks) || !slices.Equal(offs, tc.offs) {
			t.Errorf("%s: terms(%q) = %q at %v, want %q at %v", tc.name, tc.in, toks, offs, tc.toks, tc.offs)
		}
	}
	// Beyond the budget, whole runs are dropped.
	if ts := terms(strings.Repeat("あい", 11) + " ELBO GAN"); len(ts) != 2 || ts[1].run.Text != "elbo" {
		t.Errorf("terms over budget = %v", ts)
	}
}

func TestShardOf(t *testing.T) {
	// FNV-1a of the UTF-8 bytes; search.js must agree.
	for _, tc := range []struct {
		tok  string
		want int
	}{
		{"", 2166136261 % Shards},
		{"a", 0xe40c292c % Shards},
		{"elbo", 0xc7948aa7 % Shards},
	} {
		if got := ShardOf(tc.tok); got != tc.want {
			t.Errorf("ShardOf(%q) = %d, want %d", tc.tok, got, tc.want)
		}
	}
}

// TestIsCJKTable checks the cached table against the definition, rune by
// rune.
func TestIsCJKTable(t *testing.T) {
	for r := rune(0); r <= 0x10FFFF; r++ {
		if isCJK(r) != isCJKSlow(r) {
			t.Fatalf("isCJK(%U) = %v, want %v", r, isCJK(r), isCJKSlow(r))
		}
	}
}

// normalizeRef is Normalize as first written, rune by rune.
func normalizeRef(s string) string {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			r -= 0xFEE0
		case r == 0x3000:
			r = ' '
		case r == 0xFF9E || r == 0xFF9F:
			n := len(out)
			if n > 0 && voiced(out[n-1], r == 0xFF9F) != 0 {
				out[n-1] = voiced(out[n-1], r == 0xFF9F)
				continue
			}
			r = 0x309B + r - 0xFF9E
		case r >= 0xFF61 && r <= 0xFF9D:
			r = halfKana[r-0xFF61]
		}
		out = append(out, r)
	}
	return string(out)
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"ＥＬＢＯ", "ｶﾞｳｽ　変分（下限）", "\uFFFD\uFEFFﾟa", "ﾊﾟﾗﾒｰﾀ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return // PlainText's text is UTF-8; Normalize keeps bad bytes as they are
		}
		if got, want := Normalize(s), normalizeRef(s); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", s, got, want)
		}
	})
}

// TestRuneCaches checks the caches of isCJK and isWord against the
// functions they cache.
func TestRuneCaches(t *testing.T) {
	for r := rune(0); r < cjkHigh+0x100; r++ {
		if got, want := isCJK(r), isCJKSlow(r); got != want {
			t.Errorf("isCJK(%U) = %v, want %v", r, got, want)
		}
		if got, want := isWord(r), isWordSlow(r); got != want {
			t.Errorf("isWord(%U) = %v, want %v", r, got, want)
		}
	}
}

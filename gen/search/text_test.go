package search

import "testing"

func TestPlainText(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"inline tags dropped", "<p>変分<b>下限</b>の<a href=\"x\">導出</a></p>", "変分下限の導出"},
		{"blocks separated", "<h2 id=\"a\">見出し</h2>\n<p>本文</p><ul><li>一</li><li>二</li></ul>", "見出し 本文 一 二"},
		{"br separates", "<p>行一<br />行二</p>", "行一 行二"},
		{"table cells separated", "<table><tr><th>列</th><td>値</td></tr></table>", "列 値"},
		{"script and style dropped", "<p>a</p><script>var s = '<p>x</p>';</script><style>p{color:red}</style><p>b</p>", "a b"},
		{"comment dropped", "<p>変分<!-- ELBO <b>x</b> -->下限</p>", "変分下限"},
		{"entities decoded", "<p>&lt;x&gt; &amp; &quot;y&quot;&#12354;</p>", "<x> & \"y\"あ"},
		{"white space collapsed", "<p>  a\n\t b&nbsp;&nbsp;c </p>\n\n", "a b c"},
		{"inline math keeps its TeX", `<p>下限 <span class="math inline">\(\mathrm{ELBO} = \log p_\theta(x)\)</span> です</p>`, `下限 \mathrm{ELBO} = \log p_\theta(x) です`},
		{"inline math escapes decoded", `<p><span class="math inline">\(a &amp; b &lt; c\)</span></p>`, "a & b < c"},
		{"display math dropped", `<p>前</p><div class="math display">\[x^2 + <b>y</b>\]</div><p>後</p>`, "前 後"},
		{"display math in a paragraph dropped", `<p>前<span class="math display">\[x\]</span>後</p>`, "前 後"},
		{"macro block dropped", `<div class="math display macros">\[\newcommand{\x}{\mathbf{x}}\]</div><p>本文</p>`, "本文"},
		{"nested element inside dropped one", `<div class="math display"><div>x</div>y</div><p>後</p>`, "後"},
		{"svg and iframe dropped", `<p>図<svg><text>ラベル</text></svg>説明<iframe src="v">代替</iframe></p>`, "図説明"},
		{"code kept", "<pre><code class=\"language-go\"><span class=\"k\">x</span> := 1\n</code></pre>", "x := 1"},
		{"image alt not text", `<p><img src="a.png" alt="図一" />本文</p>`, "本文"},
		{"unclosed dropped element drops the rest", `<p>a</p><script>b`, "a"},
		{"empty", "", ""},
	} {
		if got := PlainText([]byte(tc.in)); got != tc.want {
			t.Errorf("%s: PlainText(%q) = %q, want %q", tc.name, tc.in, got, tc.want)
		}
	}
}

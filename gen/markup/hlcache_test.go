package markup

import (
	"strings"
	"testing"

	"github.com/kogi-course/kogi/gen/config"
)

// The cache must never change a byte: the same page with no cache, a cold
// one, and a warm one loaded from what the cold one saved.
func TestHighlightCache(t *testing.T) {
	page := "# code\n\n```python\ndef f(x):\n    return x + 1  # ok\n```\n\n```\nplain <b>\n```\n\n" +
		"- item\n\n  ```bash\n  echo \"$HOME\" | wc -c\n  ```\n"
	convert := func(c *HighlightCache, src string) string {
		t.Helper()
		got, _, err := New(config.Default.Markup, WithHighlightCache(c)).ConvertString(src)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	want := convert(nil, page)
	if !strings.Contains(want, `class="chroma"`) {
		t.Fatalf("no highlighting in %s", want)
	}
	cold := NewHighlightCache()
	if got := convert(cold, page); got != want {
		t.Errorf("cold cache:\n got %s\nwant %s", got, want)
	}
	if !cold.Changed() || len(cold.entries) != 2 {
		t.Fatalf("cold cache has %d entries (changed %v), want 2 highlighted blocks", len(cold.entries), cold.Changed())
	}
	saved := cold.Marshal()

	warm := NewHighlightCache()
	if err := warm.Load(saved); err != nil {
		t.Fatal(err)
	}
	for k := range warm.entries {
		warm.entries[k] = []byte("<from cache>") // prove the hits are served from it
	}
	if got := convert(warm, page); strings.Count(got, "<from cache>") != 2 {
		t.Errorf("warm cache was not used:\n%s", got)
	}
	warm = NewHighlightCache()
	warm.Load(saved)
	if got := convert(warm, page); got != want || warm.Changed() {
		t.Errorf("warm cache (changed %v):\n got %s\nwant %s", warm.Changed(), got, want)
	}

	// A changed block is highlighted afresh; the old entry is dropped on save.
	edited := strings.Replace(page, "x + 1", "x + 2", 1)
	warm = NewHighlightCache()
	warm.Load(saved)
	if got, fresh := convert(warm, edited), convert(nil, edited); got != fresh || !strings.Contains(got, ">2<") {
		t.Errorf("edited block:\n got %s\nwant %s", got, fresh)
	}
	if !warm.Changed() {
		t.Error("an edit does not mark the cache changed")
	}
	again := NewHighlightCache()
	if err := again.Load(warm.Marshal()); err != nil || len(again.entries) != 2 {
		t.Errorf("saved after an edit: %d entries (%v), want 2", len(again.entries), err)
	}
}

// A damaged or foreign file loads as an empty cache, with an error.
func TestHighlightCacheBadFile(t *testing.T) {
	c := NewHighlightCache()
	convert := func(c *HighlightCache) string {
		got, _, _ := New(config.Default.Markup, WithHighlightCache(c)).ConvertString("```python\nprint(1)\n```\n")
		return got
	}
	want := convert(c)
	good := c.Marshal()
	flipped := append([]byte(nil), good...)
	flipped[len(hlMagic)+40] ^= 1
	for name, data := range map[string][]byte{
		"empty": nil, "foreign": []byte("<html>not a cache</html>" + strings.Repeat("x", 64)),
		"truncated": good[:len(good)-1], "flipped byte": flipped,
	} {
		c := NewHighlightCache()
		c.Load(good)
		if err := c.Load(data); err == nil || len(c.entries) != 0 {
			t.Errorf("%s: err %v, %d entries", name, err, len(c.entries))
		}
		if got := convert(c); got != want {
			t.Errorf("%s: got %s, want %s", name, got, want)
		}
	}
}

package config

import "testing"

func TestValidate(t *testing.T) {
	for _, c := range []struct {
		name string
		edit func(*Build)
		ok   bool
	}{
		{"default", func(*Build) {}, true},
		{"no content", func(b *Build) { b.Content = "" }, false},
		{"negative workers", func(b *Build) { b.Workers = -1 }, false},
		{"check needs no output", func(b *Build) { b.Out = "" }, true},
	} {
		b := Default
		c.edit(&b)
		if err := b.Validate(); (err == nil) != c.ok {
			t.Errorf("%s: Validate() = %v", c.name, err)
		}
	}
	b := Default
	if b.NumWorkers() < 1 {
		t.Error("NumWorkers must be at least 1")
	}
	b.Workers = 3
	if b.NumWorkers() != 3 {
		t.Error("NumWorkers ignores Workers")
	}
}

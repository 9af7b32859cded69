package search

import (
	"encoding/binary"
	"maps"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// postingsOf is what a block holds, written out: token → tf and positions
// (a single character: tf and its first position).
type postingsOf map[string][]int32

// naivePostings computes postingsOf from Runs, the way the tokenizer is
// described in token.go.
func naivePostings(text string) postingsOf {
	pos := map[string][]int32{}
	uni := map[string][]int32{}
	for _, r := range Runs(text) {
		if !r.CJK {
			pos[r.Text] = append(pos[r.Text], int32(r.Pos))
			continue
		}
		rs := []rune(r.Text)
		for i := range rs {
			if i > 0 {
				bi := string(rs[i-1 : i+1])
				pos[bi] = append(pos[bi], int32(r.Pos+i-1))
			}
			uni[string(rs[i])] = append(uni[string(rs[i])], int32(r.Pos+i))
		}
	}
	out := postingsOf{}
	for t, ps := range pos {
		out[t] = append([]int32{int32(len(ps))}, ps...)
	}
	for t, ps := range uni {
		out["u:"+t] = []int32{int32(len(ps)), ps[0]}
	}
	return out
}

// decode reads a block back, checking that every token is in its group and
// shard.
func decode(t *testing.T, b block, data []byte) postingsOf {
	t.Helper()
	out := postingsOf{}
	for g := range groups {
		recs := data[b.grp[g]:b.grp[g+1]]
		for len(recs) > 0 {
			flags, tok := recs[0], string(recs[2:2+int(recs[1])])
			recs = recs[2+len(tok):]
			if sh := g*perGroup + int(flags&^flagUni); sh != ShardOf(tok) {
				t.Errorf("%q in shard %d, want %d", tok, sh, ShardOf(tok))
			}
			size, n := binary.Uvarint(recs)
			recs = recs[n:]
			end := len(recs) - int(size)
			tf, n := binary.Uvarint(recs)
			recs = recs[n:]
			ps := []int32{int32(tf)}
			if flags&flagUni != 0 {
				tok = "u:" + tok
				tf = 1
			}
			p := int32(0)
			for range tf {
				d, n := binary.Uvarint(recs)
				recs = recs[n:]
				if flags&flagUni != 0 {
					ps = append(ps, int32(d))
				} else {
					p += int32(d)
					ps = append(ps, p)
				}
			}
			if len(recs) != end {
				t.Errorf("%q: the length of its record's rest is %d, not %d", tok, size, size+uint64(len(recs)-end))
			}
			if _, dup := out[tok]; dup {
				t.Errorf("%q twice", tok)
			}
			out[tok] = ps
		}
	}
	return out
}

func TestEncode(t *testing.T) {
	texts := []string{
		"", "a", "猫", "猫猫", "変分下限", "変分 下限ELBO猫 x", "ＥＬＢＯ は 変分下限", "第12回。人々、ｶﾞｳｽ！",
		strings.Repeat("a", 40) + " " + strings.Repeat("変分下限と", 2000), "Élan ΣΔ 𠮷野家", "猫a猫b猫",
	}
	for _, d := range tiny {
		texts = append(texts, d.Text)
	}
	// Distinct bigrams beyond the table's first size: it grows.
	var rs []rune
	for x := uint32(1); len(rs) < 6000; x = x*1103515245 + 12345 {
		rs = append(rs, 0x4E00+rune(x>>16)%5000)
	}
	texts = append(texts, string(rs))
	if !testing.Short() {
		_, docs := corpusIndex(t)
		for _, d := range docs {
			texts = append(texts, d.Text)
		}
	}
	s := scratchPool.Get().(*scratch)
	for _, text := range texts {
		text = Normalize(text)
		var b block
		recs, runes, cuts := s.encode([]byte(text), &b)
		name := text[:min(len(text), 30)]
		if got, want := decode(t, b, recs), naivePostings(text); !maps.EqualFunc(got, want, slices.Equal) {
			t.Errorf("%q: postings differ from Runs'", name)
			for k, v := range want {
				if !slices.Equal(got[k], v) {
					t.Logf("  %q: got %v, want %v", k, got[k], v)
					break
				}
			}
		}
		rs := []rune(text)
		if runes != len(rs) {
			t.Errorf("%q: %d runes, want %d", name, runes, len(rs))
		}
		var want []string
		for k := 0; k*Chunk < len(rs); k++ {
			want = append(want, string(rs[k*Chunk:min(len(rs), (k+1)*Chunk+Overlap)]))
		}
		var got []string
		for _, c := range cuts {
			got = append(got, text[c[0]:c[1]])
		}
		if !slices.Equal(got, want) {
			t.Errorf("%q: %d text files, want %d, or they differ", name, len(got), len(want))
		}
		for _, f := range got {
			if !utf8.ValidString(f) {
				t.Errorf("%q: a text file is cut inside a character", name)
			}
		}
	}
}

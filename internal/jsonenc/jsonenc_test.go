package jsonenc

import (
	"encoding/json"
	"testing"
)

// Tricky are strings whose encoding differs between JSON encoders.
var tricky = []string{
	"", "plain", `quote " and \ backslash`, "<script>&amp;</script>", "tab\tnew\nline\rret\bbs\fff",
	"\x00\x01\x1f\x7f", "é ü 😀", "\u2028\u2029", "bad \xff\xfe utf-8 \xc3", "\xe2\x80", "ok\u00a0nbsp",
}

// FuzzJSONString: strings are quoted as encoding/json quotes them.
func FuzzJSONString(f *testing.F) {
	for _, s := range tricky {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := AppendString(nil, s); string(got) != string(want) {
			t.Errorf("%q: got %s, want %s", s, got, want)
		}
	})
}

// TestEveryByteAtEveryPosition: each byte value, at each position of the
// eight bytes passed at once and around them, is quoted as encoding/json
// quotes it.
func TestEveryByteAtEveryPosition(t *testing.T) {
	for c := range 256 {
		for pos := range 17 {
			b := []byte("abcdefghijklmnopq")
			b[pos] = byte(c)
			want, err := json.Marshal(string(b))
			if err != nil {
				t.Fatal(err)
			}
			if got := AppendString(nil, string(b)); string(got) != string(want) {
				t.Errorf("byte %#x at %d: got %s, want %s", c, pos, got, want)
			}
		}
	}
}

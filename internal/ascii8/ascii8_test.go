package ascii8

import "testing"

// TestEveryByte: each ASCII byte value at each position of a word, among
// bytes that differ from it, is told exactly; a byte over 0x7f makes the
// word not ASCII.
func TestEveryByte(t *testing.T) {
	for c := range 256 {
		for pos := range 8 {
			b := []byte("abcdefgh")
			b[pos] = byte(c)
			x, ok := Word(string(b))
			if ok != (c < 0x80) {
				t.Fatalf("byte %#x at %d: ASCII %v", c, pos, ok)
			}
			if !ok {
				continue
			}
			bit := uint64(0x80) << (8 * pos)
			if got, want := Control(x)&bit != 0, c < 0x20; got != want {
				t.Errorf("Control: byte %#x at %d: %v", c, pos, got)
			}
			for _, probe := range []byte{'\n', '\t', 0x7f, '"', '\\', '<', '>', '&', 'a'} {
				if got, want := Equal(x, probe)&bit != 0, byte(c) == probe; got != want {
					t.Errorf("Equal(%q): byte %#x at %d: %v", probe, c, pos, got)
				}
			}
		}
	}
	// The other bytes are never reported.
	x, _ := Word("abcdefgh")
	if Control(x) != 0 || Equal(x, '"') != 0 {
		t.Error("a plain word reported")
	}
}

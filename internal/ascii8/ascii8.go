// Package ascii8 tests eight ASCII bytes at once, a word at a time: the
// YAML parser's check of what a manifest may hold and JSON's quoting pass
// over the bytes that need nothing done, most of either text.
//
// Each test is exact per byte: once the word is known to be ASCII (no high
// bit), a byte's low seven bits plus a constant carry into its own high bit
// only.
package ascii8

const ones, highs = 0x0101010101010101, 0x8080808080808080

// Word returns the first eight bytes of s as a little-endian word, and
// whether all eight are ASCII; the other functions read only such words.
func Word(s string) (uint64, bool) {
	_ = s[7] // one bounds check, not eight: the loads combine into one
	x := uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
	return x, x&highs == 0
}

// Equal has the high bit set in each byte of x equal to c, and only there.
func Equal(x uint64, c byte) uint64 {
	y := x ^ uint64(c)*ones
	return ^((y + 0x7f*ones) | y) & highs
}

// Control has the high bit set in each byte of x under 0x20, and only
// there.
func Control(x uint64) uint64 {
	return ^(x + 0x60*ones) & highs
}

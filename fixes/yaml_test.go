package fixes

import (
	"regexp"
	"testing"
)

// TestPlainSafe: plainSafe is the pattern it documents, on every string of
// up to two characters from a set that crosses each class's edges, and a
// few longer ones.
func TestPlainSafe(t *testing.T) {
	pattern := regexp.MustCompile(`^[A-Za-z_/][A-Za-z0-9_./-]*$`)
	chars := []byte("aAzZ09_/.-:@ #\"'\x00é\x7f`[{")
	strs := []string{"", "a-b.c/d_e", "/etc/x", "1abc", "-x", "a b", "ünïcode", "ALL", "nginx:1.25"}
	for _, a := range chars {
		strs = append(strs, string(a))
		for _, b := range chars {
			strs = append(strs, string([]byte{a, b}))
		}
	}
	for _, s := range strs {
		if got, want := plainSafe(s), pattern.MatchString(s); got != want {
			t.Errorf("plainSafe(%q) = %v, want %v", s, got, want)
		}
	}
}

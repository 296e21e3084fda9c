package fixes

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestApply(t *testing.T) {
	text := []byte("0123456789")
	got, err := Apply(text, []TextEdit{{8, 9, "X"}, {2, 4, ""}, {5, 5, "ins"}})
	if err != nil || string(got) != "014ins567X9" {
		t.Errorf("Apply = %q, %v", got, err)
	}
	for _, bad := range [][]TextEdit{
		{{2, 5, "a"}, {4, 6, "b"}}, // overlapping
		{{3, 3, "a"}, {3, 3, "b"}}, // two insertions at one place
		{{2, 6, "a"}, {4, 4, "b"}}, // an insertion inside a replacement
	} {
		if _, err := Apply(text, bad); !errors.Is(err, ErrOverlap) {
			t.Errorf("Apply(%v) err = %v, want ErrOverlap", bad, err)
		}
		if !Overlap(bad[:1], bad[1:]) {
			t.Errorf("Overlap(%v) = false", bad)
		}
	}
	if Overlap([]TextEdit{{0, 2, "a"}}, []TextEdit{{2, 4, "b"}}) {
		t.Error("adjacent edits overlap")
	}
	if _, err := Apply(text, []TextEdit{{5, 11, ""}}); err == nil {
		t.Error("an edit past the end was applied")
	}
}

func TestUnified(t *testing.T) {
	a := []byte("a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\nm\n")
	b := []byte("a\nB\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\nm\nn")
	want := "--- x\n+++ y\n@@ -1,5 +1,5 @@\n a\n-b\n+B\n c\n d\n e\n@@ -11,3 +11,4 @@\n k\n l\n m\n+n\n\\ No newline at end of file\n"
	if diff := cmp.Diff(want, Unified("x", "y", a, b)); diff != "" {
		t.Errorf("Unified (-want +got):\n%s", diff)
	}
	if Unified("x", "y", a, a) != "" {
		t.Error("equal texts gave a diff")
	}
}

func TestMinimal(t *testing.T) {
	tests := []struct {
		name, old, new string
		want           TextEdit
	}{
		{"insert", "a: 1\nb: 2\n", "a: 1\nx: 0\nb: 2\n", TextEdit{Start: 5, End: 5, NewText: "x: 0\n"}},
		{"replace a word", "privileged: true\n", "privileged: false\n", TextEdit{Start: 12, End: 15, NewText: "fals"}},
		{"equal", "same", "same", TextEdit{Start: 4, End: 4}},
		// "é" (c3 a9) and "è" (c3 a8) share their first byte: the edit
		// starts at the character, not inside it.
		{"no split UTF-8", "café\n", "cafè\n", TextEdit{Start: 3, End: 5, NewText: "è"}},
		// Inserting a line before another in a CRLF file: the common
		// prefix ends between \r and \n; the edit must not start there.
		{"no split CRLF", "a\r\nb\r\n", "a\r\nx\r\nb\r\n", TextEdit{Start: 3, End: 3, NewText: "x\r\n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Minimal([]byte(tt.old), []byte(tt.new))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			out, err := Apply([]byte(tt.old), []TextEdit{got})
			if err != nil || string(out) != tt.new {
				t.Errorf("applying gives %q, %v", out, err)
			}
		})
	}
}

// Package fixes computes and applies minimal text edits. A fix is never a
// re-serialized document: YAML and Dockerfile fixes insert or replace just
// the text they must, in the style of the lines around them, so comments,
// quoting, indentation and document separators survive. The package
// decides how to change text, never what is wrong (the rules decide that).
package fixes

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"unicode/utf8"
)

// TextEdit replaces the bytes [Start, End) with NewText.
type TextEdit struct {
	Start, End int
	NewText    string
}

// Safety says when a fix may be applied without a human looking at it.
type Safety int

const (
	// Safe fixes keep the workload's behaviour; `hardline fix --write` applies them.
	Safe Safety = iota
	// Unsafe fixes harden but may break an app; they need --unsafe.
	Unsafe
	// Manual fixes insert placeholders a human must fill in; never applied by `fix`.
	Manual
)

func (s Safety) String() string {
	switch s {
	case Safe:
		return "safe"
	case Unsafe:
		return "unsafe"
	case Manual:
		return "manual"
	}
	return fmt.Sprintf("safety(%d)", int(s))
}

// Fix is one way to resolve a finding.
type Fix struct {
	Title  string
	Safety Safety
	Edits  []TextEdit
}

// ErrOverlap is returned for edits that touch the same bytes.
var ErrOverlap = errors.New("edits overlap")

// Sorted returns edits ordered by position.
func Sorted(edits []TextEdit) []TextEdit {
	out := append([]TextEdit(nil), edits...)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Start != out[j].Start {
			return out[i].Start < out[j].Start
		}
		return out[i].End < out[j].End
	})
	return out
}

// Overlap tells whether two edit sets touch the same bytes. Two edits at
// the same offset overlap too: which goes first would be a guess.
func Overlap(a, b []TextEdit) bool {
	for _, x := range a {
		for _, y := range b {
			if conflict(x, y) {
				return true
			}
		}
	}
	return false
}

func conflict(x, y TextEdit) bool {
	if x.Start == y.Start {
		return true
	}
	if x.Start > y.Start {
		x, y = y, x
	}
	return y.Start < x.End
}

// Apply returns text with edits applied; edits must not overlap.
func Apply(text []byte, edits []TextEdit) ([]byte, error) {
	edits = Sorted(edits)
	var b bytes.Buffer
	b.Grow(len(text) + 256)
	pos := 0
	for i, e := range edits {
		if e.Start < 0 || e.End < e.Start || e.End > len(text) {
			return nil, fmt.Errorf("edit [%d,%d) is outside the text", e.Start, e.End)
		}
		if i > 0 && conflict(edits[i-1], e) {
			return nil, fmt.Errorf("edits at %d and %d: %w", edits[i-1].Start, e.Start, ErrOverlap)
		}
		b.Write(text[pos:e.Start])
		b.WriteString(e.NewText)
		pos = e.End
	}
	b.Write(text[pos:])
	return b.Bytes(), nil
}

// LineBreak is the line terminator new lines get: CRLF when the text
// uses it anywhere, so a CRLF file never gains a bare LF line.
func LineBreak(text []byte) string {
	if bytes.Contains(text, []byte("\r\n")) {
		return "\r\n"
	}
	return "\n"
}

// Minimal is the single edit that turns old into new: the bytes between
// their common prefix and suffix. Its ends never split a UTF-8 sequence
// or a CRLF pair, since editors address positions in characters and lines.
func Minimal(old, new []byte) TextEdit {
	p := 0
	for p < len(old) && p < len(new) && old[p] == new[p] {
		p++
	}
	for p > 0 && (!utf8.RuneStart(at(old, p)) || !utf8.RuneStart(at(new, p)) || at(old, p-1) == '\r') {
		p--
	}
	s := 0
	for s < len(old)-p && s < len(new)-p && old[len(old)-1-s] == new[len(new)-1-s] {
		s++
	}
	for s > 0 && (!utf8.RuneStart(old[len(old)-s]) || at(old, len(old)-s-1) == '\r' && old[len(old)-s] == '\n') {
		s--
	}
	return TextEdit{Start: p, End: len(old) - s, NewText: string(new[p : len(new)-s])}
}

// at is text[i], or 0 past the end.
func at(text []byte, i int) byte {
	if i < 0 || i >= len(text) {
		return 0
	}
	return text[i]
}

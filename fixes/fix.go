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
	"slices"
	"sort"
	"strings"
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
	// Manual fixes insert placeholders a human must fill in, or, without
	// edits, explain why there is no fix to apply; never applied by `fix`.
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
	out := slices.Clone(edits)
	slices.SortStableFunc(out, func(a, b TextEdit) int {
		if a.Start != b.Start {
			return a.Start - b.Start
		}
		return a.End - b.End
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

// Disjoint is a growing set of edits, such as the fixes a fix-all round
// has chosen, that answers Overlap with a new edit set in logarithmic
// time: a round over a large file chooses among tens of thousands of fixes,
// and comparing each with all chosen before was quadratic. The zero value
// is empty.
type Disjoint struct {
	edits []TextEdit // by start; pairwise without conflict unless tangled
	// tangled: edits added together conflicted with each other, so the
	// order no longer tells where conflicts can be; every edit is compared.
	tangled bool
}

// Overlaps is Overlap(the set's edits, edits).
func (d *Disjoint) Overlaps(edits []TextEdit) bool {
	if d.tangled {
		return Overlap(d.edits, edits)
	}
	for _, e := range edits {
		if conflicting(d.edits, e) >= 0 {
			return true
		}
	}
	return false
}

// Add adds edits, which should not overlap the set (Overlaps).
func (d *Disjoint) Add(edits []TextEdit) {
	if !d.tangled && (d.Overlaps(edits) || selfOverlap(edits)) {
		d.tangled = true
	}
	for _, e := range edits {
		d.edits = insertByStart(d.edits, e)
	}
}

// conflicting is the index of the edit of sorted (by start, pairwise
// without conflict) that e conflicts with, or -1. Such edits do not
// intersect, so only the first that starts at or after e and the last
// before it can touch e, and at most one does unless e replaces text.
func conflicting(sorted []TextEdit, e TextEdit) int {
	i := sort.Search(len(sorted), func(i int) bool { return sorted[i].Start >= e.Start })
	switch {
	case i < len(sorted) && conflict(sorted[i], e):
		return i
	case i > 0 && conflict(sorted[i-1], e):
		return i - 1
	}
	return -1
}

// insertByStart inserts e into edits sorted by start, after those that
// start where it does.
func insertByStart(edits []TextEdit, e TextEdit) []TextEdit {
	i := sort.Search(len(edits), func(i int) bool { return edits[i].Start > e.Start })
	return slices.Insert(edits, i, e)
}

// selfOverlap tells whether two of edits conflict: by start, two that
// conflict have a conflicting pair between them, so neighbours tell.
func selfOverlap(edits []TextEdit) bool {
	sorted := Sorted(edits)
	for i := 1; i < len(sorted); i++ {
		if conflict(sorted[i-1], sorted[i]) {
			return true
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

// Join combines edits: insertions at the same offset are joined into one,
// in the order given (two fields added at the end of one mapping), sharing
// the block keys both open (two fixes that each create `securityContext:`
// in one container make one `securityContext:` holding both fields); any
// other overlap, or two insertions that set the same key, is an error.
func Join(edits ...TextEdit) ([]TextEdit, error) {
	out, err := Merge(nil, edits)
	if err != nil {
		return nil, err
	}
	return Sorted(out), nil
}

// Joiner joins edit sets one after another as Merge does, in time
// logarithmic in the edits it holds: verification batches all the fixes of
// a document, and for one large document (a List of thousands of pods, a
// long Dockerfile) Merge's copy and scan of every edit joined so far, for
// each fix, was quadratic. The zero value holds no edits.
type Joiner struct {
	edits []TextEdit // by start; pairwise without conflict unless tangled
	// tangled: the edits conflict with each other (NewJoiner was given
	// such): they are kept in Merge's order, which then decides which
	// edit a new one is joined with, and joined by Merge.
	tangled bool
}

// NewJoiner holds edits as they are, joined or not (a batch's first fix).
func NewJoiner(edits []TextEdit) *Joiner {
	if selfOverlap(edits) {
		return &Joiner{edits: slices.Clone(edits), tangled: true}
	}
	return &Joiner{edits: Sorted(edits)}
}

// Edits returns the joined edits; the caller must not change them.
func (j *Joiner) Edits() []TextEdit { return j.edits }

// Join is Merge(edits held, more) kept in place; on ErrOverlap nothing
// changes.
func (j *Joiner) Join(more []TextEdit) error {
	if j.tangled || selfOverlap(more) {
		// Edits that conflict among themselves: Merge's way, all compared
		// (held edits that do not conflict meet a new one at most once,
		// so their order does not matter).
		joined, err := Merge(j.edits, more)
		if err != nil {
			return err
		}
		if !j.tangled {
			joined = Sorted(joined)
		}
		j.edits = joined
		return nil
	}
	// An insertion of more meets at most one held edit (held edits do
	// not intersect, and more's do not either); anything else that meets
	// one is an overlap.
	type joined struct {
		at   int
		text string
	}
	var joins []joined
	fresh := make([]bool, len(more))
	for k, e := range more {
		at := conflicting(j.edits, e)
		if at < 0 {
			fresh[k] = true
			continue
		}
		o := j.edits[at]
		if o.Start != o.End || e.Start != e.End {
			return ErrOverlap
		}
		text, ok := joinInsertions(o.NewText, e.NewText)
		if !ok {
			return ErrOverlap
		}
		joins = append(joins, joined{at, text})
	}
	for _, c := range joins {
		j.edits[c.at].NewText = c.text
	}
	for k, e := range more {
		if fresh[k] {
			j.edits = insertByStart(j.edits, e)
		}
	}
	return nil
}

// Merge is Join of already joined edits and more edits, unsorted;
// joined is left as it was.
func Merge(joined, more []TextEdit) ([]TextEdit, error) {
	out := append(make([]TextEdit, 0, len(joined)+len(more)), joined...)
	for _, e := range more {
		i := slices.IndexFunc(out, func(o TextEdit) bool { return conflict(o, e) })
		if i < 0 {
			out = append(out, e)
			continue
		}
		o := out[i]
		if o.Start != o.End || e.Start != e.End {
			return nil, ErrOverlap
		}
		text, ok := joinInsertions(o.NewText, e.NewText)
		if !ok {
			return nil, ErrOverlap
		}
		out[i].NewText = text
	}
	return out, nil
}

// joinInsertions joins two block insertions made at one place. Both are
// lines, each led by a line break ("\n  key: v") or each ended by one
// ("  key: v\n"), as the YAML editor writes them; their mappings are
// merged (mergeBlocks). Flow insertions (", key: v") are concatenated
// unless they set the same key.
func joinInsertions(a, b string) (string, bool) {
	br := "\n"
	if strings.Contains(a, "\r\n") || strings.Contains(b, "\r\n") {
		br = "\r\n"
	}
	var la, lb []string
	var leading bool
	switch {
	case strings.HasPrefix(a, br) && strings.HasPrefix(b, br) && !strings.HasSuffix(a, br) && !strings.HasSuffix(b, br):
		leading = true
		la, lb = strings.Split(a[len(br):], br), strings.Split(b[len(br):], br)
	case strings.HasSuffix(a, br) && strings.HasSuffix(b, br) && !strings.HasPrefix(a, br) && !strings.HasPrefix(b, br):
		la, lb = strings.Split(a[:len(a)-len(br)], br), strings.Split(b[:len(b)-len(br)], br)
	default:
		if i, j := strings.IndexByte(a, ':'), strings.IndexByte(b, ':'); i > 0 && a[:i] == b[:max(j, 0)] {
			return "", false
		}
		return a + b, true
	}
	merged, ok := mergeBlocks(la, lb)
	if !ok {
		return "", false
	}
	var out strings.Builder
	out.Grow(len(a) + len(b))
	if leading {
		out.WriteString(br)
	}
	for i, l := range merged {
		if i > 0 {
			out.WriteString(br)
		}
		out.WriteString(l)
	}
	if !leading {
		out.WriteString(br)
	}
	return out.String(), true
}

// entry is one entry of a block mapping: its lines, the first holding
// the key, and the key (keyOf of the first line).
type entry struct {
	key   string
	lines []string
}

// mergeBlocks merges the block mapping entries of b into a's, as lines:
// an entry a has too, the same, is left out; one that opens a mapping
// in both ("  securityContext:") has its children merged; a new key is
// added after a's entries. The same key with other values cannot be
// merged.
func mergeBlocks(a, b []string) ([]string, bool) {
	ea, ok := entries(a)
	if !ok {
		return nil, false
	}
	eb, ok := entries(b)
	if !ok {
		return nil, false
	}
next:
	for _, y := range eb {
		for i, x := range ea {
			if x.key != y.key {
				continue
			}
			switch {
			case slices.Equal(x.lines, y.lines):
			case x.lines[0] == y.lines[0] && x.key == x.lines[0] && len(x.lines) > 1 && len(y.lines) > 1:
				children, ok := mergeBlocks(x.lines[1:], y.lines[1:])
				if !ok {
					return nil, false
				}
				ea[i].lines = append(x.lines[:1:1], children...)
			default:
				return nil, false
			}
			continue next
		}
		ea = append(ea, y)
	}
	out := make([]string, 0, len(a)+len(b))
	for _, e := range ea {
		out = append(out, e.lines...)
	}
	return out, true
}

// entries splits lines into the entries of one block mapping: each starts
// with a key at the least indentation and holds the lines below it (more
// indented, or a sequence item at the key's indentation).
func entries(lines []string) ([]entry, bool) {
	indent := -1
	for _, l := range lines {
		if n := len(l) - len(strings.TrimLeft(l, " ")); indent < 0 || n < indent {
			indent = n
		}
	}
	var out []entry
	for i, l := range lines {
		n := len(l) - len(strings.TrimLeft(l, " "))
		if n == indent {
			if key := keyOf(l); key != "" {
				out = append(out, entry{key: key, lines: lines[i : i+1 : i+1]})
				continue
			}
		}
		if len(out) == 0 {
			return nil, false
		}
		// An entry's lines follow one another: it grows over lines.
		last := &out[len(out)-1]
		from := i - len(last.lines)
		last.lines = lines[from : i+1 : i+1]
	}
	return out, len(out) > 0
}

// keyOf is a block mapping line up to its key's colon, indentation
// included ("    runAsNonRoot:"), or "" for other lines.
func keyOf(line string) string {
	t := strings.TrimLeft(line, " ")
	if t == "" || strings.HasPrefix(t, "-") || strings.HasPrefix(t, "#") {
		return ""
	}
	i := strings.Index(line, ": ")
	if i < 0 {
		if !strings.HasSuffix(line, ":") {
			return ""
		}
		i = len(line) - 1
	}
	return line[:i+1]
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

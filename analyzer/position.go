package analyzer

import (
	"bytes"
	"fmt"
	"hash/maphash"
	"os"
	"sort"
	"sync"
	"unicode/utf8"
)

// Position is a 1-based line and column; columns count Unicode code points,
// the unit of the CLI outputs and of SARIF's unicodeCodePoints.
type Position struct {
	Line   int `json:"line"`
	Column int `json:"column"`
}

// Range is a half-open span: End is exclusive.
type Range struct {
	Start Position `json:"start"`
	End   Position `json:"end"`
}

// Lines indexes the start of every line of a text so that byte offsets and
// positions convert in O(log lines). Every output goes through it, so the
// CLI and the editor agree on every column.
type Lines struct {
	text   []byte
	starts []int // byte offset of each line's first byte
	// indexed: starts are found at the first use (most files of a run
	// have no finding, and their lines are never asked for).
	indexed sync.Once
	// released is set by Release: text and starts are read again from
	// the file at the first use.
	released *released
}

// released is what Release keeps of a file's text to read it again and
// tell whether it is still the text that was analyzed.
type released struct {
	once sync.Once
	path string
	size int
	sum  uint64
	err  error
}

// textSeed hashes released texts: one per process, as the hashes are.
var textSeed = maphash.MakeSeed()

// Release drops the text and the index of a file read from path, until a
// method needs them again: then they are read from the file once more. A
// run over many files keeps no file's text this way once the outputs that
// read it are known not to (Config.ReleaseText), and only the few files
// that set rules report on are read twice. Not safe to call while other
// goroutines use l.
func (l *Lines) Release(path string) {
	if l == nil || l.released != nil {
		return
	}
	l.released = &released{path: path, size: len(l.text), sum: maphash.Bytes(textSeed, l.text)}
	l.text, l.starts = nil, nil
}

// load reads a released text again. A file that changed since it was
// analyzed (or cannot be read) leaves an empty text and the error for Err:
// positions in it would point at other lines.
func (l *Lines) load() {
	r := l.released
	if r == nil {
		l.indexed.Do(func() { l.starts = lineStarts(l.text) })
		return
	}
	r.once.Do(func() {
		text, err := os.ReadFile(r.path)
		switch {
		case err != nil:
			r.err = fmt.Errorf("%s: read again for the findings across files: %w", r.path, err)
		case len(text) != r.size || maphash.Bytes(textSeed, text) != r.sum:
			r.err = fmt.Errorf("%s: changed while hardline read it; run again", r.path)
		}
		if r.err != nil {
			text = nil
		}
		l.text, l.starts = text, lineStarts(text)
	})
}

// Err is the error of reading a released text again (Release), if any.
func (l *Lines) Err() error {
	if l == nil || l.released == nil {
		return nil
	}
	l.load()
	return l.released.err
}

// NewLines indexes text, at the first use. A line ends at "\n"; a "\r"
// before it belongs to the line terminator, not to the line's content.
func NewLines(text []byte) *Lines {
	return &Lines{text: text}
}

// lineStarts finds the offset of each line's first byte.
func lineStarts(text []byte) []int {
	starts := make([]int, 1, len(text)/40+1)
	for off := 0; ; {
		i := bytes.IndexByte(text[off:], '\n') // vectorised, unlike a byte loop
		if i < 0 {
			break
		}
		off += i + 1
		starts = append(starts, off)
	}
	return starts
}

// Count is the number of lines (a final line without "\n" counts).
func (l *Lines) Count() int {
	l.load()
	return len(l.starts)
}

// Start is the byte offset of the first byte of 1-based line n.
func (l *Lines) Start(n int) int {
	l.load()
	if n < 1 {
		return 0
	}
	if n > len(l.starts) {
		return len(l.text)
	}
	return l.starts[n-1]
}

// End is the byte offset just past the content of 1-based line n, before
// its "\r\n" or "\n".
func (l *Lines) End(n int) int {
	l.load()
	if n < 1 {
		return 0
	}
	if n >= len(l.starts) {
		return len(l.text)
	}
	e := l.starts[n] - 1
	if e > l.starts[n-1] && l.text[e-1] == '\r' {
		e--
	}
	return e
}

// Text is the content of 1-based line n without its terminator.
func (l *Lines) Text(n int) []byte {
	start, end := l.Start(n), l.End(n)
	return l.text[start:end]
}

// Line is the 1-based line holding byte offset off.
func (l *Lines) Line(off int) int {
	l.load()
	return sort.Search(len(l.starts), func(i int) bool { return l.starts[i] > off })
}

// Offset converts a 1-based line and a 1-based column in code points to a
// byte offset, clamped to the line.
func (l *Lines) Offset(line, col int) int {
	off, end := l.Start(line), l.End(line)
	for c := 1; c < col && off < end; c++ {
		if l.text[off] < utf8.RuneSelf {
			off++
			continue
		}
		_, size := utf8.DecodeRune(l.text[off:end])
		off += size
	}
	return off
}

// Position converts a byte offset to a line and code-point column.
func (l *Lines) Position(off int) Position {
	l.load()
	if off > len(l.text) {
		off = len(l.text)
	}
	if off < 0 {
		off = 0
	}
	line := l.Line(off)
	return Position{Line: line, Column: utf8.RuneCount(l.text[l.Start(line):off]) + 1}
}

// Range converts a byte span to positions.
func (l *Lines) Range(start, end int) Range {
	return Range{Start: l.Position(start), End: l.Position(end)}
}

// UTF16 converts a byte offset to a 0-based line and a 0-based column in
// UTF-16 code units, the Language Server Protocol's default position.
func (l *Lines) UTF16(off int) (line, col int) {
	l.load()
	off = max(0, min(off, len(l.text)))
	n := l.Line(off)
	for _, r := range string(l.text[l.Start(n):off]) {
		col++
		if r >= 0x10000 {
			col++ // a surrogate pair
		}
	}
	return n - 1, col
}

// OffsetUTF16 converts a 0-based line and UTF-16 column to a byte offset,
// clamped to the line (and the text): editors may send positions past
// the end of a line or of the document.
func (l *Lines) OffsetUTF16(line, col int) int {
	l.load()
	if line < 0 {
		return 0
	}
	if line >= len(l.starts) {
		return len(l.text)
	}
	off, end := l.Start(line+1), l.End(line+1)
	for units := 0; units < col && off < end; {
		r, size := utf8.DecodeRune(l.text[off:end])
		units++
		if r >= 0x10000 {
			units++
		}
		off += size
	}
	return off
}

// Bytes is the text the lines index.
func (l *Lines) Bytes() []byte {
	if l == nil {
		return nil
	}
	l.load()
	return l.text
}

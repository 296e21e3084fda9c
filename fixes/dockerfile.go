package fixes

import (
	"bytes"
	"strings"
)

// Dockerfile edits a Dockerfile in the style it already has.
type Dockerfile struct {
	text      []byte
	nl        string
	escape    string
	lowercase bool
}

// NewDockerfile prepares edits; escape is the file's escape character
// (from its parser directive) and keywords the instruction keywords as
// written, whose case new instructions follow.
func NewDockerfile(text []byte, escape rune, keywords []string) *Dockerfile {
	d := &Dockerfile{text: text, nl: LineBreak(text), escape: string(escape)}
	lower := 0
	for _, k := range keywords {
		if k == strings.ToLower(k) {
			lower++
		}
	}
	d.lowercase = len(keywords) > 0 && lower*2 > len(keywords)
	return d
}

func (d *Dockerfile) keyword(k string) string {
	if d.lowercase {
		return strings.ToLower(k)
	}
	return strings.ToUpper(k)
}

// InsertInstruction inserts an instruction before 1-based line (after the
// last line when line is past the end). Extra argument lines become
// continuation lines with the file's escape character.
func (d *Dockerfile) InsertInstruction(line int, keyword string, args ...string) TextEdit {
	text := d.keyword(keyword) + " " + strings.Join(args, " "+d.escape+d.nl+"    ") + d.nl
	off := 0
	for l := 1; l < line; l++ {
		i := bytes.IndexByte(d.text[off:], '\n')
		if i < 0 {
			off = len(d.text)
			break
		}
		off += i + 1
	}
	if off == len(d.text) && len(d.text) > 0 && d.text[len(d.text)-1] != '\n' {
		text = d.nl + text // the file does not end with a newline
	}
	return TextEdit{Start: off, End: off, NewText: text}
}

// ReplaceKeyword replaces an instruction keyword spanning [start, end),
// in the file's case.
func (d *Dockerfile) ReplaceKeyword(start, end int, keyword string) TextEdit {
	return TextEdit{Start: start, End: end, NewText: d.keyword(keyword)}
}

// InsertFlag inserts a flag right after the word ending at offset end
// ("install" in "apt-get install -y x" gets " --no-install-recommends").
func (d *Dockerfile) InsertFlag(end int, flag string) TextEdit {
	return TextEdit{Start: end, End: end, NewText: " " + flag}
}

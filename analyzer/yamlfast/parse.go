// Package yamlfast parses the YAML that Kubernetes manifests are written
// in into the node trees yaml.v3's decoder builds, with the same kinds,
// tags, styles, values, anchors and positions, several times faster: it
// reads the text once, line by line, takes values as substrings of it, and
// allocates nodes in slabs.
//
// It accepts a subset and knows it: block mappings and sequences (compact
// and indentless too), flow collections, plain, single- and double-quoted
// and block scalars, comments, anchors and aliases, with LF or CRLF line
// ends. On anything else — tags, directives, complex keys, tabs in
// indentation, a lone CR or other line breaks, an empty explicit document,
// and everything yaml.v3 rejects — Parse says !ok and the caller decodes
// the text with yaml.v3, which also words the syntax error. Comments are
// skipped, not attached to nodes: nothing in hardline reads them from the
// tree (suppressions and fixes work on the text).
package yamlfast

import (
	"runtime"
	"strings"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v3"

	"hardline.dev/hardline/internal/ascii8"
)

// Parse parses text holding at most one YAML document (callers cut streams
// at document markers) into the DocumentNode yaml.v3's Decoder.Decode
// would give, or nil for a text of only comments and blank lines. ok is
// false when the text is outside what this parser reads. The nodes' values
// are substrings of text where no unescaping or folding changed them.
func Parse(text string) (doc *yaml.Node, ok bool) {
	doc, gaveUp := parse(text, nil)
	return doc, gaveUp == 0
}

// Arena lends trees memory that earlier trees, now dropped, used: for
// callers that parse many texts and know when all trees of one round are
// no longer read (a file's documents once its results are out; a fixed
// document once its findings are counted). Fresh memory for each tree
// costs more in page faults and collection than the parse. Trees parsed in
// an arena are valid until its Reset; the zero value is ready to use.
type Arena struct {
	// nodes and ptrs are the memory lent since Reset (their len) and what
	// is left to lend (up to their cap).
	nodes []yaml.Node
	ptrs  []*yaml.Node
	kids  []*yaml.Node // scratch
	buf   []byte       // scratch
	skim  skimmer      // scratch of Skim
	// used counts what trees took since Reset, from the arena or not;
	// full: some took more than was left.
	usedNodes, usedPtrs int
	full                bool
}

// maxArenaBuf bounds the scratch an arena keeps for scalars' values.
const maxArenaBuf = 64 << 10

// maxArena bounds the nodes an arena keeps for the next round: a huge
// file's trees are not worth holding for the small ones after it.
const maxArena = 1 << 14

// Reset takes back the memory of every tree parsed in a since the last
// Reset, which must no longer be read.
func (a *Arena) Reset() {
	a.nodes = reuse(a.nodes, a.full, a.usedNodes)
	a.ptrs = reuse(a.ptrs, a.full, a.usedPtrs)
	// The scratch's stale pointers would keep trees that outgrew the
	// arena alive, and their texts with them.
	clear(a.kids[:cap(a.kids)])
	a.skim.clear()
	a.usedNodes, a.usedPtrs, a.full = 0, 0, false
}

// reuse clears the memory an arena lent, s[:len(s)] or all of it when the
// arena was full (a tree took the rest before it outgrew it), or gives
// room for a round of used items, if there was less (up to maxArena).
func reuse[T any](s []T, full bool, used int) []T {
	if want := min(used+used/8, maxArena); full && cap(s) < want {
		return make([]T, 0, want)
	}
	if full {
		s = s[:cap(s)]
	}
	clear(s)
	return s[:0]
}

// ParseIn is Parse with the tree's memory taken from a.
func ParseIn(text string, a *Arena) (doc *yaml.Node, ok bool) {
	doc, gaveUp := parse(text, a)
	return doc, gaveUp == 0
}

// parse is Parse, saying where it gave up, for tests: the line of this
// file that called fail, -1 for a character it does not read, 0 when it
// did not give up.
func parse(text string, a *Arena) (doc *yaml.Node, gaveUp int) {
	return parseWith(text, a, nil)
}

// parseWith is parse, skimming root values as sk says when it is set
// (gaveUp is unskimmed when that gave up).
func parseWith(text string, a *Arena, sk *skimmer) (doc *yaml.Node, gaveUp int) {
	p := parser{src: text, skim: sk}
	if sk != nil {
		// The tree holds little more than the metadata: an estimate
		// from the whole text would take slabs for all that is skimmed.
		p.estimate = skimEstimate
	}
	if !p.checkChars() {
		return nil, -1
	}
	if a != nil {
		if !a.full {
			p.slab, p.ptrs = a.nodes[len(a.nodes):], a.ptrs[len(a.ptrs):]
		}
		p.kids, p.buf = a.kids[:0], a.buf
		defer p.keep(a)
	}
	defer func() {
		if r := recover(); r != nil {
			b, isBail := r.(bail)
			if !isBail {
				panic(r)
			}
			doc, gaveUp = nil, b.at
		}
	}()
	return p.document(), 0
}

// bail is panicked to leave a text to yaml.v3; at is the parser's line
// that gave up (tests report it).
type bail struct{ at int }

type parser struct {
	src       string
	pos       int
	line      int // 0-based line of pos
	lineStart int // offset of that line's first byte
	ascii     bool

	anchors  map[string]*yaml.Node // nil value: the anchored node is being parsed
	slab     []yaml.Node
	ptrs     []*yaml.Node // backing store of Content slices
	kids     []*yaml.Node // children of the collections being parsed
	buf      []byte       // scratch for scalars whose value is not a substring
	estimate int          // nodes expected
	// How many nodes and content pointers the tree has, and whether they
	// outgrew the memory the parse started with (an arena's).
	nodes, nptrs int
	grew         bool
	depth        int // nesting of the node being parsed
	skim         *skimmer
}

// skimEstimate is the nodes expected in a skimmed tree.
const skimEstimate = 256

// maxKey bounds a key's bytes up to its ':': yaml.v3 does not look further
// than 1,024 characters for the ':' of a key.
const maxKey = 1000

// maxDepth bounds the recursion: deeper documents are left to yaml.v3,
// which refuses them past its own limit (10,000).
const maxDepth = 5000

func fail() {
	_, _, line, _ := runtime.Caller(1)
	panic(bail{line})
}

// checkChars accepts printable Unicode with LF or CRLF line ends and no
// BOM: what yaml.v3 accepts without a lone CR, NEL, LS and PS, which it also
// takes for line breaks. So a CR is always the first byte of a line end.
func (p *parser) checkChars() bool {
	p.ascii = true
	s := p.src
	for i := 0; i < len(s); {
		for i+8 <= len(s) && printable8(s[i:i+8]) {
			i += 8
		}
		if i == len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			if c < ' ' && c != '\n' && c != '\t' && (c != '\r' || i+1 == len(s) || s[i+1] != '\n') || c == 0x7f {
				return false
			}
			i++
			continue
		}
		p.ascii = false
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || r < 0xa0 || r == 0x2028 || r == 0x2029 || r == 0xfeff ||
			r > 0xd7ff && r < 0xe000 || r > 0xfffd && r < 0x10000 {
			return false
		}
		i += size
	}
	return true
}

// printable8 tells whether eight bytes are printable ASCII (0x20 to 0x7e),
// tabs and LFs, a word at a time: most of a manifest is.
func printable8(s string) bool {
	x, ok := ascii8.Word(s)
	if !ok {
		return false
	}
	ctrl, del := ascii8.Control(x), ascii8.Equal(x, 0x7f)
	if ctrl|del == 0 {
		return true // most words: no line end or tab to tell apart
	}
	return ctrl&^ascii8.Equal(x, '\n')&^ascii8.Equal(x, '\t')|del == 0
}

// node allocates a node at 0-based line and column.
func (p *parser) node(kind yaml.Kind, tag string, line, col int) *yaml.Node {
	if p.skimming() {
		n := p.skim.node()
		n.Kind, n.Tag, n.Line, n.Column = kind, tag, line+1, col+1
		return n
	}
	if len(p.slab) == cap(p.slab) {
		p.slab = make([]yaml.Node, 0, p.slabSize(cap(p.slab) == 0))
		p.grew = true
	}
	p.nodes++
	p.slab = p.slab[:len(p.slab)+1]
	n := &p.slab[len(p.slab)-1]
	n.Kind, n.Tag, n.Line, n.Column = kind, tag, line+1, col+1
	return n
}

// keep records in the arena what the tree just parsed took of it.
func (p *parser) keep(a *Arena) {
	// The scratches are kept unless a huge tree grew them: every Reset
	// clears the kids' whole capacity.
	if cap(p.kids) <= maxArena {
		a.kids = p.kids[:0]
	}
	if cap(p.buf) <= maxArenaBuf {
		a.buf = p.buf
	}
	a.usedNodes += p.nodes
	a.usedPtrs += p.nptrs
	if a.full = a.full || p.grew; !a.full {
		a.nodes = a.nodes[:len(a.nodes)+p.nodes]
		a.ptrs = a.ptrs[:len(a.ptrs)+p.nptrs]
	}
}

// slabSize is how many nodes (or content pointers) to allocate at once:
// first an estimate of the document's nodes — a key and its value per
// ':', an item per "- " or ',' — which is within a few percent on the
// corpus; then a sixteenth of that at a time.
func (p *parser) slabSize(first bool) int {
	if p.estimate == 0 {
		p.estimate = 2*strings.Count(p.src, ":") + strings.Count(p.src, "- ") + strings.Count(p.src, ",") + 4
	}
	if first {
		return p.estimate
	}
	return p.estimate/16 + 16
}

// content ends a collection: its children are the kids from mark on.
func (p *parser) content(mark int) []*yaml.Node {
	k := p.kids[mark:]
	if len(k) == 0 {
		return nil
	}
	if p.skimming() {
		p.kids = p.kids[:mark]
		return p.skim.content(k)
	}
	if len(k) > cap(p.ptrs)-len(p.ptrs) {
		p.ptrs = make([]*yaml.Node, 0, max(len(k), p.slabSize(cap(p.ptrs) == 0)))
		p.grew = true
	}
	p.nptrs += len(k)
	start := len(p.ptrs)
	p.ptrs = append(p.ptrs, k...)
	p.kids = p.kids[:mark]
	return p.ptrs[start:len(p.ptrs):len(p.ptrs)]
}

// col is the 0-based column of offset i on the current line, in
// characters as yaml.v3 counts.
func (p *parser) col(i int) int {
	if p.ascii {
		return i - p.lineStart
	}
	return utf8.RuneCountInString(p.src[p.lineStart:i])
}

// at is the byte at i, '\n' for the CR of a CRLF, 0 past the end.
func (p *parser) at(i int) byte {
	if i < len(p.src) {
		if c := p.src[i]; c != '\r' {
			return c
		}
		return '\n'
	}
	return 0
}

// blankz: a space, a tab, a line end or the end of the text.
func (p *parser) blankz(i int) bool {
	c := p.at(i)
	return c == ' ' || c == '\t' || c == '\n' || c == 0
}

// newline moves past the line end (LF or CRLF) at pos.
func (p *parser) newline() {
	if p.src[p.pos] == '\r' {
		p.pos++
	}
	p.pos++
	p.line++
	p.lineStart = p.pos
}

// eol is where the line holding i ends: its CR or LF, or the text's end.
func (p *parser) eol(i int) int {
	if j := strings.IndexByte(p.src[i:], '\n'); j >= 0 {
		if j > 0 && p.src[i+j-1] == '\r' {
			j--
		}
		return i + j
	}
	return len(p.src)
}

// spaces skips spaces; a tab where yaml.v3 may take it for indentation
// is left to yaml.v3.
func (p *parser) spaces() int {
	i := p.pos
	for i < len(p.src) && p.src[i] == ' ' {
		i++
	}
	if p.at(i) == '\t' {
		fail()
	}
	n := i - p.pos
	p.pos = i
	return n
}

// lineRest ends a line after a complete node: blanks, an optional comment
// and the line end.
func (p *parser) lineRest() {
	i := p.pos
	for i < len(p.src) && (p.src[i] == ' ' || p.src[i] == '\t') {
		i++
	}
	switch p.at(i) {
	case 0, '\n':
	case '#':
		if i == 0 || p.src[i-1] != ' ' && p.src[i-1] != '\t' {
			fail() // yaml.v3 and YAML differ on a comment touching a token
		}
		i = p.eol(i)
	default:
		fail()
	}
	p.pos = i
	if i < len(p.src) {
		p.newline()
	}
}

// skipToContent moves past blank and comment lines to the next content,
// from a line start or its indentation; false at the end of the text.
func (p *parser) skipToContent() bool {
	for {
		p.spaces()
		switch p.at(p.pos) {
		case 0:
			return false
		case '\n':
			p.newline()
		case '#':
			p.pos = p.eol(p.pos)
			if p.pos < len(p.src) {
				p.newline()
			}
		default:
			return true
		}
	}
}

// marker tells whether a document marker ("---" or "...") starts at i,
// a line start.
func (p *parser) marker(i int, m string) bool {
	return i == p.lineStart && strings.HasPrefix(p.src[i:], m) && p.blankz(i+3)
}

// docMarker tells whether either document marker starts at i: content
// ends there, whatever the indentation expects.
func (p *parser) docMarker(i int) bool { return p.marker(i, "---") || p.marker(i, "...") }

func (p *parser) document() *yaml.Node {
	if !p.skipToContent() {
		return nil
	}
	var doc *yaml.Node
	switch {
	case p.marker(p.pos, "---"):
		doc = p.node(yaml.DocumentNode, "", p.line, 0)
		p.pos += 3
		p.lineRest()
		if !p.skipToContent() || p.docMarker(p.pos) {
			fail() // an empty document: rare enough for yaml.v3
		}
	case p.marker(p.pos, "...") || p.src[p.pos] == '%':
		fail()
	}
	root := p.value(-1, false)
	if doc == nil {
		doc = p.node(yaml.DocumentNode, "", root.Line-1, root.Column-1)
	}
	mark := len(p.kids)
	p.kids = append(p.kids, root)
	doc.Content = p.content(mark)
	if p.skipToContent() {
		if !p.marker(p.pos, "...") {
			fail()
		}
		p.pos += 3
		p.lineRest()
		if p.skipToContent() {
			fail()
		}
	}
	return doc
}

// value parses the node starting at pos. indent is the column of the
// enclosing block collection (-1 at the top); afterKey tells the node
// starts on the line of its key, where a block collection cannot. On
// return pos is past the node's last line, or in the indentation of the
// line that ended it.
func (p *parser) value(indent int, afterKey bool) *yaml.Node {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxDepth {
		fail()
	}
	p.skimDepth()
	line, col := p.line, p.col(p.pos)
	switch c := p.src[p.pos]; c {
	case '-':
		if p.blankz(p.pos + 1) {
			if afterKey {
				fail()
			}
			return p.blockSequence(col)
		}
	case '&':
		return p.anchored(indent, afterKey)
	case '*':
		n := p.alias()
		p.lineRest()
		return n
	case '|', '>':
		return p.blockScalar(indent)
	case '"', '\'':
		start := p.pos
		n := p.quoted(indent)
		if p.keyFollows() {
			if afterKey || p.line != line {
				fail()
			}
			return p.blockMapping(col, n, start)
		}
		p.lineRest()
		return n
	case '[', '{':
		n := p.flow(indent)
		i := p.pos
		for i < len(p.src) && p.src[i] == ' ' {
			i++
		}
		if p.at(i) == ':' {
			fail() // a flow collection as a key
		}
		p.lineRest()
		return n
	case '?', ':':
		if p.blankz(p.pos + 1) {
			fail()
		}
	case '!', '%', '@', '`', ',', ']', '}', '#':
		fail()
	}
	start := p.pos
	end, stop := p.plainLine(start)
	if stop == ':' {
		if afterKey {
			fail()
		}
		v := p.src[start:end]
		k := p.node(yaml.ScalarNode, p.plainTag(v), line, col)
		k.Value = v
		p.pos = end
		return p.blockMapping(col, k, start)
	}
	return p.plain(indent, start, end, stop)
}

// keyFollows tells whether a mapping value indicator follows pos on its line.
func (p *parser) keyFollows() bool {
	i := p.pos
	for i < len(p.src) && p.src[i] == ' ' {
		i++
	}
	return p.at(i) == ':' && p.blankz(i+1)
}

// anchored parses "&name" and the node it names, on the same line or
// below.
func (p *parser) anchored(indent int, afterKey bool) *yaml.Node {
	p.noSkim()
	line, col := p.line, p.col(p.pos)
	p.pos++
	name := p.name()
	if p.anchors == nil {
		p.anchors = map[string]*yaml.Node{}
	}
	p.anchors[name] = nil // an alias to it before it is complete is left to yaml.v3
	p.spaces()
	var n *yaml.Node
	switch c := p.at(p.pos); {
	case c == 0 || c == '\n' || c == '#':
		p.lineRest()
		if !p.skipToContent() || p.col(p.pos) <= indent || p.docMarker(p.pos) || p.src[p.pos] == '&' || p.src[p.pos] == '*' {
			fail() // nothing to name, or two names for one node
		}
		n = p.value(indent, false)
	case c == '&' || c == '*' || c == '-':
		fail()
	default:
		if p.keyOnLine() {
			fail() // the anchor would name the mapping: rare, left to yaml.v3
		}
		n = p.value(indent, true)
	}
	n.Line, n.Column, n.Anchor = line+1, col+1, name
	p.anchors[name] = n
	return n
}

// keyOnLine tells whether the plain or quoted scalar at pos is a key.
func (p *parser) keyOnLine() bool {
	switch p.src[p.pos] {
	case '"', '\'', '[', '{', '|', '>':
		return false // value fails on a quoted or flow key after a key
	}
	_, stop := p.plainLine(p.pos)
	return stop == ':'
}

// name reads an anchor or alias name: yaml.v3 takes letters, digits, '-'
// and '_', followed by a blank.
func (p *parser) name() string {
	i := p.pos
	for i < len(p.src) {
		c := p.src[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' {
			i++
			continue
		}
		break
	}
	if c := p.at(i); i == p.pos || !p.blankz(i) && c != ',' && c != ']' && c != '}' {
		fail()
	}
	name := p.src[p.pos:i]
	p.pos = i
	return name
}

func (p *parser) alias() *yaml.Node {
	p.noSkim()
	line, col := p.line, p.col(p.pos)
	p.pos++
	name := p.name()
	target := p.anchors[name]
	if target == nil || p.keyFollows() {
		fail()
	}
	n := p.node(yaml.AliasNode, "", line, col)
	n.Value, n.Alias = name, target
	return n
}

// blockMapping parses a block mapping at column col whose first key,
// starting at keyStart, is parsed, pos after it.
func (p *parser) blockMapping(col int, key *yaml.Node, keyStart int) *yaml.Node {
	m := p.node(yaml.MappingNode, mapTag, key.Line-1, col)
	mark, entry, keys := len(p.kids), p.mark(), p.skimKeys()
	// The root mapping's values are skimmed as the skimmer says.
	root := p.skim != nil && p.depth == 1
	for {
		p.spaces()
		if p.pos-keyStart > maxKey {
			fail()
		}
		p.pos++ // ':'
		p.skimKey(key)
		var v *yaml.Node
		if after := p.col(p.pos); root && !p.skim.keep(key.Value) {
			v = p.skimValue(func() *yaml.Node { return p.mappingValue(col, after) })
		} else {
			v = p.mappingValue(col, after)
		}
		p.kids = append(p.kids, key, v)
		if !p.skipToContent() {
			break
		}
		c := p.col(p.pos)
		if c < col || p.docMarker(p.pos) {
			break
		}
		if c > col {
			fail()
		}
		p.next(entry)
		keyStart = p.pos
		key = p.key()
	}
	p.checkKeys(keys)
	m.Content = p.content(mark)
	return m
}

// key parses a mapping key at pos: a plain or quoted scalar on one line,
// followed by ':'.
func (p *parser) key() *yaml.Node {
	line, col := p.line, p.col(p.pos)
	switch p.src[p.pos] {
	case '"', '\'':
		k := p.quoted(-1)
		if p.line != line || !p.keyFollows() {
			fail()
		}
		return k
	case '-', '?', ':':
		if p.blankz(p.pos + 1) {
			fail()
		}
	case '&', '*', '!', '%', '@', '`', ',', '[', ']', '{', '}', '|', '>', '#':
		fail()
	}
	start := p.pos
	end, stop := p.plainLine(start)
	if stop != ':' {
		fail()
	}
	v := p.src[start:end]
	k := p.node(yaml.ScalarNode, p.plainTag(v), line, col)
	k.Value = v
	p.pos = end
	return k
}

// mappingValue parses what follows "key:" in a mapping at column col;
// after is the column after the ':'.
func (p *parser) mappingValue(col, after int) *yaml.Node {
	line := p.line
	p.spaces()
	switch p.at(p.pos) {
	case 0, '\n', '#':
		p.lineRest()
		if p.skipToContent() && !p.docMarker(p.pos) {
			c := p.col(p.pos)
			if c > col {
				return p.value(col, false)
			}
			if c == col && p.src[p.pos] == '-' && p.blankz(p.pos+1) {
				return p.blockSequence(col) // indentless
			}
		}
		return p.empty(line, after)
	}
	return p.value(col, true)
}

// empty is the null scalar of an absent value, which yaml.v3 places right
// after its ':' or '-'.
func (p *parser) empty(line, col int) *yaml.Node {
	return p.node(yaml.ScalarNode, nullTag, line, col)
}

// blockSequence parses the block sequence whose first "-" is at pos.
func (p *parser) blockSequence(col int) *yaml.Node {
	s := p.node(yaml.SequenceNode, seqTag, p.line, col)
	mark, entry := len(p.kids), p.mark()
	for {
		p.pos++ // '-'
		line := p.line
		p.spaces()
		var item *yaml.Node
		switch p.at(p.pos) {
		case 0, '\n', '#':
			p.lineRest()
			if p.skipToContent() && p.col(p.pos) > col && !p.docMarker(p.pos) {
				item = p.value(col, false)
			} else {
				item = p.empty(line, col+1)
			}
		default:
			item = p.value(col, false)
		}
		p.kids = append(p.kids, item)
		if !p.skipToContent() {
			break
		}
		c := p.col(p.pos)
		if c < col || p.src[p.pos] != '-' || !p.blankz(p.pos+1) {
			break
		}
		if c > col {
			fail()
		}
		p.next(entry)
	}
	s.Content = p.content(mark)
	return s
}

// plainLine scans the first line of a plain scalar from start: end is past
// its last non-blank byte, stop what ended it: ':' (a key indicator), '#'
// (a comment) or '\n' (the line end or the text end).
func (p *parser) plainLine(start int) (end int, stop byte) {
	s := p.src
	end = start
	for i := start; ; {
		if i >= len(s) {
			return end, '\n'
		}
		switch c := s[i]; c {
		case '\n', '\r':
			return end, '\n'
		case ' ', '\t':
			j := i + 1
			for j < len(s) && (s[j] == ' ' || s[j] == '\t') {
				j++
			}
			if j < len(s) && s[j] == '#' {
				return end, '#'
			}
			i = j
			continue
		case ':':
			if p.blankz(i + 1) {
				return end, ':'
			}
		}
		i++
		end = i
	}
}

// plain parses a plain scalar whose first line is src[start:end], ended by
// stop, and the lines that continue it (indented past indent).
func (p *parser) plain(indent, start, end int, stop byte) *yaml.Node {
	line, col := p.line, p.col(start)
	value := p.src[start:end]
	p.pos = end
	var b []byte
	folded := false // a line continues the scalar: its value is b
	for stop == '\n' {
		// Count the line ends to the next content.
		breaks := 0
		i := p.pos
		for {
			for i < len(p.src) && (p.src[i] == ' ' || p.src[i] == '\t') {
				i++
			}
			if p.at(i) != '\n' {
				break
			}
			p.pos = i
			p.newline()
			breaks++
			i = p.pos
			for i < len(p.src) && p.src[i] == ' ' {
				i++
			}
			if p.at(i) == '\t' {
				fail()
			}
		}
		if breaks == 0 || i >= len(p.src) {
			break
		}
		c := p.col(i)
		if c <= indent || p.src[i] == '#' || p.docMarker(i) {
			break
		}
		e, st := p.plainLine(i)
		if st == ':' {
			fail()
		}
		if p.skimming() {
			// Unfolded: the value is not read (skimValue).
			value = p.src[start:e]
			p.pos, stop = e, st
			continue
		}
		if !folded {
			b, folded = append(p.buf[:0], value...), true
		}
		if breaks == 1 {
			b = append(b, ' ')
		} else {
			for range breaks - 1 {
				b = append(b, '\n')
			}
		}
		b = append(b, p.src[i:e]...)
		p.pos, stop = e, st
	}
	if folded {
		value = string(b)
		p.buf = b
	}
	if stop == '#' {
		p.lineRest()
	}
	n := p.node(yaml.ScalarNode, p.plainTag(value), line, col)
	n.Value = value
	return n
}

// quoted parses a single- or double-quoted scalar; lines that continue it
// must be indented past indent.
func (p *parser) quoted(indent int) *yaml.Node {
	line, col := p.line, p.col(p.pos)
	q := p.src[p.pos]
	n := p.node(yaml.ScalarNode, strTag, line, col)
	if q == '"' {
		n.Style = yaml.DoubleQuotedStyle
	} else {
		n.Style = yaml.SingleQuotedStyle
	}
	start := p.pos + 1
	// The common case: one line, nothing to unescape.
	for i := start; i < len(p.src); i++ {
		c := p.src[i]
		if c == q {
			if q == '\'' && p.at(i+1) == '\'' {
				break
			}
			n.Value = p.src[start:i]
			p.pos = i + 1
			return n
		}
		if c == '\n' || c == '\r' || q == '"' && c == '\\' {
			break
		}
	}
	n.Value = p.quotedSlow(indent, q)
	return n
}

// quotedSlow reads a quoted scalar with escapes or line breaks as yaml.v3
// folds them.
func (p *parser) quotedSlow(indent int, q byte) string {
	b := p.buf[:0]
	defer func() { p.buf = b }()
	line := p.line
	p.pos++
	for {
		if p.pos >= len(p.src) {
			fail()
		}
		escapedBreak := false
		// Non-blank characters.
	chars:
		for p.pos < len(p.src) {
			c := p.src[p.pos]
			switch {
			case c == ' ' || c == '\t' || c == '\n' || c == '\r':
				break chars
			case q == '\'' && c == '\'':
				if p.at(p.pos+1) != '\'' {
					break chars
				}
				b = append(b, '\'')
				p.pos += 2
			case q == '"' && c == '"':
				break chars
			case q == '"' && c == '\\':
				if p.at(p.pos+1) == '\n' {
					p.pos++
					p.newline()
					escapedBreak = true
					break chars
				}
				b = p.escape(b)
			default:
				b = append(b, c)
				p.pos++
			}
		}
		if p.at(p.pos) == q {
			p.pos++
			if p.skimming() && p.line != line {
				return "" // not a key, and not read (skimValue)
			}
			return string(b)
		}
		// Blanks and line breaks between words: the blanks are kept
		// where no line break follows them, src[blanks:pos].
		blanks := p.pos
		leadingBreak, trailing := false, 0
		leadingBlanks := escapedBreak
		for p.pos < len(p.src) {
			c := p.at(p.pos)
			if c == ' ' || c == '\t' {
				p.pos++
				continue
			}
			if c != '\n' {
				break
			}
			if !leadingBlanks {
				leadingBreak, leadingBlanks = true, true
			} else {
				trailing++
			}
			p.newline()
		}
		if p.pos >= len(p.src) {
			fail()
		}
		// A line that continues the scalar: indented past its collection,
		// and not a document marker.
		if leadingBreak || escapedBreak {
			if c := p.col(p.pos); c <= indent || p.docMarker(p.pos) {
				fail()
			}
		}
		if leadingBlanks {
			if leadingBreak {
				if trailing == 0 {
					b = append(b, ' ')
				}
			}
			for range trailing {
				b = append(b, '\n')
			}
		} else {
			b = append(b, p.src[blanks:p.pos]...)
		}
	}
}

// escapes are the one-character escapes of double-quoted scalars that
// yaml.v3 reads ("\/" is not one of them).
var escapes = map[byte]string{
	'0': "\x00", 'a': "\a", 'b': "\b", 't': "\t", '\t': "\t", 'n': "\n", 'v': "\v", 'f': "\f", 'r': "\r", 'e': "\x1b",
	' ': " ", '"': "\"", '\'': "'", '\\': "\\", 'N': "\u0085", '_': "\u00a0", 'L': "\u2028", 'P': "\u2029",
}

// escape appends the character a double-quoted escape at pos stands for.
func (p *parser) escape(b []byte) []byte {
	c := p.at(p.pos + 1)
	p.pos += 2
	if s, ok := escapes[c]; ok {
		return append(b, s...)
	}
	digits := 0
	switch c {
	case 'x':
		digits = 2
	case 'u':
		digits = 4
	case 'U':
		digits = 8
	}
	if digits == 0 || p.pos+digits > len(p.src) {
		fail()
	}
	v := 0
	for _, h := range []byte(p.src[p.pos : p.pos+digits]) {
		switch {
		case h >= '0' && h <= '9':
			v = v<<4 + int(h-'0')
		case h >= 'a' && h <= 'f':
			v = v<<4 + int(h-'a'+10)
		case h >= 'A' && h <= 'F':
			v = v<<4 + int(h-'A'+10)
		default:
			fail()
		}
	}
	if v >= 0xd800 && v <= 0xdfff || v > 0x10ffff {
		fail()
	}
	p.pos += digits
	if v < utf8.RuneSelf {
		return append(b, byte(v))
	}
	return utf8.AppendRune(b, rune(v))
}

// blockScalar parses a literal (|) or folded (>) scalar as yaml.v3 does;
// indent is the enclosing block collection's column.
func (p *parser) blockScalar(indent int) *yaml.Node {
	line, col := p.line, p.col(p.pos)
	n := p.node(yaml.ScalarNode, strTag, line, col)
	literal := p.src[p.pos] == '|'
	if literal {
		n.Style = yaml.LiteralStyle
	} else {
		n.Style = yaml.FoldedStyle
	}
	p.pos++
	chomp, increment := 0, 0
	for range 2 {
		switch c := p.at(p.pos); {
		case c == '+' && chomp == 0:
			chomp = 1
			p.pos++
		case c == '-' && chomp == 0:
			chomp = -1
			p.pos++
		case c >= '1' && c <= '9' && increment == 0:
			increment = int(c - '0')
			p.pos++
		}
	}
	for p.at(p.pos) == ' ' || p.at(p.pos) == '\t' {
		p.pos++
	}
	if p.at(p.pos) == '#' {
		p.pos = p.eol(p.pos)
	}
	switch p.at(p.pos) {
	case '\n':
		p.newline()
	case 0:
	default:
		fail()
	}
	blockIndent := 0
	if increment > 0 {
		blockIndent = increment
		if indent >= 0 {
			blockIndent += indent
		}
	}
	if p.skimming() {
		// Its lines are passed, the value is not read (skimValue).
		p.blockBreaks(&blockIndent, indent)
		for p.pos < len(p.src) && p.pos-p.lineStart == blockIndent {
			if p.pos = p.eol(p.pos); p.pos < len(p.src) {
				p.newline()
			}
			p.blockBreaks(&blockIndent, indent)
		}
		return n
	}
	b := p.buf[:0]
	trailing := p.blockBreaks(&blockIndent, indent)
	leadingBreak, leadingBlank := false, false
	for p.pos < len(p.src) && p.pos-p.lineStart == blockIndent {
		trailingBlank := p.src[p.pos] == ' ' || p.src[p.pos] == '\t'
		if !literal && leadingBreak && !leadingBlank && !trailingBlank {
			if trailing == 0 {
				b = append(b, ' ')
			}
		} else if leadingBreak {
			b = append(b, '\n')
		}
		for range trailing {
			b = append(b, '\n')
		}
		leadingBlank = trailingBlank
		e := p.eol(p.pos)
		b = append(b, p.src[p.pos:e]...)
		p.pos = e
		leadingBreak = false
		if e < len(p.src) {
			leadingBreak = true
			p.newline()
		}
		trailing = p.blockBreaks(&blockIndent, indent)
	}
	if chomp != -1 && leadingBreak {
		b = append(b, '\n')
	}
	if chomp == 1 {
		for range trailing {
			b = append(b, '\n')
		}
	}
	n.Value = string(b)
	p.buf = b
	return n
}

// blockBreaks eats a block scalar's indentation and empty lines, counting
// the line ends, and settles an undetected indentation as yaml.v3 does.
func (p *parser) blockBreaks(blockIndent *int, indent int) (breaks int) {
	maxIndent := 0
	for {
		for (*blockIndent == 0 || p.pos-p.lineStart < *blockIndent) && p.at(p.pos) == ' ' {
			p.pos++
		}
		maxIndent = max(maxIndent, p.pos-p.lineStart)
		if (*blockIndent == 0 || p.pos-p.lineStart < *blockIndent) && p.at(p.pos) == '\t' {
			fail()
		}
		if p.at(p.pos) != '\n' {
			break
		}
		p.newline()
		breaks++
	}
	if *blockIndent == 0 {
		*blockIndent = max(maxIndent, indent+1, 1)
	}
	return breaks
}

// flow parses a flow sequence or mapping; its lines must be indented past
// indent.
func (p *parser) flow(indent int) *yaml.Node {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxDepth {
		fail()
	}
	p.skimDepth()
	line, col := p.line, p.col(p.pos)
	open, closer := p.src[p.pos], byte(']')
	var n *yaml.Node
	if open == '[' {
		n = p.node(yaml.SequenceNode, seqTag, line, col)
	} else {
		n = p.node(yaml.MappingNode, mapTag, line, col)
		closer = '}'
	}
	n.Style = yaml.FlowStyle
	p.pos++
	mark, entry, keys := len(p.kids), p.mark(), p.skimKeys()
	for first := true; ; first = false {
		p.flowSpace(indent)
		if p.at(p.pos) == closer {
			p.pos++
			break
		}
		if !first {
			p.next(entry)
		}
		if open == '[' {
			p.kids = append(p.kids, p.flowNode(indent))
			p.flowSpace(indent)
			if p.at(p.pos) == ':' {
				fail() // a single-pair mapping
			}
		} else {
			start := p.pos
			k := p.flowNode(indent)
			p.flowSpace(indent)
			if k.Kind != yaml.ScalarNode || p.at(p.pos) != ':' || p.line != k.Line-1 || p.pos-start > maxKey {
				fail()
			}
			p.pos++
			p.flowSpace(indent)
			if c := p.at(p.pos); c == ',' || c == '}' {
				fail() // an empty value
			}
			p.skimKey(k)
			p.kids = append(p.kids, k, p.flowNode(indent))
			p.flowSpace(indent)
		}
		switch p.at(p.pos) {
		case ',':
			p.pos++
		case closer:
		default:
			fail()
		}
	}
	p.checkKeys(keys)
	n.Content = p.content(mark)
	return n
}

// flowSpace skips blanks, line ends and comments inside a flow
// collection.
func (p *parser) flowSpace(indent int) {
	startLine := p.line
	for p.pos < len(p.src) {
		switch p.at(p.pos) {
		case ' ', '\t':
			p.pos++
		case '\n':
			p.newline()
		case '#':
			if p.pos > p.lineStart && p.src[p.pos-1] != ' ' && p.src[p.pos-1] != '\t' {
				fail()
			}
			p.pos = p.eol(p.pos)
		default:
			if p.line != startLine {
				if c := p.col(p.pos); c <= indent || p.docMarker(p.pos) {
					fail()
				}
			}
			return
		}
	}
	fail() // not closed
}

// flowNode parses an entry, key or value of a flow collection.
func (p *parser) flowNode(indent int) *yaml.Node {
	switch c := p.src[p.pos]; c {
	case '[', '{':
		return p.flow(indent)
	case '"', '\'':
		return p.quoted(indent)
	case '*':
		return p.alias()
	case '-':
		if p.blankz(p.pos + 1) {
			fail()
		}
	case '&', '!', '|', '>', '%', '@', '`', ',', ']', '}', '#', '?', ':':
		fail()
	}
	line, col := p.line, p.col(p.pos)
	start, end := p.pos, p.pos
	stop := byte(0)
scan:
	for i := p.pos; i < len(p.src); {
		switch c := p.src[i]; c {
		case ',', '[', ']', '{', '}':
			stop = c
			break scan
		case ':':
			if !p.blankz(i + 1) {
				fail() // "a:b" in a flow: yaml.v3 reads it its own way
			}
			stop = c
			break scan
		case '?':
			fail()
		case '\n', '\r':
			break scan
		case ' ', '\t':
			j := i + 1
			for j < len(p.src) && (p.src[j] == ' ' || p.src[j] == '\t') {
				j++
			}
			if j < len(p.src) && p.src[j] == '#' {
				break scan
			}
			i = j
			continue
		}
		i++
		end = i
	}
	if end == start {
		fail()
	}
	p.pos = end
	if stop == 0 {
		// The line ended: the scalar must not go on on the next.
		p.flowSpace(indent)
		if c := p.at(p.pos); c != ',' && c != ']' && c != '}' {
			fail()
		}
	}
	v := p.src[start:end]
	n := p.node(yaml.ScalarNode, p.plainTag(v), line, col)
	n.Value = v
	return n
}

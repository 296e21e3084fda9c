package fixes

import (
	"bytes"
	"errors"
	"strconv"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Locator gives the byte spans of parsed nodes; the analyzer's Document
// implements it (fixes does not import the analyzer).
type Locator interface {
	NodeStart(*yaml.Node) int
	NodeEnd(*yaml.Node) int
}

// Value is what an edit writes: Str, Lit, Map or Seq.
type Value interface{ isValue() }

// Str is a string; it is quoted as the document quotes, or as YAML needs.
type Str string

// Lit is a literal written as is: true, 65532, RuntimeDefault-free tokens.
type Lit string

// Map is a mapping with its keys in order.
type Map []KV

// KV is one key of a Map.
type KV struct {
	Key   string
	Value Value
}

// Seq is a sequence.
type Seq []Value

func (Str) isValue() {}
func (Lit) isValue() {}
func (Map) isValue() {}
func (Seq) isValue() {}

var (
	// ErrShared refuses an edit inside an anchored node: every alias of it
	// would change too.
	ErrShared = errors.New("the node is shared through a YAML anchor; editing it would change every alias")
	// ErrShape refuses an edit where the document has a different shape
	// than the edit needs (a scalar where a mapping should be, …).
	ErrShape = errors.New("the document does not have the shape this edit needs")
)

// YAML edits one YAML (or JSON) document in the style it already has.
type YAML struct {
	text []byte
	loc  Locator
	nl   string
	// unit is the indentation step; seqIndent is how far "- " sits right of
	// its key (0 for "key:\n- a", unit for "key:\n  - a").
	unit, seqIndent int
	json            bool
	quote           byte // the document's usual quote for strings: 0, '"' or '\''
	quoteKeys       bool // keys are double-quoted ("apiVersion": …)
	shared          map[*yaml.Node]bool
}

// objectLineBreak is the terminator of the object's first line, so new
// lines match the lines around them; only a one-line object (or none)
// looks at the whole text. Scanning the whole text per object would cost
// more than the edits on a large stream.
func objectLineBreak(text []byte, loc Locator, root *yaml.Node) string {
	if root != nil {
		if start := loc.NodeStart(root); start >= 0 && start <= len(text) {
			if i := bytes.IndexByte(text[start:], '\n'); i >= 0 {
				if i > 0 && text[start+i-1] == '\r' {
					return "\r\n"
				}
				return "\n"
			}
		}
	}
	return LineBreak(text)
}

// NewYAML prepares edits of the document whose root node is root.
func NewYAML(text []byte, loc Locator, root *yaml.Node) *YAML {
	y := &YAML{text: text, loc: loc, nl: objectLineBreak(text, loc, root), unit: 2, seqIndent: -1, shared: map[*yaml.Node]bool{}}
	if root != nil && root.Kind == yaml.MappingNode && root.Style&yaml.FlowStyle != 0 &&
		len(root.Content) > 0 && root.Content[0].Style&yaml.DoubleQuotedStyle != 0 {
		y.json = true
	}
	var plain, double, single, plainKeys, quotedKeys int
	unitFound := false
	var walk func(n *yaml.Node, anchored bool)
	walk = func(n *yaml.Node, anchored bool) {
		anchored = anchored || n.Anchor != ""
		if anchored {
			y.shared[n] = true
		}
		if n.Kind == yaml.MappingNode && n.Style&yaml.FlowStyle == 0 {
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				if k.Style&yaml.DoubleQuotedStyle != 0 {
					quotedKeys++
				} else {
					plainKeys++
				}
				switch {
				case v.Kind == yaml.ScalarNode && v.Tag == "!!str":
					switch {
					case v.Style&yaml.DoubleQuotedStyle != 0:
						double++
					case v.Style&yaml.SingleQuotedStyle != 0:
						single++
					case v.Style == 0:
						plain++
					}
				case v.Kind == yaml.MappingNode && v.Style&yaml.FlowStyle == 0 && len(v.Content) > 0 && !unitFound:
					if d := v.Content[0].Column - k.Column; d > 0 && v.Content[0].Line > k.Line {
						y.unit, unitFound = d, true
					}
				case v.Kind == yaml.SequenceNode && v.Style&yaml.FlowStyle == 0 && len(v.Content) > 0 && y.seqIndent < 0:
					if dash := y.dashColumn(v.Content[0]); dash > 0 && v.Content[0].Line > k.Line {
						y.seqIndent = max(dash-k.Column, 0)
					}
				}
			}
		}
		for _, c := range n.Content {
			walk(c, anchored)
		}
	}
	if root != nil {
		walk(root, false)
	}
	if y.seqIndent < 0 {
		y.seqIndent = 0
	}
	y.quoteKeys = quotedKeys > plainKeys
	switch {
	case double > plain && double >= single:
		y.quote = '"'
	case single > plain:
		y.quote = '\''
	}
	return y
}

// dashColumn is the 1-based column of the "-" that introduces a block
// sequence item, or 0.
func (y *YAML) dashColumn(item *yaml.Node) int {
	start := y.loc.NodeStart(item)
	ls := lineStart(y.text, start)
	for i := start - 1; i >= ls; i-- {
		if y.text[i] == '-' {
			return i - ls + 1
		}
		if y.text[i] != ' ' {
			return 0
		}
	}
	return 0
}

func lineStart(text []byte, off int) int { return bytes.LastIndexByte(text[:off], '\n') + 1 }

func lineEnd(text []byte, off int) int {
	i := bytes.IndexByte(text[off:], '\n')
	if i < 0 {
		return len(text)
	}
	e := off + i
	if e > off && text[e-1] == '\r' {
		e--
	}
	return e
}

func (y *YAML) check(nodes ...*yaml.Node) error {
	for _, n := range nodes {
		if n == nil || n.Kind == yaml.AliasNode || y.shared[n] {
			return ErrShared
		}
	}
	return nil
}

// plainSafe tells whether s may be written unquoted: a letter, '_' or '/',
// then letters, digits and "_./-" (`^[A-Za-z_/][A-Za-z0-9_./-]*$`) — a
// check every fix's values go through, a loop rather than a regexp.
func plainSafe(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_', c == '/':
		case i > 0 && (c >= '0' && c <= '9' || c == '.' || c == '-'):
		default:
			return false
		}
	}
	return true
}

// yamlKeywords are plain scalars that would not read back as strings.
var yamlKeywords = map[string]bool{"true": true, "false": true, "yes": true, "no": true, "on": true, "off": true,
	"null": true, "y": true, "n": true, "True": true, "False": true, "Yes": true, "No": true, "On": true, "Off": true,
	"Null": true, "NULL": true, "TRUE": true, "FALSE": true, "YES": true, "NO": true, "ON": true, "OFF": true, "Y": true, "N": true}

// scalar renders a Str or Lit in the document's style.
func (y *YAML) scalar(v Value, quote byte) string {
	switch s := v.(type) {
	case Lit:
		return string(s)
	case Str:
		if y.json {
			return strconv.Quote(string(s))
		}
		switch {
		case quote == '\'':
			return "'" + strings.ReplaceAll(string(s), "'", "''") + "'"
		case quote == '"' || !plainSafe(string(s)) || yamlKeywords[string(s)]:
			return strconv.Quote(string(s))
		}
		return string(s)
	}
	return ""
}

func (y *YAML) key(k string) string {
	if y.json || y.quoteKeys {
		return strconv.Quote(k)
	}
	return k
}

// flow renders a value on one line: {a: 1}, ["ALL"].
func (y *YAML) flow(v Value, quote byte) string {
	switch t := v.(type) {
	case Map:
		parts := make([]string, len(t))
		for i, kv := range t {
			parts[i] = y.key(kv.Key) + ": " + y.flow(kv.Value, quote)
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case Seq:
		parts := make([]string, len(t))
		for i, it := range t {
			parts[i] = y.flow(it, quote)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return y.scalar(v, quote)
}

// block renders "key: value" for a key (already rendered) at indentation
// ind (spaces).
func (y *YAML) block(key string, v Value, ind int) string {
	switch t := v.(type) {
	case Map:
		if len(t) == 0 {
			return key + ": {}"
		}
		var b strings.Builder
		b.WriteString(key + ":")
		for _, kv := range t {
			b.WriteString(y.nl + spaces(ind+y.unit) + y.block(y.key(kv.Key), kv.Value, ind+y.unit))
		}
		return b.String()
	case Seq:
		if len(t) == 0 {
			return key + ": []"
		}
		var b strings.Builder
		b.WriteString(key + ":")
		for _, it := range t {
			b.WriteString(y.nl + spaces(ind+y.seqIndent) + "- " + y.item(it, ind+y.seqIndent+2))
		}
		return b.String()
	}
	return key + ": " + y.scalar(v, y.quote)
}

// item renders a block sequence item whose content starts at column ind.
func (y *YAML) item(v Value, ind int) string {
	m, ok := v.(Map)
	if !ok || len(m) == 0 {
		return y.flow(v, y.quote)
	}
	var b strings.Builder
	for i, kv := range m {
		if i > 0 {
			b.WriteString(y.nl + spaces(ind))
		}
		b.WriteString(y.block(y.key(kv.Key), kv.Value, ind))
	}
	return b.String()
}

func spaces(n int) string { return strings.Repeat(" ", max(n, 0)) }

// SetScalar replaces a scalar's text with v.
func (y *YAML) SetScalar(n *yaml.Node, v Value) (TextEdit, error) {
	if err := y.check(n); err != nil {
		return TextEdit{}, err
	}
	if n.Kind != yaml.ScalarNode {
		return TextEdit{}, ErrShape
	}
	start, end := y.loc.NodeStart(n), y.loc.NodeEnd(n)
	quote := byte(0)
	switch {
	case n.Style&yaml.DoubleQuotedStyle != 0:
		quote = '"'
	case n.Style&yaml.SingleQuotedStyle != 0:
		quote = '\''
	}
	text := y.scalar(v, quote)
	if start == end && start > 0 && y.text[start-1] == ':' {
		text = " " + text // "key:" with an empty value
	}
	return TextEdit{Start: start, End: end, NewText: text}, nil
}

// RenameKey replaces a mapping key's text.
func (y *YAML) RenameKey(key *yaml.Node, name string) (TextEdit, error) {
	if err := y.check(key); err != nil {
		return TextEdit{}, err
	}
	quote := byte(0)
	if key.Style&yaml.DoubleQuotedStyle != 0 || y.json {
		quote = '"'
	}
	text := name
	if quote != 0 {
		text = strconv.Quote(name)
	}
	return TextEdit{Start: y.loc.NodeStart(key), End: y.loc.NodeEnd(key), NewText: text}, nil
}

// InsertField adds key: v at the end of mapping m, in m's style.
func (y *YAML) InsertField(m *yaml.Node, key string, v Value) (TextEdit, error) {
	if err := y.check(m); err != nil {
		return TextEdit{}, err
	}
	if m.Kind != yaml.MappingNode {
		return TextEdit{}, ErrShape
	}
	if m.Style&yaml.FlowStyle != 0 {
		return y.insertFlow(m, y.key(key)+": "+y.flow(v, y.quote)), nil
	}
	if len(m.Content) == 0 {
		return TextEdit{}, ErrShape // a block mapping always has a key
	}
	ind := m.Content[0].Column - 1
	field := y.block(y.key(key), v, ind)
	if pos, ok := y.afterLastSimpleField(m); ok {
		return TextEdit{Start: pos, End: pos, NewText: y.nl + spaces(ind) + field}, nil
	}
	// Every field holds a block: go before the first one that starts its
	// line, so the new key comes before the long nested lists.
	for i := 0; i < len(m.Content); i += 2 {
		k := m.Content[i]
		start := y.loc.NodeStart(k)
		if ls := lineStart(y.text, start); len(bytes.TrimSpace(y.text[ls:start])) == 0 {
			return TextEdit{Start: ls, End: ls, NewText: spaces(ind) + field + y.nl}, nil
		}
	}
	pos := lineEnd(y.text, y.loc.NodeEnd(m.Content[len(m.Content)-1]))
	return TextEdit{Start: pos, End: pos, NewText: y.nl + spaces(ind) + field}, nil
}

// ReplaceField replaces the field key of mapping m, key and value, with
// newKey: v, where it stands and in m's style; comments around it stay.
func (y *YAML) ReplaceField(m *yaml.Node, key, newKey string, v Value) (TextEdit, error) {
	if err := y.check(m); err != nil {
		return TextEdit{}, err
	}
	k, val := field(m, key)
	if k == nil {
		return TextEdit{}, ErrShape
	}
	if err := y.check(val); err != nil {
		return TextEdit{}, err
	}
	start, end := y.loc.NodeStart(k), y.loc.NodeEnd(val)
	if m.Style&yaml.FlowStyle != 0 || y.json {
		return TextEdit{Start: start, End: end, NewText: y.key(newKey) + ": " + y.flow(v, y.quote)}, nil
	}
	return TextEdit{Start: start, End: end, NewText: y.block(y.key(newKey), v, k.Column-1)}, nil
}

// afterLastSimpleField is the end of the line of the mapping's last field
// whose value fits on the key's line (a scalar or a flow collection): new
// keys join the simple settings instead of trailing a long nested block,
// and a key added to a container does not land where a key added to its
// pod would (after the last container).
func (y *YAML) afterLastSimpleField(m *yaml.Node) (int, bool) {
	for i := len(m.Content) - 2; i >= 0; i -= 2 {
		k, v := m.Content[i], m.Content[i+1]
		if v.Kind == yaml.MappingNode || v.Kind == yaml.SequenceNode {
			if v.Style&yaml.FlowStyle == 0 {
				continue
			}
		} else if v.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
			continue
		}
		end := y.loc.NodeEnd(v)
		if lineStart(y.text, end) != lineStart(y.text, y.loc.NodeStart(k)) {
			continue // a multi-line value
		}
		return lineEnd(y.text, end), true
	}
	return 0, false
}

// insertFlow adds an entry to a flow mapping or sequence: after its last
// entry (on a new line when the collection spans lines), or into an empty one.
func (y *YAML) insertFlow(c *yaml.Node, entry string) TextEdit {
	start := y.loc.NodeStart(c)
	if len(c.Content) == 0 {
		return TextEdit{Start: start + 1, End: start + 1, NewText: entry}
	}
	last := c.Content[len(c.Content)-1]
	firstEntry := c.Content[0]
	pos := y.loc.NodeEnd(last)
	if firstEntry.Line > c.Line || last.Line > c.Line && firstEntry.Line == last.Line {
		// One entry per line: keep it that way.
		return TextEdit{Start: pos, End: pos, NewText: "," + y.nl + spaces(firstEntry.Column-1) + entry}
	}
	return TextEdit{Start: pos, End: pos, NewText: ", " + entry}
}

// Append adds v as the last item of sequence s, in s's style; strings are
// quoted like the items already there.
func (y *YAML) Append(s *yaml.Node, v Value) (TextEdit, error) {
	if err := y.check(s); err != nil {
		return TextEdit{}, err
	}
	if s.Kind != yaml.SequenceNode {
		return TextEdit{}, ErrShape
	}
	quote := y.quote
	if len(s.Content) > 0 {
		switch st := s.Content[0].Style; {
		case st&yaml.DoubleQuotedStyle != 0:
			quote = '"'
		case st&yaml.SingleQuotedStyle != 0:
			quote = '\''
		default:
			quote = 0
		}
	}
	if s.Style&yaml.FlowStyle != 0 {
		return y.insertFlow(s, y.flow(v, quote)), nil
	}
	if len(s.Content) == 0 {
		return TextEdit{}, ErrShape
	}
	dash := y.dashColumn(s.Content[0])
	if dash == 0 {
		return TextEdit{}, ErrShape
	}
	pos := lineEnd(y.text, y.loc.NodeEnd(s.Content[len(s.Content)-1]))
	if m, ok := v.(Map); ok && len(m) > 0 {
		// A mapping item is written in block style, its keys under the first.
		return TextEdit{Start: pos, End: pos, NewText: y.nl + spaces(dash-1) + "- " + y.item(m, dash+1)}, nil
	}
	return TextEdit{Start: pos, End: pos, NewText: y.nl + spaces(dash-1) + "- " + y.flow(v, quote)}, nil
}

// field finds key in mapping m without following aliases: an edit must
// happen where the text is.
func field(m *yaml.Node, key string) (k, v *yaml.Node) {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			k, v = m.Content[i], m.Content[i+1]
		}
	}
	return k, v
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.Tag == "!!null" }

// Set makes path (below mapping m) hold v, creating the mappings on the way
// that are missing or null, and replacing an existing scalar.
func (y *YAML) Set(m *yaml.Node, path []string, v Value) (TextEdit, error) {
	if err := y.check(m); err != nil {
		return TextEdit{}, err
	}
	cur := m
	for i, k := range path {
		key, val := field(cur, k)
		rest := nest(path[i+1:], v)
		switch {
		case key == nil:
			return y.InsertField(cur, k, rest)
		case val.Kind == yaml.AliasNode || y.shared[val]:
			return TextEdit{}, ErrShared
		case isNull(val):
			return y.replaceNull(cur, key, val, rest)
		case i == len(path)-1:
			if _, isScalar := v.(Str); isScalar || isLit(v) {
				return y.SetScalar(val, v)
			}
			return TextEdit{}, ErrShape
		case val.Kind != yaml.MappingNode:
			return TextEdit{}, ErrShape
		}
		cur = val
	}
	return TextEdit{}, ErrShape
}

func isLit(v Value) bool { _, ok := v.(Lit); return ok }

// nest wraps v in mappings for the keys of path.
func nest(path []string, v Value) Value {
	for i := len(path) - 1; i >= 0; i-- {
		v = Map{{path[i], v}}
	}
	return v
}

// replaceNull gives a key whose value is null (empty, "~" or "null") the
// value v.
func (y *YAML) replaceNull(parent, key, val *yaml.Node, v Value) (TextEdit, error) {
	keyEnd := y.loc.NodeEnd(key)
	colon := bytes.IndexByte(y.text[keyEnd:], ':')
	if colon < 0 {
		return TextEdit{}, ErrShape
	}
	start := keyEnd + colon + 1
	end := max(start, y.loc.NodeEnd(val))
	if parent.Style&yaml.FlowStyle != 0 || y.json {
		return TextEdit{Start: start, End: end, NewText: " " + y.flow(v, y.quote)}, nil
	}
	switch t := v.(type) {
	case Map:
		if len(t) == 0 {
			return TextEdit{Start: start, End: end, NewText: " {}"}, nil
		}
	case Seq:
		if len(t) == 0 {
			return TextEdit{Start: start, End: end, NewText: " []"}, nil
		}
	default:
		return TextEdit{Start: start, End: end, NewText: " " + y.scalar(v, y.quote)}, nil
	}
	ind := key.Column - 1
	body := y.block("", v, ind)[1:] // drop the empty key's colon: ":\n  a: 1" → "\n  a: 1"
	return TextEdit{Start: start, End: end, NewText: body}, nil
}

// Remove deletes the field at path below mapping m: its whole lines, so
// that nothing dangles. When it is the only key of its mapping, that
// mapping becomes {} instead of an empty value.
func (y *YAML) Remove(m *yaml.Node, path []string) (TextEdit, error) {
	if err := y.check(m); err != nil {
		return TextEdit{}, err
	}
	if len(path) == 0 {
		return TextEdit{}, ErrShape
	}
	owner, ownerKey := (*yaml.Node)(nil), (*yaml.Node)(nil)
	cur := m
	for _, k := range path[:len(path)-1] {
		key, val := field(cur, k)
		if key == nil || val.Kind != yaml.MappingNode {
			return TextEdit{}, ErrShape
		}
		if err := y.check(val); err != nil {
			return TextEdit{}, err
		}
		owner, ownerKey, cur = cur, key, val
	}
	k, v := field(cur, path[len(path)-1])
	if k == nil {
		return TextEdit{}, ErrShape
	}
	if cur.Style&yaml.FlowStyle != 0 {
		return y.removeFlow(cur, k, v)
	}
	if len(cur.Content) == 2 {
		if owner == nil || owner.Style&yaml.FlowStyle != 0 {
			return TextEdit{}, ErrShape
		}
		edit, err := y.replaceNull(owner, ownerKey, cur, Map{})
		if err == nil && hasCommentLine(y.text[edit.Start:edit.End]) {
			return TextEdit{}, ErrShape // the comments would go with the lines
		}
		return edit, err
	}
	start := y.loc.NodeStart(k)
	ls := lineStart(y.text, start)
	if len(bytes.TrimSpace(y.text[ls:start])) != 0 {
		return TextEdit{}, ErrShape // "- key:" starts an item: removing it is not a line edit
	}
	end := lineEnd(y.text, y.loc.NodeEnd(v))
	if end < len(y.text) {
		end = bytes.IndexByte(y.text[end:], '\n') + end + 1
	}
	if hasCommentLine(y.text[ls:end]) {
		return TextEdit{}, ErrShape // the comments would go with the lines
	}
	return TextEdit{Start: ls, End: end}, nil
}

// removeFlow deletes "key: value" from a flow mapping with the comma
// that separated it from its neighbour: the next field's, or for the last
// field the previous one's.
func (y *YAML) removeFlow(m, k, v *yaml.Node) (TextEdit, error) {
	if len(m.Content) == 2 {
		return TextEdit{Start: y.loc.NodeStart(m), End: y.loc.NodeEnd(m), NewText: "{}"}, nil
	}
	start, end := y.loc.NodeStart(k), y.loc.NodeEnd(v)
	for i := 0; i < len(m.Content); i += 2 {
		if m.Content[i] != k {
			continue
		}
		if i+2 < len(m.Content) {
			end = y.loc.NodeStart(m.Content[i+2])
		} else {
			start = y.loc.NodeEnd(m.Content[i-1])
		}
	}
	if bytes.IndexByte(y.text[start:end], '#') >= 0 {
		return TextEdit{}, ErrShape // a comment would go with it
	}
	return TextEdit{Start: start, End: end}, nil
}

// hasCommentLine tells whether text has a line that is only a comment.
func hasCommentLine(text []byte) bool {
	for _, l := range bytes.Split(text, []byte("\n")) {
		if t := bytes.TrimSpace(l); len(t) > 0 && t[0] == '#' {
			return true
		}
	}
	return false
}

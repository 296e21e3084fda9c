package analyzer

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Resolve follows an alias to the node it names.
func Resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 64; i++ {
		n = n.Alias
	}
	return n
}

// Field is a key and its value in a mapping; Value is alias-resolved.
type Field struct {
	Key, Value *yaml.Node
	// site is the value as written, an alias where one is used: spans
	// cover the text at the field, not the anchor it names.
	site *yaml.Node
}

// Lookup finds key in mapping m (alias-resolved), including keys merged in
// with "<<". Later keys win, as in the decoders Kubernetes uses.
func Lookup(m *yaml.Node, key string) (Field, bool) {
	m = Resolve(m)
	if m == nil || m.Kind != yaml.MappingNode {
		return Field{}, false
	}
	var found Field
	ok := false
	for i := 0; i+1 < len(m.Content); i += 2 {
		k := m.Content[i]
		if k.Value == key && k.Kind == yaml.ScalarNode {
			found, ok = Field{Key: k, Value: Resolve(m.Content[i+1]), site: m.Content[i+1]}, true
		}
	}
	if ok {
		return found, true
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value != "<<" || m.Content[i].Tag != "!!merge" {
			continue
		}
		v := Resolve(m.Content[i+1])
		if v.Kind == yaml.SequenceNode {
			for _, s := range v.Content {
				if f, ok := Lookup(s, key); ok {
					return f, true
				}
			}
		} else if f, ok := Lookup(v, key); ok {
			return f, true
		}
	}
	return Field{}, false
}

// Get is the value at a path of keys, or nil.
func Get(n *yaml.Node, path ...string) *yaml.Node {
	for _, k := range path {
		f, ok := Lookup(n, k)
		if !ok {
			return nil
		}
		n = f.Value
	}
	return Resolve(n)
}

// Fields lists a mapping's fields in order (merged keys excluded).
func Fields(m *yaml.Node) []Field {
	m = Resolve(m)
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	out := make([]Field, 0, len(m.Content)/2)
	for i := 0; i+1 < len(m.Content); i += 2 {
		out = append(out, Field{Key: m.Content[i], Value: Resolve(m.Content[i+1]), site: m.Content[i+1]})
	}
	return out
}

// Items lists a sequence's entries, alias-resolved; nil for anything else.
func Items(n *yaml.Node) []*yaml.Node {
	n = Resolve(n)
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	out := make([]*yaml.Node, len(n.Content))
	for i, c := range n.Content {
		out[i] = Resolve(c)
	}
	return out
}

// IsNull tells whether n is absent or an explicit null.
func IsNull(n *yaml.Node) bool {
	n = Resolve(n)
	return n == nil || n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

// Str is a scalar's string value ("" for anything else).
func Str(n *yaml.Node) string {
	n = Resolve(n)
	if n == nil || n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return ""
	}
	return n.Value
}

// Bool reads a boolean the way Kubernetes' YAML decoder does (YAML 1.1:
// yes/no and on/off count when unquoted). ok is false when n is absent or
// not a boolean.
func Bool(n *yaml.Node) (v, ok bool) {
	n = Resolve(n)
	if n == nil || n.Kind != yaml.ScalarNode {
		return false, false
	}
	if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
		return false, false
	}
	switch n.Value {
	case "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON", "y", "Y":
		return true, true
	case "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF", "n", "N":
		return false, true
	}
	return false, false
}

// Int reads an unquoted integer scalar (decimal, 0x hex, 0o/0 octal).
func Int(n *yaml.Node) (int64, bool) {
	n = Resolve(n)
	if n == nil || n.Kind != yaml.ScalarNode || n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
		return 0, false
	}
	s := strings.ReplaceAll(n.Value, "_", "")
	if strings.HasPrefix(s, "0o") {
		s = "0" + s[2:]
	}
	v, err := strconv.ParseInt(s, 0, 64)
	if err != nil {
		f, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil || f != float64(int64(f)) {
			return 0, false
		}
		return int64(f), true
	}
	return v, true
}

// NodeStart is the byte offset where n's text begins, past any anchor or
// tag that precedes it.
func (d *Document) NodeStart(n *yaml.Node) int {
	off := d.Lines.Offset(n.Line, n.Column)
	if n.Kind == yaml.AliasNode {
		return off
	}
	// Properties (&anchor, !tag) come first and the node's position is
	// theirs; the content starts after them.
	for off < len(d.Text) && (d.Text[off] == '&' || d.Text[off] == '!') {
		for off < len(d.Text) && !isSpace(d.Text[off]) && d.Text[off] != '\n' {
			off++
		}
		for off < len(d.Text) && isSpace(d.Text[off]) {
			off++
		}
	}
	return off
}

// NodeEnd is the byte offset just past n's text. The decoder records only
// where nodes start, so ends are found in the text: a collection ends
// with its last child (or closing bracket), a scalar where its style says.
func (d *Document) NodeEnd(n *yaml.Node) int {
	start := d.NodeStart(n)
	switch n.Kind {
	case yaml.AliasNode:
		return min(start+1+len(n.Value), len(d.Text))
	case yaml.MappingNode, yaml.SequenceNode:
		end := start
		if n.Style&yaml.FlowStyle != 0 {
			end = start + 1 // past the opening bracket
		}
		if len(n.Content) > 0 {
			end = d.NodeEnd(n.Content[len(n.Content)-1])
		}
		if n.Style&yaml.FlowStyle != 0 {
			close := byte('}')
			if n.Kind == yaml.SequenceNode {
				close = ']'
			}
			if i := indexOutsideComments(d.Text[end:], close); i >= 0 {
				end += i + 1
			}
		}
		return end
	case yaml.DocumentNode:
		if len(n.Content) > 0 {
			return d.NodeEnd(n.Content[0])
		}
		return start
	}
	return d.scalarEnd(n, start)
}

func (d *Document) scalarEnd(n *yaml.Node, start int) int {
	t := d.Text
	switch {
	case n.Style&yaml.DoubleQuotedStyle != 0:
		for i := start + 1; i < len(t); i++ {
			if t[i] == '\\' {
				i++
			} else if t[i] == '"' {
				return i + 1
			}
		}
		return len(t)
	case n.Style&yaml.SingleQuotedStyle != 0:
		for i := start + 1; i < len(t); i++ {
			if t[i] == '\'' {
				if i+1 < len(t) && t[i+1] == '\'' {
					i++
					continue
				}
				return i + 1
			}
		}
		return len(t)
	case n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0:
		return d.blockScalarEnd(start)
	}
	if n.Value == "" {
		return start
	}
	// Plain scalar: folding changes only white space, so the scalar ends
	// after as many non-space characters as its value has.
	want := 0
	for _, r := range n.Value {
		if !isSpaceRune(r) {
			want++
		}
	}
	i := start
	for want > 0 && i < len(t) {
		r, size := utf8.DecodeRune(t[i:])
		if r == '#' && i > 0 && isSpace(t[i-1]) {
			// A comment inside a multi-line plain scalar ends the scalar.
			break
		}
		if !isSpaceRune(r) {
			want--
		}
		i += size
	}
	return i
}

// blockScalarEnd finds the end of a literal or folded scalar whose header
// (| or >) is at off: its content is the following lines indented more
// than the first content line's indentation allows, blank lines included.
func (d *Document) blockScalarEnd(off int) int {
	line := d.Lines.Line(off)
	end := d.Lines.End(line)
	indent := -1
	for l := line + 1; l <= d.Lines.Count(); l++ {
		text := d.Lines.Text(l)
		ind := 0
		for ind < len(text) && text[ind] == ' ' {
			ind++
		}
		if ind == len(text) || (len(text) > ind && text[ind] == '\r') {
			continue // blank lines belong to the scalar only if content follows
		}
		if indent < 0 {
			indent = ind
			if indent == 0 {
				break
			}
		}
		if ind < indent {
			break
		}
		end = d.Lines.End(l)
	}
	return end
}

// FieldSpan is a field's span from its key to the end of its value.
func (d *Document) FieldSpan(f Field) (int, int) {
	start := d.NodeStart(f.Key)
	end := d.NodeEnd(f.Key)
	v := f.site
	if v == nil {
		v = f.Value
	}
	if v != nil {
		end = max(end, d.NodeEnd(v))
	}
	// An empty value ends with the key's colon.
	if v == nil || v.Kind == yaml.ScalarNode && v.Tag == "!!null" && v.Value == "" {
		if i := end; i < len(d.Text) && d.Text[i] == ':' {
			end = i + 1
		}
	}
	return start, end
}

// Span is a node's span.
func (d *Document) Span(n *yaml.Node) (int, int) { return d.NodeStart(n), d.NodeEnd(n) }

func indexOutsideComments(t []byte, c byte) int {
	for i := 0; i < len(t); i++ {
		switch t[i] {
		case c:
			return i
		case '#':
			if i == 0 || isSpace(t[i-1]) || t[i-1] == '\n' {
				for i < len(t) && t[i] != '\n' {
					i++
				}
			}
		case ' ', '\t', '\r', '\n', ',':
		default:
			return -1 // something else first: not our bracket
		}
	}
	return -1
}

func isSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\r' }

func isSpaceRune(r rune) bool { return r == ' ' || r == '\t' || r == '\r' || r == '\n' }

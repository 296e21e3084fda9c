// Package yamlpatch carries a change made to rendered YAML back to the
// file it came from: the change is read as operations on paths (a key
// set, replaced or removed), which are then written into the source with
// the same minimal, style-keeping edits as every other fix.
package yamlpatch

import (
	"errors"
	"strconv"

	"hardline.dev/hardline/fixes"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Step is one step of a path: a mapping key, or a list item (found by
// name in the source when it has one, else by index).
type Step struct {
	Key   string
	Item  bool
	Index int
	Name  string // "name=web" (or containerPort=, mountPath=) when the item has one
}

// ItemName is what strategic merge matches a list item by: its name, or
// a port's containerPort, or a mount's mountPath.
func ItemName(n *yaml.Node) string {
	if n == nil || n.Kind != yaml.MappingNode {
		return ""
	}
	for _, k := range []string{"name", "containerPort", "mountPath"} {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == k && n.Content[i+1].Kind == yaml.ScalarNode {
				return k + "=" + n.Content[i+1].Value
			}
		}
	}
	return ""
}

// Op sets the value at Path (Value), or removes it (Value nil).
type Op struct {
	Path  []Step
	Value *yaml.Node
}

// Diff returns the operations that turn before into after: keys added,
// removed or changed in mappings, descending into mappings present in
// both and into list items matched by name; a list that changed
// otherwise is replaced whole.
func Diff(before, after *yaml.Node) []Op {
	var out []Op
	diff(resolve(before), resolve(after), nil, &out)
	return out
}

func resolve(n *yaml.Node) *yaml.Node {
	for n != nil && (n.Kind == yaml.DocumentNode || n.Kind == yaml.AliasNode) {
		if n.Kind == yaml.AliasNode {
			n = n.Alias
		} else if len(n.Content) > 0 {
			n = n.Content[0]
		} else {
			return nil
		}
	}
	return n
}

func diff(b, a *yaml.Node, path []Step, out *[]Op) {
	switch {
	case a == nil && b == nil:
	case a == nil:
		*out = append(*out, Op{Path: clone(path)})
	case b == nil || b.Kind != a.Kind:
		*out = append(*out, Op{Path: clone(path), Value: a})
	case a.Kind == yaml.MappingNode:
		for i := 0; i+1 < len(a.Content); i += 2 {
			k := a.Content[i].Value
			diff(lookup(b, k), resolve(a.Content[i+1]), append(path, Step{Key: k}), out)
		}
		for i := 0; i+1 < len(b.Content); i += 2 {
			if lookup(a, b.Content[i].Value) == nil {
				*out = append(*out, Op{Path: append(clone(path), Step{Key: b.Content[i].Value})})
			}
		}
	case a.Kind == yaml.SequenceNode:
		if equal(a, b) {
			return
		}
		// Items matched by name, the rest unchanged in place: descend;
		// anything else replaces the list.
		if len(a.Content) == len(b.Content) {
			same := true
			for i := range a.Content {
				if ItemName(a.Content[i]) != ItemName(b.Content[i]) {
					same = false
				}
			}
			if same {
				for i := range a.Content {
					diff(resolve(b.Content[i]), resolve(a.Content[i]), append(path, Step{Item: true, Index: i, Name: ItemName(a.Content[i])}), out)
				}
				return
			}
		}
		*out = append(*out, Op{Path: clone(path), Value: a})
	default:
		if a.Value != b.Value || a.Tag != b.Tag {
			*out = append(*out, Op{Path: clone(path), Value: a})
		}
	}
}

func clone(p []Step) []Step { return append([]Step(nil), p...) }

func lookup(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return resolve(m.Content[i+1])
		}
	}
	return nil
}

func equal(a, b *yaml.Node) bool {
	a, b = resolve(a), resolve(b)
	if a == nil || b == nil {
		return a == b
	}
	if a.Kind != b.Kind || a.Value != b.Value || len(a.Content) != len(b.Content) {
		return false
	}
	for i := range a.Content {
		if !equal(a.Content[i], b.Content[i]) {
			return false
		}
	}
	return true
}

// Value converts a node to what fixes writes: plain scalars that YAML
// reads as something other than a string (true, 1000) stay literal.
func Value(n *yaml.Node) fixes.Value {
	n = resolve(n)
	switch {
	case n == nil:
		return fixes.Lit("null")
	case n.Kind == yaml.MappingNode:
		var m fixes.Map
		for i := 0; i+1 < len(n.Content); i += 2 {
			m = append(m, fixes.KV{Key: n.Content[i].Value, Value: Value(n.Content[i+1])})
		}
		return m
	case n.Kind == yaml.SequenceNode:
		s := fixes.Seq{}
		for _, it := range n.Content {
			s = append(s, Value(it))
		}
		return s
	case n.Tag != "!!str" && n.Style == 0:
		return fixes.Lit(n.Value)
	}
	return fixes.Str(n.Value)
}

// Find locates, in a fresh parse of a source's text, the mapping the
// operations' paths start from.
type Find func(text []byte) (loc fixes.Locator, root, base *yaml.Node, err error)

// ErrPath refuses an operation whose path the source does not have the
// shape for (a list item it lacks, a scalar where a mapping should be).
var ErrPath = errors.New("the source does not have the shape this change needs")

// Apply writes the operations into text, one by one (each on a fresh
// parse), and returns the new text.
func Apply(text []byte, find Find, ops []Op) ([]byte, error) {
	for _, op := range ops {
		loc, root, base, err := find(text)
		if err != nil {
			return nil, err
		}
		edit, err := apply(fixes.NewYAML(text, loc, root), base, op)
		if err != nil {
			return nil, err
		}
		if text, err = fixes.Apply(text, []fixes.TextEdit{edit}); err != nil {
			return nil, err
		}
	}
	return text, nil
}

func apply(y *fixes.YAML, base *yaml.Node, op Op) (fixes.TextEdit, error) {
	if len(op.Path) == 0 {
		return fixes.TextEdit{}, ErrPath
	}
	// Walk the source as far as the path's list items go; the keys
	// after the last item are left to Set, which creates what is missing.
	cur := resolve(base)
	last := 0
	for i, s := range op.Path {
		if s.Item {
			last = i + 1
		}
	}
	for _, s := range op.Path[:last] {
		cur = resolve(cur)
		switch {
		case cur == nil:
			return fixes.TextEdit{}, ErrPath
		case s.Item:
			cur = Item(cur, s)
		default:
			cur = lookup(cur, s.Key)
		}
	}
	cur = resolve(cur)
	keys := make([]string, 0, len(op.Path)-last)
	for _, s := range op.Path[last:] {
		keys = append(keys, s.Key)
	}
	if cur == nil || cur.Kind != yaml.MappingNode || len(keys) == 0 {
		return fixes.TextEdit{}, ErrPath
	}
	if op.Value == nil {
		return y.Remove(cur, keys)
	}
	v := Value(op.Value)
	parent := cur
	for _, k := range keys[:len(keys)-1] {
		if next := lookup(parent, k); next != nil && next.Kind == yaml.MappingNode {
			parent = next
			continue
		}
		return y.Set(cur, keys, v) // creates the rest
	}
	k := keys[len(keys)-1]
	switch old := lookup(parent, k); {
	case old == nil, old.Kind == yaml.ScalarNode && isScalar(v):
		return y.Set(parent, []string{k}, v)
	default:
		return y.ReplaceField(parent, k, k, v)
	}
}

func isScalar(v fixes.Value) bool {
	switch v.(type) {
	case fixes.Str, fixes.Lit:
		return true
	}
	return false
}

// Item is the item of seq that s names: by name when s has one, else by
// index; nil when seq has none.
func Item(seq *yaml.Node, s Step) *yaml.Node {
	if seq == nil || seq.Kind != yaml.SequenceNode {
		return nil
	}
	if s.Name != "" {
		for _, it := range seq.Content {
			if ItemName(resolve(it)) == s.Name {
				return it
			}
		}
		return nil
	}
	if s.Index >= 0 && s.Index < len(seq.Content) {
		return seq.Content[s.Index]
	}
	return nil
}

// PathAtLine returns the path of the deepest key or list item of root
// that starts on line (1-based), items named as strategic merge names
// them.
func PathAtLine(root *yaml.Node, line int) []Step {
	var best []Step
	var walk func(n *yaml.Node, p []Step)
	walk = func(n *yaml.Node, p []Step) {
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				q := append(clone(p), Step{Key: k.Value})
				if k.Line == line && len(q) > len(best) {
					best = q
				}
				if k.Line <= line { // what starts below cannot hold line
					walk(v, q)
				}
			}
		case yaml.SequenceNode:
			for i, it := range n.Content {
				q := append(clone(p), Step{Item: true, Index: i, Name: ItemName(it)})
				if it.Line == line && len(q) > len(best) {
					best = q
				}
				if it.Line <= line {
					walk(it, q)
				}
			}
		}
	}
	walk(root, nil)
	return best
}

// String renders a path for messages: spec.containers[name=web].image.
func String(p []Step) string {
	out := ""
	for _, s := range p {
		switch {
		case s.Item && s.Name != "":
			out += "[" + s.Name + "]"
		case s.Item:
			out += "[" + strconv.Itoa(s.Index) + "]"
		case out == "":
			out = s.Key
		default:
			out += "." + s.Key
		}
	}
	return out
}

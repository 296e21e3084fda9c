package kustomize

import (
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/render/internal/yamlpatch"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// patch is one patch of a kustomization, parsed with positions: a
// strategic merge patch (objects) or a JSON 6902 patch (operations), in
// its own file or inline in the kustomization.
type patch struct {
	doc *analyzer.Document // the patch's text
	// inline: the patch is a block scalar of kustomization file kust,
	// whose content starts at line line with indentation indent.
	inline       bool
	kust         *analyzer.Document
	line, indent int

	objects []patchObject
	ops     []op
	target  *target
}

type patchObject struct {
	kind, name string
	node       *yaml.Node
}

type op struct {
	path  []yamlpatch.Step
	value *yaml.Node
	at    *yaml.Node // the op's path field, for ops without a value
}

type target struct {
	Kind string `json:"kind"`
	Name string `json:"name"`
}

func (t *target) matches(res resource) bool {
	if t.Kind != "" && t.Kind != res.kind {
		return false
	}
	if t.Name == "" || strings.Contains(res.name, t.Name) {
		return true
	}
	// Targets' names are regular expressions in kustomize.
	re, err := regexp.Compile("^(?:" + t.Name + ")$")
	return err == nil && re.MatchString(res.name)
}

// readPatches reads the patches that the kustomization file at abs lists,
// the last first (a later patch wins).
func (bm *buildMap) readPatches(abs string) []*patch {
	kust := bm.doc(abs)
	if kust == nil {
		return nil
	}
	_, root := analyzer.ParseData(kust.Path, kust.Text, nil)
	if root == nil || root.Kind != yaml.MappingNode {
		return nil
	}
	dir := filepath.Dir(abs)
	var out []*patch
	add := func(p *patch) {
		if p != nil {
			out = append(out, p)
		}
	}
	for _, it := range analyzer.Items(analyzer.Get(root, "patchesStrategicMerge")) {
		add(bm.patchOf(kust, dir, it, it, nil))
	}
	for _, field := range []string{"patches", "patchesJson6902", "patchesJSON6902"} {
		for _, it := range analyzer.Items(analyzer.Get(root, field)) {
			var t *target
			if tn := analyzer.Get(it, "target"); tn != nil {
				t = &target{Kind: analyzer.Str(analyzer.Get(tn, "kind")), Name: analyzer.Str(analyzer.Get(tn, "name"))}
			}
			if p := analyzer.Get(it, "path"); p != nil {
				add(bm.patchOf(kust, dir, p, nil, t))
			} else if inl := analyzer.Get(it, "patch"); inl != nil {
				add(bm.patchOf(kust, dir, nil, inl, t))
			}
		}
	}
	slices.Reverse(out)
	return out
}

// patchOf reads one patch: from the file ref names, or inline (a
// strategic merge entry that is YAML itself, or a patch: field).
func (bm *buildMap) patchOf(kust *analyzer.Document, dir string, ref, inline *yaml.Node, t *target) *patch {
	p := &patch{target: t}
	switch {
	case ref != nil && !strings.Contains(ref.Value, "\n") && !strings.Contains(ref.Value, ": "):
		d := bm.doc(filepath.Join(dir, ref.Value))
		if d == nil {
			return nil
		}
		p.doc = d
	case inline != nil || ref != nil:
		n := inline
		if n == nil {
			n = ref
		}
		p.inline, p.kust = true, kust
		start := kust.NodeStart(n)
		p.line = kust.Lines.Line(start)
		if n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
			p.line++ // the content starts below the | or >
			text := kust.Lines.Text(p.line)
			p.indent = len(text) - len(strings.TrimLeft(string(text), " "))
		} else {
			p.indent = kust.Lines.Position(start).Column - 1
		}
		p.doc = analyzer.Parse(kust.Path, []byte(n.Value), analyzer.ParseOptions{Language: analyzer.Kubernetes})
	default:
		return nil
	}
	_, root := analyzer.ParseData(p.doc.Path, p.doc.Text, nil)
	if root != nil && root.Kind == yaml.SequenceNode {
		for _, it := range root.Content {
			path := analyzer.Get(it, "path")
			if path == nil {
				continue
			}
			p.ops = append(p.ops, op{path: jsonPointer(analyzer.Str(path)), value: analyzer.Get(it, "value"), at: path})
		}
		slices.Reverse(p.ops)
		return p
	}
	for _, o := range p.doc.Objects {
		p.objects = append(p.objects, patchObject{kind: o.Kind, name: o.Name, node: o.Node})
	}
	if len(p.objects) == 0 && root != nil && root.Kind == yaml.MappingNode {
		// A patch with a target need not name its object.
		p.objects = append(p.objects, patchObject{node: root})
	}
	return p
}

// locate finds path in the patch when the patch applies to res and sets
// the field; selects says path is the name by which a patch selects a
// list item that the resource has (a container's name), which does not
// count as setting it.
func (p *patch) locate(res resource, path []yamlpatch.Step, selects bool) (analyzer.Location, bool) {
	if selects || p.target != nil && !p.target.matches(res) {
		return analyzer.Location{}, false
	}
	for _, o := range p.objects {
		if p.target == nil && (o.kind != "" && o.kind != res.kind || o.name != "" && !strings.Contains(res.name, o.name)) {
			continue
		}
		key, node, depth := followDepth(o.node, path)
		if depth == len(path) && len(path) > 0 {
			return p.location(key, node), true
		}
	}
	for _, o := range p.ops {
		if !prefix(o.path, path) {
			continue
		}
		if o.value == nil {
			return p.location(o.at, nil), true
		}
		rest := path[len(o.path):]
		key, node, _ := followDepth(o.value, rest)
		if len(rest) > 0 && key == nil && node == o.value {
			return p.location(o.at, nil), true // the value has none of it
		}
		return p.location(key, node), true
	}
	return analyzer.Location{}, false
}

// prefix tells whether the operation's path leads to path or above it
// (an index "-", appended, matches any item).
func prefix(op, path []yamlpatch.Step) bool {
	if len(op) > len(path) {
		return false
	}
	for i, s := range op {
		t := path[i]
		if s.Item != t.Item || !s.Item && s.Key != t.Key || s.Item && s.Index >= 0 && s.Index != t.Index {
			return false
		}
	}
	return true
}

// followDepth is follow that also says how many steps it took.
func followDepth(n *yaml.Node, path []yamlpatch.Step) (key, node *yaml.Node, depth int) {
	node = n
	for i := range path {
		k, next := follow(node, path[i:i+1])
		if next == node {
			return key, node, i
		}
		key, node = k, next
	}
	return key, node, len(path)
}

// location is a found node's line in the patch's file, or in the
// kustomization for an inline patch.
func (p *patch) location(key, node *yaml.Node) analyzer.Location {
	n := key
	if n == nil {
		n = node
	}
	if n == nil {
		return analyzer.Location{Path: p.doc.Path}
	}
	if !p.inline {
		return nodeLocation(p.doc, key, node, 0)
	}
	lines := p.kust.Lines
	line := min(p.line+n.Line-1, lines.Count())
	start := min(lines.Start(line)+p.indent+n.Column-1, lines.End(line))
	return analyzer.Location{Path: p.kust.Path, Start: start, End: lines.End(line)}
}

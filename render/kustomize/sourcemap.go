package kustomize

import (
	"bytes"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/render/internal/yamlpatch"

	"sigs.k8s.io/kustomize/api/resmap"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// resource is one object of the build's output.
type resource struct {
	start, end int // its span in the output
	kind, name string
	origin     string // the file it came from ("" for generated ones)
	generated  string // the kustomization that generated it
}

// buildMap is the source map of a build: for each output object, its
// resource file, and the patches that may have set its fields.
type buildMap struct {
	out       []byte
	resources []resource
	patches   []*patch // highest precedence first
	files     map[string]*analyzer.Document
	dir, root string
	fs        *overlay
}

// newBuildMap records where each resource came from, takes kustomize's
// tracking annotations out of the output (which is then exactly what
// `kustomize build` prints), and reads the patches of every
// kustomization the build read.
func newBuildMap(m resmap.ResMap, dir string, fs *overlay) ([]byte, *buildMap, error) {
	bm := &buildMap{dir: dir, root: fs.root, fs: fs, files: map[string]*analyzer.Document{}}
	for _, r := range m.Resources() {
		res := resource{kind: r.GetKind(), name: r.GetName()}
		if o, err := r.GetOrigin(); err == nil && o != nil {
			if o.Path != "" {
				res.origin = filepath.Join(fs.root, o.Path)
			} else if o.ConfiguredIn != "" {
				res.generated = filepath.Join(fs.root, o.ConfiguredIn)
			}
		}
		bm.resources = append(bm.resources, res)
	}
	if err := m.RemoveOriginAnnotations(); err != nil {
		return nil, nil, err
	}
	if err := m.RemoveTransformerAnnotations(); err != nil {
		return nil, nil, err
	}
	out, err := m.AsYaml()
	if err != nil {
		return nil, nil, err
	}
	bm.out = out
	// AsYaml writes the resources in order, separated by "---" lines.
	off := 0
	for i, part := range bytes.Split(out, []byte("\n---\n")) {
		if i >= len(bm.resources) {
			break
		}
		bm.resources[i].start, bm.resources[i].end = off, off+len(part)
		off += len(part) + len("\n---\n")
	}
	fs.mu.Lock()
	order := slices.Clone(fs.order)
	fs.mu.Unlock()
	for _, k := range order {
		bm.patches = append(bm.patches, bm.readPatches(k)...)
	}
	return out, bm, nil
}

// Locate implements analyzer.SourceMap: the patch that set the field
// the span is on, else the field in the resource's own file, else the
// nearest field above it there.
func (bm *buildMap) Locate(start, end int, message string) (analyzer.Location, bool) {
	i := sort.Search(len(bm.resources), func(i int) bool { return bm.resources[i].end >= start })
	if i >= len(bm.resources) {
		return analyzer.Location{}, false
	}
	res := bm.resources[i]
	text := bm.out[res.start:res.end]
	var node yaml.Node
	if yaml.Unmarshal(text, &node) != nil || len(node.Content) != 1 {
		return analyzer.Location{}, false
	}
	line := bytes.Count(bm.out[res.start:start], []byte("\n")) + 1
	path := yamlpatch.PathAtLine(node.Content[0], line)
	// A list item's name in a patch only selects the item, unless the
	// resource has no such item and the patch adds it.
	selects := false
	if n := len(path); n >= 2 && path[n-1].Key == "name" && path[n-2].Item && res.origin != "" {
		if d := bm.doc(res.origin); d != nil {
			if obj := matchObject(d.Objects, res.kind, res.name); obj != nil {
				_, _, depth := followDepth(obj.Node, path[:n-1])
				selects = depth == n-1
			}
		}
	}
	for _, p := range bm.patches {
		if loc, ok := p.locate(res, path, selects); ok {
			return loc, true
		}
	}
	if res.origin != "" {
		if loc, ok := bm.inFile(res, path); ok {
			return loc, true
		}
	}
	if res.generated != "" {
		if d := bm.doc(res.generated); d != nil {
			return keyLine(d, "configMapGenerator", "secretGenerator"), true
		}
	}
	return analyzer.Location{}, false
}

// inFile locates path in the resource's own file: the object of its kind
// whose name the output name contains (prefixes and suffixes are added),
// the deepest step of path that the file has.
func (bm *buildMap) inFile(res resource, path []yamlpatch.Step) (analyzer.Location, bool) {
	d := bm.doc(res.origin)
	if d == nil {
		return analyzer.Location{}, false
	}
	obj := matchObject(d.Objects, res.kind, res.name)
	if obj == nil {
		return analyzer.Location{}, false
	}
	key, n := follow(obj.Node, path)
	return nodeLocation(d, key, n, obj.Start), true
}

// doc parses a file the build read (once).
func (bm *buildMap) doc(abs string) *analyzer.Document {
	if d, ok := bm.files[abs]; ok {
		return d
	}
	bm.fs.mu.Lock()
	text, ok := bm.fs.texts[abs]
	bm.fs.mu.Unlock()
	var d *analyzer.Document
	if ok {
		d = analyzer.Parse(spell(bm.dir, bm.root, abs), text, analyzer.ParseOptions{Language: analyzer.Kubernetes})
	}
	bm.files[abs] = d
	return d
}

// matchObject picks the object of kind whose name the output name
// contains (the only one of its kind when none does).
func matchObject(objs []*analyzer.Object, kind, name string) *analyzer.Object {
	var ofKind []*analyzer.Object
	for _, o := range objs {
		if o.Kind == kind {
			ofKind = append(ofKind, o)
		}
	}
	var best *analyzer.Object
	for _, o := range ofKind {
		if o.Name != "" && strings.Contains(name, o.Name) && (best == nil || len(o.Name) > len(best.Name)) {
			best = o
		}
	}
	if best == nil && len(ofKind) == 1 {
		best = ofKind[0]
	}
	return best
}

// follow walks path in n as far as n has it, matching list items by name
// when they have one, and returns the last key and node reached (key nil
// at a list item or the root).
func follow(n *yaml.Node, path []yamlpatch.Step) (key, node *yaml.Node) {
	node = n
	for _, s := range path {
		cur := analyzer.Resolve(node)
		if cur == nil {
			return key, node
		}
		switch {
		case !s.Item && cur.Kind == yaml.MappingNode:
			f, ok := analyzer.Lookup(cur, s.Key)
			if !ok {
				return key, node
			}
			key, node = f.Key, f.Value
		case s.Item && cur.Kind == yaml.SequenceNode:
			next := yamlpatch.Item(cur, s)
			if next == nil {
				return key, node
			}
			key, node = nil, next
		default:
			return key, node
		}
	}
	return key, node
}

// nodeLocation is the first line of a key (or item) in a document.
func nodeLocation(d *analyzer.Document, key, node *yaml.Node, fallback int) analyzer.Location {
	start := fallback
	switch {
	case key != nil:
		start = d.NodeStart(key)
	case node != nil:
		start = d.NodeStart(node)
	}
	return analyzer.Location{Path: d.Path, Start: start, End: d.Lines.End(d.Lines.Line(start))}
}

// keyLine is the line of the first top-level key of keys in a document.
func keyLine(d *analyzer.Document, keys ...string) analyzer.Location {
	lines := d.Lines
	for l := 1; l <= lines.Count(); l++ {
		for _, k := range keys {
			if bytes.HasPrefix(lines.Text(l), []byte(k+":")) {
				return analyzer.Location{Path: d.Path, Start: lines.Start(l), End: lines.End(l)}
			}
		}
	}
	return analyzer.Location{Path: d.Path, End: lines.End(1)}
}

// pointerEscapes are JSON pointer's (~1 is /, ~0 is ~).
var pointerEscapes = strings.NewReplacer("~1", "/", "~0", "~")

// jsonPointer turns a JSON patch path into steps.
func jsonPointer(p string) []yamlpatch.Step {
	var out []yamlpatch.Step
	for _, part := range strings.Split(strings.TrimPrefix(p, "/"), "/") {
		part = pointerEscapes.Replace(part)
		if i, err := strconv.Atoi(part); err == nil {
			out = append(out, yamlpatch.Step{Item: true, Index: i})
			continue
		}
		if part == "-" {
			out = append(out, yamlpatch.Step{Item: true, Index: -1})
			continue
		}
		out = append(out, yamlpatch.Step{Key: part})
	}
	return out
}

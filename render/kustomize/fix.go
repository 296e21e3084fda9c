package kustomize

import (
	"bytes"
	"strings"

	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/fixes"
	"hardline.dev/hardline/render/internal/yamlpatch"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Retarget implements analyzer.SourceFixer: a fix of one built object is
// read as the change it makes to the object, and made in the patch file
// that writes the changed field's parent (a strategic merge patch), else
// in the resource file. A change under what a JSON 6902 patch or an
// inline patch writes is left to be made by hand.
func (bm *buildMap) Retarget(edits []fixes.TextEdit) (string, []fixes.TextEdit, bool) {
	if len(edits) == 0 {
		return "", nil, false
	}
	var res resource
	found := false
	for _, r := range bm.resources {
		if edits[0].Start >= r.start && edits[0].Start <= r.end {
			res, found = r, true
			break
		}
	}
	if !found || res.origin == "" {
		return "", nil, false
	}
	var rel []fixes.TextEdit
	for _, e := range edits {
		if e.Start < res.start || e.End > res.end {
			return "", nil, false
		}
		rel = append(rel, fixes.TextEdit{Start: e.Start - res.start, End: e.End - res.start, NewText: e.NewText})
	}
	before := bm.out[res.start:res.end]
	after, err := fixes.Apply(before, rel)
	if err != nil {
		return "", nil, false
	}
	var b, a yaml.Node
	if yaml.Unmarshal(before, &b) != nil || yaml.Unmarshal(after, &a) != nil {
		return "", nil, false
	}
	ops := yamlpatch.Diff(&b, &a)
	if len(ops) == 0 {
		return "", nil, false
	}
	target := ""
	var find yamlpatch.Find
	for _, op := range ops {
		t, f, ok := bm.targetOf(res, op.Path)
		if !ok || target != "" && t != target {
			return "", nil, false
		}
		target, find = t, f
	}
	d := bm.doc(target)
	if d == nil {
		return "", nil, false
	}
	fixed, err := yamlpatch.Apply(d.Text, find, ops)
	if err != nil || bytes.Equal(fixed, d.Text) {
		return "", nil, false
	}
	return d.Path, []fixes.TextEdit{fixes.Minimal(d.Text, fixed)}, true
}

// targetOf picks the file a change at path goes to: the last patch file
// that writes path's parent, else the resource's own file.
func (bm *buildMap) targetOf(res resource, path []yamlpatch.Step) (string, yamlpatch.Find, bool) {
	parent := path[:max(len(path)-1, 0)]
	for _, p := range bm.patches {
		if p.target != nil && !p.target.matches(res) {
			continue
		}
		for _, o := range p.ops {
			if prefix(o.path, path) {
				return "", nil, false // a JSON 6902 patch writes it
			}
		}
		for _, o := range p.objects {
			if p.target == nil && (o.kind != "" && o.kind != res.kind || o.name != "" && !strings.Contains(res.name, o.name)) {
				continue
			}
			if _, _, depth := followDepth(o.node, parent); depth < len(parent) || len(parent) == 0 {
				continue
			}
			if p.inline {
				return "", nil, false
			}
			abs := bm.absOf(p.doc.Path)
			return abs, bm.finder(abs, o.kind, o.name), true
		}
	}
	return res.origin, bm.finder(res.origin, res.kind, res.name), true
}

// absOf is the absolute path of a file the build read, as bm.doc keys it.
func (bm *buildMap) absOf(spelled string) string {
	for abs, d := range bm.files {
		if d != nil && d.Path == spelled {
			return abs
		}
	}
	return spelled
}

// finder finds, in a fresh parse of a file, the object of kind whose name
// the output name contains.
func (bm *buildMap) finder(abs, kind, name string) yamlpatch.Find {
	return func(text []byte) (fixes.Locator, *yaml.Node, *yaml.Node, error) {
		d := analyzer.Parse(abs, text, analyzer.ParseOptions{Language: analyzer.Kubernetes})
		var obj *analyzer.Object
		if kind != "" {
			obj = matchObject(d.Objects, kind, name)
		}
		if obj == nil {
			_, root := analyzer.ParseData(abs, text, nil)
			if root == nil {
				return nil, nil, nil, yamlpatch.ErrPath
			}
			return d, root, root, nil
		}
		return d, obj.Node, obj.Node, nil
	}
}

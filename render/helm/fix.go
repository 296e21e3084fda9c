package helm

import (
	"bytes"
	"regexp"
	"sort"
	"strings"

	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/fixes"
	"hardline.dev/hardline/render/internal/yamlpatch"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Retarget implements analyzer.SourceFixer: edits of text a template
// writes itself go to the template (re-indented when the template's
// text is indented differently, as in a define written with nindent);
// edits of what an action wrote from values go to the values file, as
// the same change of the values (a key added to securityContext: {}).
func (m *templateMap) Retarget(edits []fixes.TextEdit) (string, []fixes.TextEdit, bool) {
	if m.marked == nil || len(edits) == 0 {
		return "", nil, false
	}
	// Values first: an insertion just after what an action wrote, at its
	// indentation, adds to that value, not to the template text after it.
	if path, out, ok := m.retargetValues(edits); ok {
		return path, out, true
	}
	if path, out, ok := m.retargetConditional(edits); ok {
		return path, out, true
	}
	return m.retargetLiteral(edits)
}

// insertedKey reads the key an inserted block starts with
// ("\n    securityContext:\n      …") and its indentation.
func insertedKey(text string) (key string, indent int, ok bool) {
	if !strings.HasPrefix(text, "\n") {
		return "", 0, false
	}
	first, _, _ := strings.Cut(text[1:], "\n")
	key, _, ok = strings.Cut(strings.TrimSpace(first), ":")
	if !ok || key == "" || strings.ContainsAny(key, " {}[]\"'") {
		return "", 0, false
	}
	return key, len(first) - len(strings.TrimLeft(first, " ")), true
}

// withValues matches a `{{- with .Values.a.b }}` (or `if`) action line.
var withValues = regexp.MustCompile(`^\{\{-?\s*(?:with|if)\s+\$?\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)\s*-?\}\}$`)

// conditional finds, for text inserted at marked offset o of the output,
// a key the template writes under `{{- with .Values.x }}` (or `if`) in
// the same block (switched off because x is empty): x is where that
// key's value goes.
func (m *templateMap) conditional(o int, text string) (file int, values []string, ok bool) {
	key, indent, ok := insertedKey(text)
	if !ok {
		return 0, nil, false
	}
	f, off, ok := m.sourceOffset(o)
	if !ok {
		return 0, nil, false
	}
	src := m.r.sources[f].text
	indent -= indentAt(m.marked.text, o) - indentAt(src, off)
	lines := strings.Split(src, "\n")
	at := strings.Count(src[:off], "\n")
	hit := -1
	for _, dir := range []int{1, -1} {
		for i := at + max(dir, 0); i >= 0 && i < len(lines) && hit < 0; i += dir {
			t := strings.TrimSpace(lines[i])
			if t == "" || strings.HasPrefix(t, "{{") || strings.HasPrefix(t, "#") {
				continue
			}
			ind := len(lines[i]) - len(strings.TrimLeft(lines[i], " "))
			if ind < indent {
				break
			}
			if ind == indent && strings.HasPrefix(t, key+":") {
				hit = i
			}
		}
	}
	if hit < 1 {
		return 0, nil, false
	}
	mm := withValues.FindStringSubmatch(strings.TrimSpace(lines[hit-1]))
	if mm == nil {
		return 0, nil, false
	}
	return f, splitPath(mm[1]), true
}

// retargetConditional carries an inserted block to the values that the
// template's `{{- with .Values.x }}key:` writes it from.
func (m *templateMap) retargetConditional(edits []fixes.TextEdit) (string, []fixes.TextEdit, bool) {
	if len(edits) != 1 || edits[0].Start != edits[0].End {
		return "", nil, false
	}
	e := edits[0]
	o, ok := m.toMarked(m.unsplit(e.Start))
	if !ok {
		return "", nil, false
	}
	f, path, ok := m.conditional(o, e.NewText)
	if !ok {
		return "", nil, false
	}
	key, _, _ := insertedKey(e.NewText)
	var n yaml.Node
	if yaml.Unmarshal([]byte(dedent(e.NewText)), &n) != nil || len(n.Content) != 1 {
		return "", nil, false
	}
	value := analyzer.Get(n.Content[0], key)
	if value == nil {
		return "", nil, false
	}
	folder := m.chart
	if c := m.r.sources[f].chart; c != "" {
		folder = c
	}
	vf, prefix := m.r.values.fileFor(folder, path)
	if vf == nil {
		return "", nil, false
	}
	steps := make([]yamlpatch.Step, len(prefix))
	for i, k := range prefix {
		steps[i] = yamlpatch.Step{Key: k}
	}
	find := func(text []byte) (fixes.Locator, *yaml.Node, *yaml.Node, error) {
		d, root := analyzer.ParseData(vf.path, text, nil)
		if root == nil {
			return nil, nil, nil, yamlpatch.ErrPath
		}
		return d, root, root, nil
	}
	fixed, err := yamlpatch.Apply(vf.doc.Text, find, []yamlpatch.Op{{Path: steps, Value: value}})
	if err != nil || bytes.Equal(fixed, vf.doc.Text) {
		return "", nil, false
	}
	return vf.path, []fixes.TextEdit{fixes.Minimal(vf.doc.Text, fixed)}, true
}

// LocateInsertion places a finding whose fix inserts text at offset at:
// at the values the template writes that key from when the key is
// switched off (`{{- with .Values.x }}securityContext:` with x empty).
func (m *templateMap) LocateInsertion(at int, text string) (analyzer.Location, bool) {
	if m.marked == nil {
		return analyzer.Location{}, false
	}
	o, ok := m.toMarked(m.unsplit(at))
	if !ok {
		return analyzer.Location{}, false
	}
	f, path, ok := m.conditional(o, text)
	if !ok {
		return analyzer.Location{}, false
	}
	folder := m.chart
	if c := m.r.sources[f].chart; c != "" {
		folder = c
	}
	return m.r.values.locate(folder, path)
}

// dedent removes the first line's indentation from every line.
func dedent(text string) string {
	text = strings.TrimPrefix(text, "\n")
	n := len(text) - len(strings.TrimLeft(text, " "))
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		if len(l)-len(strings.TrimLeft(l, " ")) >= n {
			lines[i] = l[n:]
		}
	}
	return strings.Join(lines, "\n")
}

// sourceOffset is the template position of marked offset o when the text
// there is a template's own: in a run of template text, or in the blank
// space just before one (a line break and indentation the template has
// too).
func (m *templateMap) sourceOffset(o int) (file, off int, ok bool) {
	mk := m.marked
	if f, off, ok := mk.literal(o); ok {
		return f, off, true
	}
	for _, r := range mk.runs[sort.Search(len(mk.runs), func(i int) bool { return mk.runs[i].out >= o }):] {
		if r.file < 0 {
			continue
		}
		// Only line breaks and indentation between: the same line breaks
		// before the run in the template (its indentation may differ, in
		// a define written with nindent).
		gap := mk.text[o:r.out]
		if strings.TrimLeft(gap, " \t\r\n") != "" {
			return 0, 0, false
		}
		src := m.r.sources[r.file].text
		need := strings.Count(gap, "\n")
		j := r.off
		for j > 0 && (src[j-1] == ' ' || src[j-1] == '\t') {
			j--
		}
		for need > 0 && j > 0 && src[j-1] == '\n' {
			need--
			j--
			for need > 0 && j > 0 && (src[j-1] == ' ' || src[j-1] == '\t' || src[j-1] == '\r') {
				j--
			}
		}
		if need > 0 || strings.Count(gap, "\n") == 0 && j != r.off {
			return 0, 0, false
		}
		return r.file, j, true
	}
	return 0, 0, false
}

// markedSpan is an edit's span of the linted text in the marked render.
func (m *templateMap) markedSpan(e fixes.TextEdit) (start, end int, ok bool) {
	start, ok1 := m.toMarked(m.unsplit(e.Start))
	end, ok2 := m.toMarked(m.unsplit(e.End))
	return start, end, ok1 && ok2 && end >= start
}

func (m *templateMap) retargetLiteral(edits []fixes.TextEdit) (string, []fixes.TextEdit, bool) {
	file := -1
	var out []fixes.TextEdit
	for _, e := range edits {
		os, oe, ok := m.markedSpan(e)
		if !ok {
			return "", nil, false
		}
		f, off, ok := m.sourceOffset(os)
		if !ok || file >= 0 && f != file || m.r.sources[f].path == "" {
			return "", nil, false
		}
		file = f
		src := m.r.sources[f].text
		offEnd := off + (oe - os)
		// What the edit replaces must be in the template as rendered.
		if offEnd > len(src) || src[off:offEnd] != m.marked.text[os:oe] {
			return "", nil, false
		}
		// The template's text may be indented differently from the
		// output (a define written with nindent): new lines follow the
		// template's indentation.
		shift := indentAt(m.marked.text, os) - indentAt(src, off)
		text, ok := reindent(e.NewText, shift)
		if !ok || writtenElsewhere(src, off, text) {
			return "", nil, false
		}
		out = append(out, fixes.TextEdit{Start: off, End: offEnd, NewText: text})
	}
	return m.r.sources[file].path, out, true
}

// writtenElsewhere tells whether the key that an inserted text adds
// ("\n    securityContext: …") is also written, at the same indentation,
// elsewhere in the same block of the template: under a condition
// ({{- with .Values.x }}securityContext: …) that other values switch on,
// the fix would make the key appear twice.
func writtenElsewhere(src string, off int, text string) bool {
	if !strings.HasPrefix(text, "\n") {
		return false
	}
	first, _, _ := strings.Cut(text[1:], "\n")
	key, _, ok := strings.Cut(strings.TrimSpace(first), ":")
	if !ok || key == "" {
		return false
	}
	indent := len(first) - len(strings.TrimLeft(first, " "))
	lines := strings.Split(src, "\n")
	at := strings.Count(src[:off], "\n")
	same := func(l string) (stop, found bool) {
		t := strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(t, "{{") || strings.HasPrefix(t, "#") {
			return false, false
		}
		ind := len(l) - len(strings.TrimLeft(l, " "))
		if ind < indent {
			return true, false
		}
		return false, ind == indent && (strings.HasPrefix(t, key+":") || strings.HasPrefix(t, "- "+key+":"))
	}
	for i := at + 1; i < len(lines); i++ {
		stop, found := same(lines[i])
		if found {
			return true
		}
		if stop {
			break
		}
	}
	for i := at; i >= 0; i-- {
		stop, found := same(lines[i])
		if found {
			return true
		}
		if stop {
			break
		}
	}
	return false
}

// indentAt is the indentation of the line holding offset o.
func indentAt(text string, o int) int {
	start := strings.LastIndexByte(text[:min(o, len(text))], '\n') + 1
	n := 0
	for start+n < len(text) && text[start+n] == ' ' {
		n++
	}
	return n
}

// reindent moves every line after the first of text shift columns left
// (right when negative); false when a line has too little indentation.
func reindent(text string, shift int) (string, bool) {
	if shift == 0 || !strings.Contains(text, "\n") {
		return text, true
	}
	lines := strings.Split(text, "\n")
	for i := 1; i < len(lines); i++ {
		if strings.TrimSpace(lines[i]) == "" {
			continue
		}
		if shift > 0 {
			if len(lines[i])-len(strings.TrimLeft(lines[i], " ")) < shift {
				return "", false
			}
			lines[i] = lines[i][shift:]
		} else {
			lines[i] = strings.Repeat(" ", -shift) + lines[i]
		}
	}
	return strings.Join(lines, "\n"), true
}

// retargetValues carries edits of one action's output (from values) to
// the values file, as the change they make to the value.
func (m *templateMap) retargetValues(edits []fixes.TextEdit) (string, []fixes.TextEdit, bool) {
	mk := m.marked
	hasValues := func(r region) bool { return len(m.r.action(r).values) > 0 }
	var reg region
	found := false
	type local struct{ start, end int }
	var spans []local
	for _, e := range edits {
		os, oe, ok := m.markedSpan(e)
		if !ok {
			return "", nil, false
		}
		r, ok := mk.innermost(os, hasValues)
		if !ok && os == oe {
			// Appended at the output's end, at its last line's
			// indentation: an addition to the value.
			r, ok = mk.innermost(os-1, hasValues)
			ok = ok && strings.HasPrefix(e.NewText, "\n") && indentAt(e.NewText, 1) == indentAt(mk.text, os-1)
		}
		if !ok || oe > r.end || found && r != reg {
			return "", nil, false
		}
		reg, found = r, true
		spans = append(spans, local{os - r.start, oe - r.start})
	}
	before := mk.text[reg.start:reg.end]
	var rel []fixes.TextEdit
	for i, e := range edits {
		rel = append(rel, fixes.TextEdit{Start: spans[i].start, End: spans[i].end, NewText: e.NewText})
	}
	after, err := fixes.Apply([]byte(before), rel)
	if err != nil {
		return "", nil, false
	}
	var b, a yaml.Node
	if yaml.Unmarshal([]byte(before), &b) != nil || yaml.Unmarshal(after, &a) != nil {
		return "", nil, false
	}
	ops := yamlpatch.Diff(&b, &a)
	if len(ops) == 0 {
		return "", nil, false
	}
	vf, prefix := m.r.values.fileFor(m.folder(reg), m.r.action(reg).values)
	if vf == nil {
		return "", nil, false
	}
	var full []yamlpatch.Op
	for _, op := range ops {
		path := make([]yamlpatch.Step, 0, len(prefix)+len(op.Path))
		for _, k := range prefix {
			path = append(path, yamlpatch.Step{Key: k})
		}
		full = append(full, yamlpatch.Op{Path: append(path, op.Path...), Value: op.Value})
	}
	find := func(text []byte) (fixes.Locator, *yaml.Node, *yaml.Node, error) {
		d, root := analyzer.ParseData(vf.path, text, nil)
		if root == nil {
			return nil, nil, nil, yamlpatch.ErrPath
		}
		return d, root, root, nil
	}
	fixed, err := yamlpatch.Apply(vf.doc.Text, find, full)
	if err != nil || bytes.Equal(fixed, vf.doc.Text) {
		return "", nil, false
	}
	return vf.path, []fixes.TextEdit{fixes.Minimal(vf.doc.Text, fixed)}, true
}

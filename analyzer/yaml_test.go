package analyzer

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"hardline.dev/hardline/analyzer/yamlfast"
)

func parseK8s(t *testing.T, text string) *Document {
	t.Helper()
	return Parse("test.yaml", []byte(text), ParseOptions{})
}

type objSummary struct {
	Kind, Name string
	Line       int
}

func summarize(d *Document) []objSummary {
	var out []objSummary
	for _, o := range d.Objects {
		out = append(out, objSummary{o.Kind, o.Name, d.Lines.Position(o.Start).Line})
	}
	return out
}

func TestStreamSplitting(t *testing.T) {
	tests := []struct {
		name     string
		text     string
		want     []objSummary
		problems []string // "line: message prefix"
	}{
		{
			name: "comment before first marker, document end marker",
			text: "# header\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: a}\n...\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: b\n",
			want: []objSummary{{"Pod", "a", 3}, {"Service", "b", 8}},
		},
		{
			name:     "a broken document does not hide the next",
			text:     "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n   bad: indent\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: b\n",
			want:     []objSummary{{"Pod", "b", 7}},
			problems: []string{"5: YAML: mapping values are not allowed"},
		},
		{
			name: "List items are objects",
			text: "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: a}\n- apiVersion: apps/v1\n  kind: Deployment\n  metadata: {name: b}\n",
			want: []objSummary{{"Pod", "a", 4}, {"Deployment", "b", 7}},
		},
		{
			name: "JSON manifest",
			text: "{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"Pod\",\n  \"metadata\": {\"name\": \"j\"}\n}\n",
			want: []objSummary{{"Pod", "j", 1}},
		},
		{
			name: "non-Kubernetes YAML is skipped quietly",
			text: "name: ci\non: [push]\njobs: {}\n---\n- a\n- b\n",
		},
		{
			name: "CRLF",
			text: "apiVersion: v1\r\nkind: Pod\r\nmetadata:\r\n  name: crlf\r\n---\r\napiVersion: v1\r\nkind: Pod\r\nmetadata: {name: two}\r\n",
			want: []objSummary{{"Pod", "crlf", 1}, {"Pod", "two", 6}},
		},
		{
			name:     "duplicate keys in a small mapping, thrice, and not merge keys",
			text:     "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: d}\nbase: &b {x: 1}\ndata:\n  <<: *b\n  <<: *b\n  a: '1'\n  b: '2'\n  a: '3'\n  a: '4'\n",
			want:     []objSummary{{"ConfigMap", "d", 1}},
			problems: []string{`10: YAML: duplicate key "a" (first at line 8)`, `11: YAML: duplicate key "a" (first at line 8)`},
		},
		{
			name: "duplicate keys in a large mapping of a later document",
			text: "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n" +
				strings.Repeat("  k: v\n", 1) + bigMapping(20) + "  k: w\n  k5: again\n",
			want:     []objSummary{{"Pod", "p", 1}, {"ConfigMap", "big", 5}},
			problems: []string{`30: YAML: duplicate key "k" (first at line 9)`, `31: YAML: duplicate key "k5" (first at line 15)`},
		},
		{
			name:     "helm template",
			text:     "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}\n",
			problems: []string{"4: Helm template"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := parseK8s(t, tt.text)
			if diff := cmp.Diff(tt.want, summarize(d)); diff != "" {
				t.Errorf("objects (-want +got):\n%s", diff)
			}
			var got []string
			for _, p := range d.Problems {
				got = append(got, p.Message)
			}
			if len(got) != len(tt.problems) {
				t.Fatalf("problems = %q, want %d like %q", got, len(tt.problems), tt.problems)
			}
			for i, want := range tt.problems {
				line, prefix, _ := strings.Cut(want, ": ")
				p := d.Problems[i]
				if pos := d.Lines.Position(p.Start); pos.Line != atoi(line) || !strings.HasPrefix(p.Message, prefix) {
					t.Errorf("problem %d at line %d %q, want line %s %q…", i, pos.Line, p.Message, line, prefix)
				}
			}
		})
	}
}

// bigMapping is n entries "  k0: v" … of a block mapping.
func bigMapping(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "  k%d: v\n", i)
	}
	return b.String()
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

// TestFieldSpans checks that a field's span runs from its key to the end
// of its value in every scalar and collection style.
func TestFieldSpans(t *testing.T) {
	const text = "apiVersion: v1\r\nkind: Pod\nmetadata:\n" +
		"  plain: some value # comment\n" +
		"  double: \"a \\\" b\"  \n" +
		"  single: 'it''s'\n" +
		"  multi: first\n    second\n" +
		"  literal: |\n    line one\n\n    line two\n\n" +
		"  folded: >-\n    folded\n    text\n" +
		"  flowmap: {a: 1, b: [x, y]}   # trailing\n" +
		"  emptymap: {}\n" +
		"  flowseq: [ 1, 2 ]\n" +
		"  empty:\n" +
		"  anchored: &anc value\n" +
		"  alias: *anc\n" +
		"  unicode: \"日本\"\n" +
		"  block:\n    - a\n    - b\n" +
		"  last: true\n"
	d := parseK8s(t, text)
	if len(d.Objects) != 1 {
		t.Fatalf("objects: %v, problems %v", d.Objects, d.Problems)
	}
	meta := Get(d.Objects[0].Node, "metadata")
	want := map[string]string{
		"plain":    "plain: some value",
		"double":   `double: "a \" b"`,
		"single":   "single: 'it''s'",
		"multi":    "multi: first\n    second",
		"literal":  "literal: |\n    line one\n\n    line two",
		"folded":   "folded: >-\n    folded\n    text",
		"flowmap":  "flowmap: {a: 1, b: [x, y]}",
		"emptymap": "emptymap: {}",
		"flowseq":  "flowseq: [ 1, 2 ]",
		"empty":    "empty:",
		"anchored": "anchored: &anc value",
		"alias":    "alias: *anc",
		"unicode":  `unicode: "日本"`,
		"block":    "block:\n    - a\n    - b",
		"last":     "last: true",
	}
	for key, w := range want {
		f, ok := Lookup(meta, key)
		if !ok {
			t.Errorf("no field %s", key)
			continue
		}
		start, end := d.FieldSpan(f)
		if got := string(d.Text[start:end]); got != w {
			t.Errorf("span of %s = %q, want %q", key, got, w)
		}
	}
	// Aliases resolve to the anchored node.
	if got := Str(Get(meta, "alias")); got != "value" {
		t.Errorf("alias resolves to %q", got)
	}
	// Columns count code points, not bytes.
	f, _ := Lookup(meta, "unicode")
	_, end := d.FieldSpan(f)
	if pos := d.Lines.Position(end); pos.Column != 16 {
		t.Errorf("end column after multi-byte text = %d, want 16", pos.Column)
	}
}

func TestMergeKeys(t *testing.T) {
	d := parseK8s(t, "apiVersion: v1\nkind: Pod\nmetadata: {name: m}\nx: &base\n  a: 1\n  b: 2\ny:\n  <<: *base\n  b: 3\n")
	y := Get(d.Objects[0].Node, "y")
	if a, b := Str(Get(y, "a")), Str(Get(y, "b")); a != "1" || b != "3" {
		t.Errorf("merged a=%q b=%q, want 1 and 3", a, b)
	}
}

func TestScalarReading(t *testing.T) {
	d := parseK8s(t, "apiVersion: v1\nkind: Pod\nmetadata: {name: s}\nt: yes\nq: \"true\"\nf: Off\ni: 0x10\nz: 0\nfl: 1.0\n")
	o := d.Objects[0].Node
	for key, want := range map[string][2]bool{"t": {true, true}, "q": {false, false}, "f": {false, true}} {
		if v, ok := Bool(Get(o, key)); v != want[0] || ok != want[1] {
			t.Errorf("Bool(%s) = %v,%v want %v", key, v, ok, want)
		}
	}
	for key, want := range map[string]int64{"i": 16, "z": 0, "fl": 1} {
		if v, ok := Int(Get(o, key)); !ok || v != want {
			t.Errorf("Int(%s) = %d,%v want %d", key, v, ok, want)
		}
	}
}

func TestLines(t *testing.T) {
	l := NewLines([]byte("ab\r\nc日d\n\nlast"))
	if l.Count() != 4 {
		t.Fatalf("count %d", l.Count())
	}
	if got := string(l.Text(1)); got != "ab" {
		t.Errorf("line 1 = %q (CR must not belong to the content)", got)
	}
	off := l.Offset(2, 3) // the 'd' after a 3-byte rune
	if got := l.Position(off); got != (Position{2, 3}) || l.text[off] != 'd' {
		t.Errorf("Offset/Position round trip: %v", got)
	}
	if got := l.Position(len(l.text)); got != (Position{4, 5}) {
		t.Errorf("end position %v", got)
	}
}

func TestUTF16(t *testing.T) {
	l := NewLines([]byte("a𝄞b\r\nx"))
	if line, col := l.UTF16(5); line != 0 || col != 3 { // after the 4-byte 𝄞: 1 + 2 units
		t.Errorf("UTF16(5) = %d,%d", line, col)
	}
	if off := l.OffsetUTF16(0, 3); off != 5 {
		t.Errorf("OffsetUTF16(0,3) = %d", off)
	}
	if off := l.OffsetUTF16(0, 99); off != 6 {
		t.Errorf("past the line end: %d, want the line's end before CR", off)
	}
	if off := l.OffsetUTF16(9, 0); off != 9 {
		t.Errorf("past the last line: %d", off)
	}
}

func TestParseCacheReusesUnchangedDocuments(t *testing.T) {
	const stream = "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: b}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: c}\n"
	cache := &ParseCache{}
	first := Parse("s.yaml", []byte(stream), ParseOptions{Cache: cache})
	// Type into the second document without adding a line: the first and
	// third keep their lines and are reused; the second is decoded again.
	edited := strings.Replace(stream, "{name: b}", "{name: bb}", 1)
	second := Parse("s.yaml", []byte(edited), ParseOptions{Cache: cache})
	same := []bool{first.Objects[0].Node == second.Objects[0].Node, first.Objects[1].Node == second.Objects[1].Node, first.Objects[2].Node == second.Objects[2].Node}
	if diff := cmp.Diff([]bool{true, false, true}, same); diff != "" {
		t.Errorf("reused (-want +got):\n%s", diff)
	}
	// Offsets come from the new text, so reused nodes get the right spans.
	uncached := Parse("s.yaml", []byte(edited), ParseOptions{})
	for i, o := range second.Objects {
		if u := uncached.Objects[i]; o.Start != u.Start || o.End != u.End || o.Name != u.Name {
			t.Errorf("object %d: cached %d-%d %s, uncached %d-%d %s", i, o.Start, o.End, o.Name, u.Start, u.End, u.Name)
		}
	}
	// A new line before a document moves it: it is decoded again.
	moved := Parse("s.yaml", []byte("# new\n"+edited), ParseOptions{Cache: cache})
	if moved.Objects[2].Node == second.Objects[2].Node || moved.Lines.Position(moved.Objects[2].Start).Line != 10 {
		t.Error("a document whose lines moved was reused")
	}
	// Broken documents are never cached: their problems are reported again.
	broken := "apiVersion: v1\nkind: Pod\nmetadata: {name: a, name: b}\n"
	for i := 0; i < 2; i++ {
		if d := Parse("s.yaml", []byte(broken), ParseOptions{Cache: cache}); len(d.Problems) != 1 {
			t.Errorf("parse %d: problems %v", i, d.Problems)
		}
	}
}

// Trees kept by a ParseCache must not keep the buffer that parsed them
// alive: their strings point into the cache's own copy of the document.
func TestParseCacheDoesNotPinBuffers(t *testing.T) {
	text := []byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n")
	cache := &ParseCache{}
	d := Parse("cm.yaml", text, ParseOptions{Cache: cache})
	if len(d.Objects) != 1 {
		t.Fatalf("objects = %d, want 1", len(d.Objects))
	}
	if sharesMemory(Get(d.Objects[0].Node, "metadata", "name").Value, text) {
		t.Errorf("a cached node's value points into the parsed buffer")
	}
	// Without a cache the trees share the text (no copy is made).
	d = Parse("cm.yaml", text, ParseOptions{})
	if !sharesMemory(Get(d.Objects[0].Node, "metadata", "name").Value, text) {
		t.Errorf("an uncached node's value is a copy, not the text's")
	}
}

// TestListItemsShareDocumentWork: the items of a List (`kubectl get -o
// yaml`) are objects of one YAML document. Each gets the `# Source:`
// comment before the document, the next document its own, and all share
// the document's YAML editor: per item, both walked the whole List before
// (quadratic in the items).
func TestListItemsShareDocumentWork(t *testing.T) {
	var b strings.Builder
	b.WriteString("# Source: chart/templates/list.yaml\napiVersion: v1\nkind: List\nitems:\n")
	for i := range 50 {
		fmt.Fprintf(&b, "- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: c%d}\n", i)
	}
	b.WriteString("---\n# Source: chart/templates/pod.yaml\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\n")
	d := parseK8s(t, b.String())
	if len(d.Objects) != 51 {
		t.Fatalf("%d objects, want the 50 items and the Pod", len(d.Objects))
	}
	for _, o := range d.Objects[:50] {
		if o.Source != "chart/templates/list.yaml" {
			t.Fatalf("%s: source %q", o.Name, o.Source)
		}
		if d.YAMLEditor(o) != d.YAMLEditor(d.Objects[0]) {
			t.Fatalf("%s has an editor of its own", o.Name)
		}
	}
	if p := d.Objects[50]; p.Source != "chart/templates/pod.yaml" || d.YAMLEditor(p) == d.YAMLEditor(d.Objects[0]) {
		t.Errorf("the Pod: source %q, shares the List's editor: %v", p.Source, d.YAMLEditor(p) == d.YAMLEditor(d.Objects[0]))
	}
}

// TestParallelDecode: a large stream decoded in parts on several
// goroutines (decodeParallel) has the objects, problems and counts of the
// same stream decoded one document after the other, for any number of
// parts, with broken documents, duplicate keys, Lists and Helm's source
// comments among them.
func TestParallelDecode(t *testing.T) {
	var b strings.Builder
	for i := 0; b.Len() < parallelParseBytes+1000; i++ {
		switch i % 7 {
		case 0:
			fmt.Fprintf(&b, "---\n# Source: chart/templates/d%d.yaml\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d%d, namespace: ns}\nspec:\n  template:\n    spec:\n      containers:\n      - {name: c, image: nginx}\n", i, i)
		case 1:
			fmt.Fprintf(&b, "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p%d\n  name: again\n", i) // a duplicate key
		case 2:
			fmt.Fprintf(&b, "---\napiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: a%d}}\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: b%d}}\n", i, i)
		case 3:
			fmt.Fprintf(&b, "---\napiVersion: v1\nkind: Service\nmetadata: {name: s%d\nspec: [\n", i) // a syntax error
		default:
			fmt.Fprintf(&b, "---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: sa%d\n  labels: &l {a: b}\n  annotations: *l\n", i)
		}
	}
	text := []byte(b.String())
	type object struct {
		Ref                        ObjectRef
		Start, End, DocStart, Line int
		Source                     string
	}
	view := func(d *Document) ([]object, []Problem, ParseStats) {
		var objs []object
		for _, o := range d.Objects {
			objs = append(objs, object{o.ObjectRef, o.Start, o.End, o.DocStart, o.Node.Line, o.Source})
		}
		return objs, d.Problems, d.Stats
	}
	want := &Document{Path: "s.yaml", Language: Kubernetes, Text: text, Lines: NewLines(text), limits: DefaultConfig().Limits}
	chunks := splitYAML(text)
	for _, c := range chunks {
		want.decodeChunk(c, nil)
	}
	wantObjs, wantProblems, wantStats := view(want)
	if len(wantObjs) < 1000 || len(wantProblems) < 100 {
		t.Fatalf("the stream has %d objects and %d problems: too few to compare", len(wantObjs), len(wantProblems))
	}
	for _, parts := range []int{2, 3, 8} {
		got := &Document{Path: "s.yaml", Language: Kubernetes, Text: text, Lines: NewLines(text), limits: DefaultConfig().Limits,
			arena: arenas.Get().(*yamlfast.Arena)}
		got.decodeParallel(chunks, parts)
		objs, problems, stats := view(got)
		if diff := cmp.Diff(wantObjs, objs); diff != "" {
			t.Errorf("%d parts: objects (-sequential +parallel):\n%s", parts, diff)
		}
		if diff := cmp.Diff(wantProblems, problems); diff != "" {
			t.Errorf("%d parts: problems (-sequential +parallel):\n%s", parts, diff)
		}
		if stats != wantStats {
			t.Errorf("%d parts: stats %+v, sequential %+v", parts, stats, wantStats)
		}
		if len(got.moreArenas) != parts {
			t.Errorf("%d parts: %d arenas to release", parts, len(got.moreArenas))
		}
		got.releaseTrees()
		if got.arena != nil || got.moreArenas != nil {
			t.Errorf("%d parts: arenas kept after releaseTrees", parts)
		}
	}
	// A panic in a part reaches the caller's goroutine, where Parse turns
	// it into the file's syntax error (here: no Lines to place objects).
	func() {
		defer func() {
			if recover() == nil {
				t.Error("a part's panic did not reach decodeParallel's caller")
			}
		}()
		broken := &Document{Path: "s.yaml", Language: Kubernetes, Text: text, limits: DefaultConfig().Limits}
		broken.decodeParallel(chunks, 2)
	}()
	// Parse takes the parallel path for such a stream (a cache keeps the
	// serial one, for the editor).
	if d := Parse("s.yaml", text, ParseOptions{}); cmp.Diff(wantProblems, d.Problems) != "" || len(d.Objects) != len(wantObjs) {
		t.Errorf("Parse: %d objects, %d problems; want %d, %d", len(d.Objects), len(d.Problems), len(wantObjs), len(wantProblems))
	}
}

// TestDefinesResource: only a root kind line naming the definition kind
// whole makes a document one to skim.
func TestDefinesResource(t *testing.T) {
	for text, want := range map[string]bool{
		"kind: CustomResourceDefinition\n":                        true,
		"apiVersion: x\nkind: CustomResourceDefinition":           true,
		"a: 1\nkind: CustomResourceDefinition # crd\n":            true,
		"a: 1\r\nkind: CustomResourceDefinition\r\n":              true,
		"kind: CustomResourceDefinitionList\n":                    false,
		"spec:\n  kind: CustomResourceDefinition\n":               false,
		"a: kind: CustomResourceDefinition\n":                     false,
		"kind: CustomResourceDefinitions\nkind: CustomResource\n": false,
	} {
		if got := definesResource(text); got != want {
			t.Errorf("definesResource(%q) = %v, want %v", text, got, want)
		}
	}
}

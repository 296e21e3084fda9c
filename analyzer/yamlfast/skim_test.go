package yamlfast

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	yaml "go.yaml.in/yaml/v3"

	"hardline.dev/hardline/internal/testenv"
)

// keepMeta keeps what rules read of a CustomResourceDefinition.
func keepMeta(key string) bool { return key == "apiVersion" || key == "kind" || key == "metadata" }

// skimmedFrom is what Skim must give, made from Parse's tree: each value
// of the root block mapping that keep refuses down to the last entry of each
// collection, and the duplicate keys of the mappings left out.
func skimmedFrom(doc *yaml.Node, keep func(string) bool) (*yaml.Node, *Skimmed) {
	s := &Skimmed{}
	if doc == nil {
		return nil, s
	}
	out := *doc
	root := doc.Content[0]
	// Skim skims a block mapping's values; an anchored mapping is parsed
	// one level deeper (its anchor's), whole.
	if root.Kind != yaml.MappingNode || root.Style&yaml.FlowStyle != 0 || root.Anchor != "" {
		return &out, s
	}
	r := *root
	r.Content = slices.Clone(root.Content)
	for i := 0; i+1 < len(r.Content); i += 2 {
		if !keep(r.Content[i].Value) {
			duplicatesIn(r.Content[i+1], s)
			r.Content[i+1] = lastChain(r.Content[i+1])
			s.Values++
		}
	}
	out.Content = []*yaml.Node{&r}
	return &out, s
}

// compareSkimmed is compare for a skimmed tree: in the skimmed values
// (below a root key that keepMeta refuses), scalars that are not keys keep
// only what finding their ends needs of their values (skimValue).
func compareSkimmed(got, want *yaml.Node, path string, skimmed bool) string {
	if skimmed && got.Kind == yaml.ScalarNode && want.Kind == yaml.ScalarNode && got.Value != want.Value {
		w := *want
		switch {
		case want.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 && got.Value == "":
		case want.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 && got.Value == "":
		case want.Style == 0 && strings.Join(strings.Fields(got.Value), " ") == strings.Join(strings.Fields(want.Value), " ") &&
			got.Tag == plainTag(got.Value):
			w.Tag = got.Tag
		default:
			return compare(got, want, path)
		}
		w.Value = got.Value
		want = &w
	}
	if d := compare(&yaml.Node{Kind: got.Kind, Style: got.Style, Tag: got.Tag, Value: got.Value, Anchor: got.Anchor, Alias: got.Alias, Line: got.Line, Column: got.Column},
		&yaml.Node{Kind: want.Kind, Style: want.Style, Tag: want.Tag, Value: want.Value, Anchor: want.Anchor, Alias: want.Alias, Line: want.Line, Column: want.Column}, path); d != "" {
		return d
	}
	if len(got.Content) != len(want.Content) {
		return fmt.Sprintf("%s: %d children, want %d", path, len(got.Content), len(want.Content))
	}
	root := path == "$[0]" && got.Kind == yaml.MappingNode && got.Style&yaml.FlowStyle == 0
	for i := range got.Content {
		skim := skimmed || root && i%2 == 1 && !keepMeta(got.Content[i-1].Value)
		if d := compareSkimmed(got.Content[i], want.Content[i], fmt.Sprintf("%s[%d]", path, i), skim); d != "" {
			return d
		}
	}
	return ""
}

func lastChain(n *yaml.Node) *yaml.Node {
	c := *n
	switch {
	case len(n.Content) == 0:
	case n.Kind == yaml.MappingNode:
		c.Content = []*yaml.Node{lastChain(n.Content[len(n.Content)-2]), lastChain(n.Content[len(n.Content)-1])}
	default:
		c.Content = []*yaml.Node{lastChain(n.Content[len(n.Content)-1])}
	}
	return &c
}

// duplicatesIn finds duplicate keys as the analyzer does on whole trees.
func duplicatesIn(n *yaml.Node, s *Skimmed) {
	if n.Kind == yaml.MappingNode {
		first := map[string]int{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind != yaml.ScalarNode || k.Value == "<<" && k.Tag == mergeTag {
				continue
			}
			if line, dup := first[k.Value]; dup {
				s.Duplicates = append(s.Duplicates, Duplicate{k.Value, k.Line, line})
			} else {
				first[k.Value] = k.Line
			}
		}
	}
	for _, c := range n.Content {
		duplicatesIn(c, s)
	}
}

// skimDiffers compares Skim with what Parse's tree says it must give:
// "" when they agree.
func skimDiffers(text string, maxDepth int) string {
	full, gaveUp := parse(text, nil)
	got, s, ok := Skim(text, nil, keepMeta, maxDepth)
	switch {
	case ok != (gaveUp == 0):
		return fmt.Sprintf("Skim accepted: %v, Parse: %v", ok, gaveUp == 0)
	case !ok:
		return ""
	case s == nil:
		if !reflect.DeepEqual(got, full) {
			return "skimming gave up, but the tree differs from Parse's"
		}
		return ""
	}
	want, ws := skimmedFrom(full, keepMeta)
	if got == nil || want == nil {
		if got != want {
			return fmt.Sprintf("tree %v, want %v", got, want)
		}
		return ""
	}
	if d := compareSkimmed(got, want, "$", false); d != "" {
		return d
	}
	order := func(a, b Duplicate) int {
		return strings.Compare(fmt.Sprint(a.Line, a.First, a.Key), fmt.Sprint(b.Line, b.First, b.Key))
	}
	slices.SortFunc(s.Duplicates, order)
	slices.SortFunc(ws.Duplicates, order)
	if !reflect.DeepEqual(*s, *ws) && !(s.Values == ws.Values && len(s.Duplicates)+len(ws.Duplicates) == 0) {
		return fmt.Sprintf("skimmed %+v, want %+v", *s, *ws)
	}
	return ""
}

func TestSkim(t *testing.T) {
	crd := `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
  labels: {app: w}
spec:
  group: example.com
  names: {kind: Widget, plural: widgets}
  versions:
  - name: v1
    schema:
      openAPIV3Schema:
        description: a widget
          that folds
        properties:
          spec: {type: object, properties: {size: {type: integer}}}
          text:
            description: |
              literal
    served: true
status:
  acceptedNames: {kind: ""}
`
	cases := map[string]string{
		"crd":                     crd,
		"duplicates":              "kind: X\nspec:\n  a: 1\n  b:\n    c: 1\n    c: 2\n  a: 3\n  d: {e: 1, e: 2}\n  f: [1, 2, {g: 1, g: 2}]\n",
		"many keys":               "spec:\n" + strings.Repeat("  k: 1\n", 12) + "  x: [a, b]\n",
		"kept duplicates":         "metadata:\n  a: 1\n  a: 2\nspec:\n  b: 1\n",
		"merge key":               "spec:\n  <<: {a: 1}\n  <<: {b: 2}\n",
		"anchor":                  "spec: &s\n  a: 1\nother: *s\n",
		"alias into":              "metadata: &m {a: 1}\nspec:\n  b: *m\n",
		"scalar values":           "spec: 1\nstatus: \"x\"\nkind: |\n  y\nz:\n",
		"empty last":              "spec:\n  a: 1\n  b:\nkind: K\n",
		"indentless":              "spec:\n  a:\n  - x: 1\n  - y: 2\n",
		"nested flows":            "spec: [[1, [2, {a: [3]}]], {b: {c: d}}]\n",
		"last is a block scalar":  "spec:\n  a: |\n    x\n\n    y\n\n",
		"top-level sequence":      "- spec: 1\n",
		"only comments":           "# nothing\n",
		"CRLF":                    strings.ReplaceAll(crd, "\n", "\r\n"),
		"unicode":                 "spec:\n  é: ü\n  é: x\n",
		"quoted duplicates":       "spec:\n  'a': 1\n  \"a\": 2\n",
		"rejected in a skim":      "spec:\n  a: b: c\n",
		"tab in a skimmed value":  "spec:\n\ta: 1\n",
		"deep, within the bound":  "spec:\n" + strings.Repeat(" ", 2) + "a: " + strings.Repeat("[", 5) + strings.Repeat("]", 5) + "\n",
		"deep, beyond the bound":  "spec: " + strings.Repeat("[", 40) + strings.Repeat("]", 40) + "\n",
		"deep indentless":         "spec:\n" + nestIndentless(12),
		"value on the key's line": "spec: {a: 1, a: 2}\nkind: K\n",
		"anchored root":           "&r\nkind: K\nspec:\n  a: 1\n  a: 2\n",
	}
	for name, text := range cases {
		t.Run(name, func(t *testing.T) {
			if d := skimDiffers(text, 10); d != "" {
				t.Fatalf("on %q:\n%s", text, d)
			}
		})
	}
	// What the cases must show: the skimmed tree is small, duplicates
	// are found, and what skimming cannot do is parsed whole.
	doc, s, ok := Skim(crd, nil, keepMeta, 0)
	if !ok || s == nil || s.Values != 2 || nodes(doc) > 30 {
		t.Errorf("crd: ok %v, skimmed %+v, %d nodes", ok, s, nodes(doc))
	}
	if _, s, _ := Skim(cases["duplicates"], nil, keepMeta, 0); s == nil || len(s.Duplicates) != 4 {
		t.Errorf("duplicates: %+v, want 4", s)
	}
	if doc, s, ok := Skim(cases["anchored root"], nil, keepMeta, 0); !ok || s == nil || s.Values != 0 || len(doc.Content[0].Content[3].Content) != 4 {
		t.Errorf("anchored root: ok %v, skimmed %+v: want the whole tree", ok, s)
	}
	for _, name := range []string{"anchor", "alias into", "deep, beyond the bound"} {
		if _, s, ok := Skim(cases[name], nil, keepMeta, 10); !ok || s != nil {
			t.Errorf("%s: ok %v, skimmed %+v: want a whole parse", name, ok, s)
		}
	}
}

// nestIndentless nests n mappings, each holding an indentless sequence.
func nestIndentless(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "%sk:\n%s- ", strings.Repeat(" ", 2+4*i), strings.Repeat(" ", 2+4*i))
		b.WriteString("\n")
		b.WriteString(strings.Repeat(" ", 4+4*i))
	}
	b.WriteString("x: 1\n")
	return b.String()
}

func nodes(n *yaml.Node) int {
	if n == nil {
		return 0
	}
	c := 1
	for _, k := range n.Content {
		c += nodes(k)
	}
	return c
}

// TestSkimInArena: a skim that gave up half-way (an alias, nesting, a
// tab, a syntax error in a skimmed value) leaves nothing behind in the
// arena for the next: each text skimmed after one of those, in the same
// arena, gives what it gives alone.
func TestSkimInArena(t *testing.T) {
	crd := "kind: CustomResourceDefinition\nmetadata:\n  name: x\nspec:\n  a: 1\n  b: {c: [1, 2]}\n"
	broken := []string{
		"kind: K\nspec:\n  a: &x 1\n  b: *x\n",
		"kind: K\nspec:\n  a:\n\t- 1\n",
		"kind: K\nspec:\n  a: b: c\n",
		"kind: K\nspec: " + strings.Repeat("[", 12) + strings.Repeat("]", 12) + "\n",
	}
	alone, _, _ := Skim(crd, nil, keepMeta, 5)
	var a Arena
	for _, b := range broken {
		Skim(b, &a, keepMeta, 5)
		got, s, ok := Skim(crd, &a, keepMeta, 5)
		if !ok || s == nil || s.Values != 1 {
			t.Fatalf("after %q: ok %v, skimmed %+v", b, ok, s)
		}
		if d := compare(got, alone, "$"); d != "" {
			t.Fatalf("after %q, in the arena:\n%s", b, d)
		}
		a.Reset()
	}
}

// TestSkimBoundsDepth: a skimmed value is given up past the bound, so
// that its nodes never nest beyond twice it plus one, which the analyzer's
// depth limit relies on.
func TestSkimBoundsDepth(t *testing.T) {
	for depth := 1; depth < 14; depth++ {
		for _, text := range []string{"spec:\n" + nestIndentless(depth), "spec: " + strings.Repeat("[", depth) + strings.Repeat("]", depth) + "\n"} {
			for bound := 1; bound < 10; bound++ {
				full, _ := Parse(text)
				_, s, ok := Skim(text, nil, keepMeta, bound)
				if ok && s != nil && height(full)-1 > 2*bound+1 {
					t.Errorf("bound %d: skimmed a tree %d deep:\n%s", bound, height(full)-1, text)
				}
			}
		}
	}
}

// height counts the levels of n, 1 for a leaf.
func height(n *yaml.Node) int {
	h := 0
	for _, c := range n.Content {
		h = max(h, height(c))
	}
	return h + 1
}

// TestSkimCorpus: on every document of the shared corpus, Skim gives what
// Parse's tree says it must.
func TestSkimCorpus(t *testing.T) {
	root := testenv.Dir(t, "corpus")
	docs, skimmed := 0, 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".yaml") && !strings.HasSuffix(path, ".yml") {
			return err
		}
		text, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, chunk := range split(text) {
			docs++
			if d := skimDiffers(string(chunk), 0); d != "" {
				rel, _ := filepath.Rel(root, path)
				t.Errorf("%s: document %d:\n%s", rel, docs, d)
			}
			if _, s, ok := Skim(string(chunk), nil, keepMeta, 0); ok && s != nil && s.Values > 0 {
				skimmed++
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if skimmed == 0 {
		t.Fatal("no document skimmed")
	}
	t.Logf("%d documents, %d skimmed", docs, skimmed)
}

// FuzzSkim: on any input, Skim gives what Parse's tree says it must.
// `go test` replays the seeds; scripts/fuzz.sh fuzzes.
func FuzzSkim(f *testing.F) {
	for _, s := range []string{
		"kind: X\nspec:\n  a: 1\n  a: [1, {b: 2, b: 3}]\n", "spec: &a [1]\nx: *a\n",
		"spec:\n  a:\n  - b: |\n      x\n  -\n", "metadata: {a: 1}\nspec: {\"a\": 1, 'a': 2}\n",
	} {
		f.Add([]byte(s))
	}
	addFixtureSeeds(f)
	f.Fuzz(func(t *testing.T, text []byte) {
		if d := skimDiffers(string(text), 3); d != "" {
			t.Fatalf("on %q:\n%s", text, d)
		}
	})
}

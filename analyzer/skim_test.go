package analyzer_test

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/analyzer/yamlfast"
	"hardline.dev/hardline/internal/testenv"
)

// TestSkimAgrees: skimming CustomResourceDefinitions (ParseOptions.Skim)
// leaves out only what no rule reads. On every rule fixture and corpus
// file, the objects and their spans, the problems, and the findings —
// with verified fixes on the fixtures and the definitions — are those of
// whole trees.
func TestSkimAgrees(t *testing.T) {
	paths := lintable(filepath.Join("..", "testdata", "rules"))
	fixtures := len(paths)
	if dir := testenv.Optional(t, "corpus"); dir != "" {
		paths = append(paths, lintable(dir)...)
	}
	skimmed := 0
	// The skimmed trees are parsed in one arena, reset after each file,
	// as the CLI parses files: what one skim leaves in it must not change
	// the next.
	var arena yamlfast.Arena
	for i, path := range paths {
		text, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		whole := analyzer.Parse(path, text, analyzer.ParseOptions{})
		skim := analyzer.Parse(path, text, analyzer.InArena(analyzer.ParseOptions{Skim: true}, &arena))
		if diff := cmp.Diff(parsed(whole), parsed(skim)); diff != "" {
			t.Errorf("%s: skimmed objects or problems differ (-whole +skimmed):\n%s", path, diff)
		}
		definition := bytes.Contains(text, []byte("kind: CustomResourceDefinition"))
		verify := i < fixtures || definition
		if diff := cmp.Diff(analyzeDoc(whole, verify), analyzeDoc(skim, verify)); diff != "" {
			t.Errorf("%s: skimmed findings differ (-whole +skimmed):\n%s", path, diff)
		}
		if treeNodes(skim) < treeNodes(whole) {
			skimmed++
		}
		arena.Reset()
		if i == fixtures-1 && skimmed == 0 {
			t.Fatal("no fixture skimmed")
		}
	}
	t.Logf("%d files, %d skimmed", len(paths), skimmed)
}

// parsedObject is what a parse tells of an object besides its tree.
type parsedObject struct {
	Ref                          analyzer.ObjectRef
	Start, End, DocStart, DocEnd int
	Source                       string
}

// parse is what a parse gives besides the trees.
type parse struct {
	Objects  []parsedObject
	Problems []analyzer.Problem
}

func parsed(d *analyzer.Document) parse {
	var objs []parsedObject
	for _, o := range d.Objects {
		objs = append(objs, parsedObject{o.ObjectRef, o.Start, o.End, o.DocStart, o.DocEnd, o.Source})
	}
	// Problems in the order findings take: by position.
	problems := slices.Clone(d.Problems)
	slices.SortStableFunc(problems, func(a, b analyzer.Problem) int {
		if a.Start != b.Start {
			return a.Start - b.Start
		}
		return strings.Compare(a.Message, b.Message)
	})
	return parse{objs, problems}
}

func treeNodes(d *analyzer.Document) int {
	n := 0
	for _, o := range d.Objects {
		n += countNodes(o.Node)
	}
	return n
}

func countNodes(n *yaml.Node) int {
	c := 1
	for _, k := range n.Content {
		c += countNodes(k)
	}
	return c
}

// FuzzSkimAgrees: on any input, skimmed and whole trees give the same
// objects, spans, problems and findings (TestSkimAgrees on any input).
func FuzzSkimAgrees(f *testing.F) {
	seeds(f, isYAML)
	f.Add([]byte("apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: a}\nspec:\n  a: 1\n  a: [2, {b: 3, b: 4}]\n"))
	f.Fuzz(func(t *testing.T, text []byte) {
		defer testenv.SlowGuard(t, text)()
		whole := analyzer.Parse("fuzz.yaml", text, analyzer.ParseOptions{Language: analyzer.Kubernetes})
		skim := analyzer.Parse("fuzz.yaml", text, analyzer.ParseOptions{Language: analyzer.Kubernetes, Skim: true})
		if diff := cmp.Diff(parsed(whole), parsed(skim)); diff != "" {
			t.Fatalf("skimmed objects or problems differ (-whole +skimmed):\n%s\n--- input:\n%s", diff, text)
		}
		if diff := cmp.Diff(analyzeDoc(whole, false), analyzeDoc(skim, false)); diff != "" {
			t.Fatalf("skimmed findings differ (-whole +skimmed):\n%s\n--- input:\n%s", diff, text)
		}
	})
}

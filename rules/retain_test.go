package rules_test

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"unsafe"

	yaml "go.yaml.in/yaml/v3"

	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/internal/testenv"
	"hardline.dev/hardline/rules"
)

// TestResultsDoNotPinText: a file's findings and facts outlive its text
// (Config.ReleaseText), so none of their strings may share the text's
// memory, as the parse tree's values do: one such string keeps the whole
// file alive, and a run over a repository would hold the repository —
// or, where the text's memory is lent to the next file once its results
// are out (lintFile), read another file's text. The Lines of locations are
// exempt: releasing them is what they are for. Nor may results hold parse
// tree nodes, whose memory is lent the same way. A policy that returns the
// input's own strings runs too.
func TestResultsDoNotPinText(t *testing.T) {
	var paths []string
	for _, dir := range []string{filepath.Join("..", "testdata"), testenv.Optional(t, "corpus/k8s")} {
		if dir == "" {
			continue
		}
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && analyzer.LanguageOf(path) != analyzer.Unknown {
				paths = append(paths, path)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	policies := t.TempDir()
	echo := `package main

deny[{"msg": input.metadata.name, "code": input.kind}] { input.metadata.name }

warn[msg] { msg := input.apiVersion }
`
	if err := os.WriteFile(filepath.Join(policies, "echo.rego"), []byte(echo), 0o644); err != nil {
		t.Fatal(err)
	}
	engine := analyzer.NewEngine(rules.All())
	cfg := analyzer.DefaultConfig()
	cfg.Profile, cfg.Policies = analyzer.All, []string{policies}
	checked, echoed := 0, 0
	for _, path := range paths {
		text, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if len(text) == 0 {
			continue
		}
		doc := analyzer.Parse(path, text, analyzer.ParseOptions{})
		findings, facts := engine.RunWithFacts(context.Background(), doc, &cfg, analyzer.SetScope{})
		engine.AttachHints(findings)
		for i := range findings {
			findings[i].Fix = nil // as results keep them (lintFile)
		}
		lo := uintptr(unsafe.Pointer(&text[0]))
		w := &aliasWalk{lo: lo, hi: lo + uintptr(len(text)), seen: map[uintptr]bool{}}
		w.walk(reflect.ValueOf(findings), "findings")
		w.walk(reflect.ValueOf(facts), "facts")
		for _, p := range w.found {
			t.Errorf("%s: %s shares the file's text or tree", path, p)
		}
		if len(w.found) > 0 {
			return // one file tells where
		}
		checked += len(findings) + len(facts)
		for _, f := range findings {
			if f.Rule.Code == "Deployment" {
				echoed++
			}
		}
	}
	if checked == 0 || echoed == 0 {
		t.Fatalf("%d findings or facts were checked, %d of the echoing policy", checked, echoed)
	}
}

type aliasWalk struct {
	lo, hi uintptr
	seen   map[uintptr]bool
	found  []string
}

var (
	linesType = reflect.TypeFor[*analyzer.Lines]()
	nodeType  = reflect.TypeFor[yaml.Node]()
)

func (w *aliasWalk) in(p unsafe.Pointer) bool {
	return uintptr(p) >= w.lo && uintptr(p) < w.hi
}

func (w *aliasWalk) walk(v reflect.Value, path string) {
	switch v.Kind() {
	case reflect.String:
		if s := v.String(); s != "" && w.in(unsafe.Pointer(unsafe.StringData(s))) {
			w.found = append(w.found, fmt.Sprintf("%s (%q)", path, s))
		}
	case reflect.Pointer:
		if v.IsNil() || v.Type() == linesType || w.seen[v.Pointer()] {
			return
		}
		w.seen[v.Pointer()] = true
		w.walk(v.Elem(), path)
	case reflect.Interface:
		if !v.IsNil() {
			w.walk(v.Elem(), path)
		}
	case reflect.Struct:
		if v.Type() == nodeType {
			w.found = append(w.found, path+" (a parse tree node)")
			return
		}
		for i := range v.NumField() {
			w.walk(v.Field(i), path+"."+v.Type().Field(i).Name)
		}
	case reflect.Slice:
		if v.Len() > 0 && v.Type().Elem().Kind() == reflect.Uint8 {
			if w.in(v.UnsafePointer()) {
				w.found = append(w.found, path)
			}
			return
		}
		fallthrough
	case reflect.Array:
		for i := range v.Len() {
			w.walk(v.Index(i), fmt.Sprintf("%s[%d]", path, i))
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			w.walk(it.Key(), path+"{key}")
			w.walk(it.Value(), fmt.Sprintf("%s[%v]", path, it.Key()))
		}
	}
}

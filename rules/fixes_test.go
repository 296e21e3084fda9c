package rules_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/fixes"
	"hardline.dev/hardline/rules"
)

// acceptAll applies safe and unsafe fixes, as `fix --write --unsafe`.
func acceptAll(_ *analyzer.Finding, fx fixes.Fix) bool { return fx.Safety != fixes.Manual }

// TestFixGoldens applies every safe and unsafe fix to each
// testdata/fixes/CASE/input.* and compares the result byte for byte with
// expected.*; then checks what every fix must hold: the result parses
// with no new syntax error, the fixed findings are gone and none appeared,
// and fixing again changes nothing.
func TestFixGoldens(t *testing.T) {
	engine := analyzer.NewEngine(rules.All())
	cases, _ := filepath.Glob("../testdata/fixes/*/input.*")
	if len(cases) < 15 {
		t.Fatalf("found %d fix cases", len(cases))
	}
	cfg := analyzer.DefaultConfig()
	cfg.Profile = analyzer.All
	for _, in := range cases {
		dir := filepath.Dir(in)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			text, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			fixed, applied := engine.FixText(context.Background(), in, text, analyzer.ParseOptions{}, &cfg, acceptAll)
			if len(applied) == 0 {
				t.Fatal("no fix applied")
			}
			golden(t, filepath.Join(dir, "expected"+strings.TrimPrefix(filepath.Base(in), "input")), string(fixed))
			checkFixed(t, engine, &cfg, in, text, fixed, applied)
		})
	}
}

// checkFixed asserts the properties every fixed text must have.
func checkFixed(t *testing.T, engine *analyzer.Engine, cfg *analyzer.Config, path string, before, after []byte, applied []analyzer.AppliedFix) {
	t.Helper()
	oldDoc := analyzer.Parse(path, before, analyzer.ParseOptions{})
	newDoc := analyzer.Parse(path, after, analyzer.ParseOptions{})
	if syntax(newDoc) > syntax(oldDoc) {
		t.Errorf("%s: the fixed text has new syntax errors: %v", path, newDoc.Problems)
	}
	was, now := counts(engine.Run(context.Background(), oldDoc, cfg)), counts(engine.Run(context.Background(), newDoc, cfg))
	for id, n := range now {
		if n > was[id] {
			t.Errorf("%s: fixing made a new %s finding", path, id)
		}
	}
	fixedRules := map[string]bool{}
	for _, a := range applied {
		fixedRules[a.Rule.Code] = true
	}
	total := func(m map[string]int) (n int) {
		for _, v := range m {
			n += v
		}
		return n
	}
	if total(now) >= total(was) {
		t.Errorf("%s: %d findings before and %d after fixing %v", path, total(was), total(now), fixedRules)
	}
	again, more := engine.FixText(context.Background(), path, after, analyzer.ParseOptions{}, cfg, acceptAll)
	if !bytes.Equal(again, after) || len(more) > 0 {
		t.Errorf("%s: fixing twice changed the text again:\n%s", path, fixes.Unified("first", "second", after, again))
	}
}

func syntax(d *analyzer.Document) int {
	n := 0
	for _, p := range d.Problems {
		if p.Kind == analyzer.SyntaxProblem {
			n++
		}
	}
	return n
}

// counts keys findings by rule, object and container: what a fix must
// not add to.
func counts(fs []analyzer.Finding) map[string]int {
	out := map[string]int{}
	for _, f := range fs {
		out[f.Rule.Code+" "+f.Object.Kind+"/"+f.Object.Name+" "+f.Container]++
	}
	return out
}

// TestFixVariantGoldens covers the fixes that fix-all never picks: second
// choices and manual snippets. Each testdata/fix-variants/CASE has an
// input, the title of the fix to apply (file "fix") and the expected
// result of applying that fix, one finding at a time, wherever it is
// offered. The result must parse, have at least one finding fewer per
// application (a fix may settle several) and no new one, and offer the fix nowhere anymore.
func TestFixVariantGoldens(t *testing.T) {
	engine := analyzer.NewEngine(rules.All())
	cases, _ := filepath.Glob("../testdata/fix-variants/*/input.*")
	if len(cases) == 0 {
		t.Fatal("no fix variant cases")
	}
	cfg := analyzer.DefaultConfig()
	cfg.Profile = analyzer.All
	for _, in := range cases {
		dir := filepath.Dir(in)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			text, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			title, err := os.ReadFile(filepath.Join(dir, "fix"))
			if err != nil {
				t.Fatal(err)
			}
			fixed, codes := applyVariant(t, engine, &cfg, in, text, strings.TrimSpace(string(title)))
			if len(codes) == 0 {
				t.Fatalf("no %q fix offered", title)
			}
			golden(t, filepath.Join(dir, "expected"+strings.TrimPrefix(filepath.Base(in), "input")), string(fixed))
			if syntax(analyzer.Parse(in, fixed, analyzer.ParseOptions{})) > syntax(analyzer.Parse(in, text, analyzer.ParseOptions{})) {
				t.Errorf("the fixed text has new syntax errors")
			}
			before := engine.Run(context.Background(), analyzer.Parse(in, text, analyzer.ParseOptions{}), &cfg)
			after := engine.Run(context.Background(), analyzer.Parse(in, fixed, analyzer.ParseOptions{}), &cfg)
			was, now := counts(before), counts(after)
			for id, n := range now {
				if n > was[id] {
					t.Errorf("fixing made a new %s finding", id)
				}
			}
			byCode := func(fs []analyzer.Finding) map[string]int {
				m := map[string]int{}
				for _, f := range fs {
					m[f.Rule.Code]++
				}
				return m
			}
			b, a := byCode(before), byCode(after)
			for code, n := range codes {
				if a[code] > b[code]-n {
					t.Errorf("%s: %d findings before, %d after the fix was applied to %d", code, b[code], a[code], n)
				}
			}
			if again, more := applyVariant(t, engine, &cfg, in, fixed, string(title)); len(more) > 0 || !bytes.Equal(again, fixed) {
				t.Errorf("applying the fix again changed the text:\n%s", fixes.Unified("first", "second", fixed, again))
			}
		})
	}
}

// applyVariant applies the verified fix titled title to one finding at a
// time until no finding offers it, and returns the text and how many times
// it was applied for each rule.
func applyVariant(t *testing.T, engine *analyzer.Engine, cfg *analyzer.Config, path string, text []byte, title string) ([]byte, map[string]int) {
	t.Helper()
	codes := map[string]int{}
	for round := 0; round < 50; round++ {
		doc := analyzer.Parse(path, text, analyzer.ParseOptions{})
		findings := engine.Run(context.Background(), doc, cfg)
		engine.AttachFixes(context.Background(), doc, cfg, findings)
		applied := false
		for _, f := range findings {
			for _, fx := range f.Fixes {
				if fx.Title != title {
					continue
				}
				next, err := fixes.Apply(text, fx.Edits)
				if err != nil {
					t.Fatal(err)
				}
				text, applied = next, true
				codes[f.Rule.Code]++
				break
			}
			if applied {
				break
			}
		}
		if !applied {
			return text, codes
		}
	}
	t.Fatalf("the %q fix is still offered after 50 rounds", title)
	return nil, nil
}

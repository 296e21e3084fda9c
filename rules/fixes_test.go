package rules_test

import (
	"bytes"
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
			fixed, applied := engine.FixText(in, text, analyzer.ParseOptions{}, &cfg, acceptAll)
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
	was, now := counts(engine.Run(oldDoc, cfg)), counts(engine.Run(newDoc, cfg))
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
	again, more := engine.FixText(path, after, analyzer.ParseOptions{}, cfg, acceptAll)
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

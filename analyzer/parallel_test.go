package analyzer_test

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/internal/testenv"
)

// seen is what a finding tells a user, to compare runs by.
type seen struct {
	Start, End      int
	Rule, Message   string
	Severity        analyzer.Severity
	Object          analyzer.ObjectRef
	Container, Hint string
	Fingerprint     string
	Related, Facts  int
}

// analyze runs path's rules, with hints, or with verified fixes when
// verify is set.
func analyze(path string, text []byte, verify bool) []seen {
	return analyzeDoc(analyzer.Parse(path, text, analyzer.ParseOptions{}), verify)
}

// analyzeDoc is analyze for a parsed document.
func analyzeDoc(doc *analyzer.Document, verify bool) []seen {
	cfg := fuzzConfig()
	findings, facts := fuzzEngine.RunWithFacts(context.Background(), doc, cfg, analyzer.SetScope{})
	if verify {
		fuzzEngine.AttachFixes(context.Background(), doc, cfg, findings)
	} else {
		fuzzEngine.AttachHints(findings)
	}
	out := []seen{{Facts: len(facts)}}
	for _, f := range findings {
		s := seen{Start: f.Start, End: f.End, Rule: f.Rule.Code, Message: f.Message, Severity: f.Severity,
			Object: f.Object, Container: f.Container, Fingerprint: f.Fingerprint, Related: len(f.Related)}
		if f.Hint != nil {
			s.Hint = f.Hint.Title + " " + f.Hint.Safety.String()
		}
		for _, fx := range f.Fixes {
			s.Hint += "; " + fx.Title + fmt.Sprint(fx.Edits)
		}
		out = append(out, s)
	}
	return out
}

// lintable lists the files under roots that hardline reads.
func lintable(roots ...string) []string {
	var paths []string
	for _, root := range roots {
		_ = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && analyzer.LanguageOf(path) != analyzer.Unknown {
				paths = append(paths, path)
			}
			return err
		})
	}
	return paths
}

// TestParallelRulesAgree: the rules of a large document, and the fixes of
// many findings, are computed in parallel (Engine.run, AttachHints,
// AttachFixes); on every rule fixture and corpus file, forced to run so,
// they must find what the serial run finds, and verify the same fixes (on
// the fixtures: verification re-analyzes each document). Under the race
// detector (CI) this is also the check that rules and fixes share nothing
// but Pass.Memo's values.
func TestParallelRulesAgree(t *testing.T) {
	paths := lintable(filepath.Join("..", "testdata", "rules"))
	fixtures := len(paths)
	if dir := testenv.Optional(t, "corpus"); dir != "" {
		paths = append(paths, lintable(dir)...)
	}
	texts := make([][]byte, len(paths))
	serial := make([][]seen, len(paths))
	for i, path := range paths {
		text, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		texts[i], serial[i] = text, analyze(path, text, i < fixtures)
	}
	restore := analyzer.ForceParallel()
	defer restore()
	compared := 0
	for i, path := range paths {
		if diff := cmp.Diff(serial[i], analyze(path, texts[i], i < fixtures)); diff != "" {
			t.Errorf("%s: parallel rules differ (-serial +parallel):\n%s", path, diff)
		}
		compared += len(serial[i]) - 1
	}
	if compared == 0 {
		t.Fatal("no findings compared")
	}
}

package analyzer_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/internal/testenv"
)

// TestOriginalsAgree: fix verification takes the original side of each
// check from the run's findings (originals) instead of analyzing the
// original again, which is exact only for rules that read nothing but the
// object they report on, unless they declare Rule.ReadsOtherObjects. On
// every rule fixture and corpus file, under the profile that runs every
// rule and under the default one (rules that did not run are analyzed
// again), each span verification may analyze must count the same.
func TestOriginalsAgree(t *testing.T) {
	paths := lintable(filepath.Join("..", "testdata", "rules"), filepath.Join("..", "testdata", "examples"))
	if dir := testenv.Optional(t, "corpus"); dir != "" {
		paths = append(paths, lintable(dir)...)
	}
	def := analyzer.DefaultConfig()
	compared := 0
	for _, path := range paths {
		text, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		doc := analyzer.Parse(path, text, analyzer.ParseOptions{})
		for _, cfg := range []*analyzer.Config{fuzzConfig(), &def} {
			diffs, n := analyzer.OriginalsDiffer(fuzzEngine, doc, cfg)
			for _, d := range diffs {
				t.Errorf("%s (profile %s): %s", path, cfg.Profile, d)
			}
			compared += n
		}
	}
	t.Logf("%d files, %d spans", len(paths), compared)
	if compared < len(paths) {
		t.Fatalf("compared %d spans in %d files", compared, len(paths))
	}
}

// TestOriginalsDifferCatchesRules: the check above finds a rule that reads
// other objects without declaring it, and a rule that failed on one
// document (its internal error is at the file's first line); declared,
// or failed, they are analyzed again.
func TestOriginalsDifferCatchesRules(t *testing.T) {
	stream := "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n"
	// crossObject reports each ConfigMap when the document also holds a
	// ServiceAccount.
	crossObject := func(p *analyzer.Pass) {
		account := false
		for _, o := range p.Doc.Objects {
			account = account || o.Kind == "ServiceAccount"
		}
		for _, o := range p.Doc.Objects {
			if o.Kind == "ConfigMap" && account {
				p.Report(analyzer.Finding{Start: o.DocStart, End: o.DocStart + 1, Object: o.ObjectRef, Message: "cross"})
			}
		}
	}
	failsOnConfigMaps := func(p *analyzer.Pass) {
		for _, o := range p.Doc.Objects {
			if o.Kind == "ConfigMap" {
				panic("broke")
			}
		}
	}
	for _, tc := range []struct {
		name      string
		check     func(*analyzer.Pass)
		declared  bool
		wantDiffs bool
	}{
		{"undeclared cross-object rule", crossObject, false, true},
		{"declared cross-object rule", crossObject, true, false},
		{"rule that fails on one document", failsOnConfigMaps, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rule := &analyzer.Rule{Code: "XT001", Name: "xt", Severity: analyzer.Warning, Profile: analyzer.Baseline,
				Language: analyzer.Kubernetes, ReadsOtherObjects: tc.declared, Check: tc.check}
			doc := analyzer.Parse("s.yaml", []byte(stream), analyzer.ParseOptions{})
			cfg := analyzer.DefaultConfig()
			diffs, n := analyzer.OriginalsDiffer(analyzer.NewEngine([]*analyzer.Rule{rule}), doc, &cfg)
			if n != 3 {
				t.Fatalf("compared %d spans, want the file and its 2 documents", n)
			}
			if got := len(diffs) > 0; got != tc.wantDiffs {
				t.Fatalf("differences %q, want some: %v", strings.Join(diffs, "; "), tc.wantDiffs)
			}
		})
	}
}

package analyzer_test

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/fixes"
	"hardline.dev/hardline/internal/testenv"
	"hardline.dev/hardline/rules"
)

// Fuzz targets of the parsers, the engine and the fixes: hostile input must
// never crash, hang or produce a broken file. `go test` replays their seeds
// (the rule fixtures, a slice of the shared corpus when it is there, and
// the crashers found before, in testdata/fuzz/); scripts/fuzz.sh fuzzes.

var fuzzEngine = analyzer.NewEngine(rules.All())

func fuzzConfig() *analyzer.Config {
	cfg := analyzer.DefaultConfig()
	cfg.Profile = analyzer.All
	return &cfg
}

// seeds adds the rule fixtures and the first files of each corpus folder whose names satisfy want.
func seeds(f *testing.F, want func(name string) bool) {
	add := func(root string, limit int) {
		n := 0
		_ = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !want(d.Name()) || n >= limit {
				return nil
			}
			if b, err := os.ReadFile(path); err == nil && len(b) < 64<<10 {
				f.Add(b)
				n++
			}
			return nil
		})
	}
	add(filepath.Join("..", "testdata", "rules"), 1000)
	if corpus := testenv.Optional(f, "corpus"); corpus != "" {
		add(filepath.Join(corpus, "k8s"), 40)
		add(filepath.Join(corpus, "dockerfiles"), 40)
	}
}

func isYAML(name string) bool {
	return strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml") || strings.HasSuffix(name, ".json")
}

func isDockerfile(name string) bool { return analyzer.LanguageOf(name) == analyzer.Dockerfile }

// checkFindings: every finding lies in the text, with a range to match.
func checkFindings(t *testing.T, text []byte, findings []analyzer.Finding) {
	for _, f := range findings {
		if f.Start < 0 || f.End < f.Start || f.End > len(text) {
			t.Fatalf("%s: span [%d,%d) outside a %d-byte text", f.Rule.Code, f.Start, f.End, len(text))
		}
		if f.Range.Start.Line < 1 || f.Range.Start.Column < 1 {
			t.Fatalf("%s: range %+v", f.Rule.Code, f.Range)
		}
	}
}

// FuzzKubernetes: findings lie in the text, and fix verification's counts
// taken from the run agree with analyzing each document again
// (TestOriginalsAgree on any input).
func FuzzKubernetes(f *testing.F) {
	seeds(f, isYAML)
	f.Fuzz(func(t *testing.T, text []byte) {
		defer testenv.SlowGuard(t, text)()
		doc := analyzer.Parse("fuzz.yaml", text, analyzer.ParseOptions{Language: analyzer.Kubernetes})
		cfg := fuzzConfig()
		checkFindings(t, text, fuzzEngine.Run(context.Background(), doc, cfg))
		if diffs, _ := analyzer.OriginalsDiffer(fuzzEngine, doc, cfg); len(diffs) > 0 {
			t.Fatalf("verification's counts differ from analysis:\n%s\n--- input:\n%s", strings.Join(diffs, "\n"), text)
		}
	})
}

func FuzzDockerfile(f *testing.F) {
	seeds(f, isDockerfile)
	f.Fuzz(func(t *testing.T, text []byte) {
		defer testenv.SlowGuard(t, text)()
		doc := analyzer.Parse("Dockerfile", text, analyzer.ParseOptions{})
		checkFindings(t, text, fuzzEngine.Run(context.Background(), doc, fuzzConfig()))
	})
}

// FuzzFix: fixing every finding (safe and unsafe) never adds a syntax
// error, and fixing the result again changes nothing.
func FuzzFix(f *testing.F) {
	seeds(f, func(name string) bool { return isYAML(name) || isDockerfile(name) })
	f.Fuzz(func(t *testing.T, text []byte) {
		name := "fuzz.yaml"
		if bytes.HasPrefix(bytes.TrimSpace(bytes.ToUpper(text)), []byte("FROM")) {
			name = "Dockerfile"
		}
		cfg := fuzzConfig()
		all := func(_ *analyzer.Finding, fx fixes.Fix) bool { return fx.Safety != fixes.Manual }
		opts := analyzer.ParseOptions{}
		defer testenv.SlowGuard(t, text)()
		fixed, applied := fuzzEngine.FixText(context.Background(), name, text, opts, cfg, all)
		if len(applied) == 0 {
			return
		}
		syntax := func(b []byte) int {
			n := 0
			for _, p := range analyzer.Parse(name, b, opts).Problems {
				if p.Kind == analyzer.SyntaxProblem {
					n++
				}
			}
			return n
		}
		if syntax(fixed) > syntax(text) {
			t.Fatalf("fixing added a syntax error:\n%s\n--- fixed:\n%s", text, fixed)
		}
		if again, more := fuzzEngine.FixText(context.Background(), name, fixed, opts, cfg, all); !bytes.Equal(again, fixed) {
			t.Fatalf("fixing twice changed the text again (%d more fixes: %+v):\n%s\n--- once:\n%s\n--- twice:\n%s", len(more), more, text, fixed, again)
		}
	})
}

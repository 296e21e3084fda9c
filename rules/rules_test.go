package rules_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/internal/testenv"
	"hardline.dev/hardline/render"
	"hardline.dev/hardline/rules"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// TestRuleFixtures runs every rule on its fixtures under
// testdata/rules/CODE/: each fail* file must have findings of the rule, at
// exactly the ranges and with the messages in expected.txt; each pass*
// file must have none. A fixture folder is a chart, linted as the CLI
// lints it (rendered, findings at their source).
func TestRuleFixtures(t *testing.T) {
	engine := analyzer.NewEngine(rules.All())
	for _, r := range engine.Rules() {
		t.Run(r.Code, func(t *testing.T) {
			dir := filepath.Join("..", "testdata", "rules", r.Code)
			files, _ := filepath.Glob(filepath.Join(dir, "*"))
			var paths []string
			var fails, passes int
			for _, f := range files {
				switch base := filepath.Base(f); {
				case strings.HasPrefix(base, "fail"):
					fails++
				case strings.HasPrefix(base, "pass"):
					passes++
				default:
					continue
				}
				paths = append(paths, f)
			}
			if fails == 0 || passes == 0 {
				t.Fatalf("%s needs a fail* and a pass* fixture in %s", r.Code, dir)
			}
			var got []string
			// A fixture folder may hold a .hardline.yaml (a target
			// Kubernetes version, say); every rule runs either way.
			configFor := func(string) (*analyzer.Config, error) {
				cfg := analyzer.DefaultConfig()
				if _, err := os.Stat(filepath.Join(dir, analyzer.ConfigFileName)); err == nil {
					if cfg, err = analyzer.LoadConfig(filepath.Join(dir, analyzer.ConfigFileName), engine.Rules()); err != nil {
						return nil, err
					}
				}
				cfg.Profile = analyzer.All
				return &cfg, nil
			}
			_, results, _, err := render.LintPaths(context.Background(), engine, paths, analyzer.DiscoverOptions{}, configFor, analyzer.NoFixes, render.Options{})
			if err != nil {
				t.Fatal(err)
			}
			analyzer.SortResults(results)
			found := map[string]int{} // by fixture: a file, or a chart's folder
			for _, res := range results {
				if res.Err != nil {
					t.Fatal(res.Err)
				}
				base, _ := filepath.Rel(dir, res.Path)
				base = filepath.ToSlash(base)
				n := 0
				for _, f := range res.Findings {
					if f.Rule != r {
						continue
					}
					n++
					got = append(got, fmt.Sprintf("%s:%d:%d-%d:%d: %s", base, f.Range.Start.Line, f.Range.Start.Column,
						f.Range.End.Line, f.Range.End.Column, f.Message))
					for _, r := range f.Related {
						rel, _ := filepath.Rel(dir, r.Path)
						got = append(got, fmt.Sprintf("  related %s:%d:%d: %s", filepath.ToSlash(rel), r.Range.Start.Line, r.Range.Start.Column, r.Message))
					}
				}
				fixture, _, _ := strings.Cut(base, "/")
				found[fixture] += n
			}
			for _, p := range paths {
				switch base := filepath.Base(p); {
				case strings.HasPrefix(base, "pass") && found[base] > 0:
					t.Errorf("%s: want no %s finding, got %d", p, r.Code, found[base])
				case strings.HasPrefix(base, "fail") && found[base] == 0:
					t.Errorf("%s: want a %s finding, got none", p, r.Code)
				}
			}
			golden(t, filepath.Join(dir, "expected.txt"), strings.Join(got, "\n")+"\n")
		})
	}
}

// golden compares got with a golden file, or rewrites it under -update.
func golden(t *testing.T, path, got string) {
	t.Helper()
	testenv.Golden(t, path, got, *update)
}

// TestRulesDoc keeps docs/rules.md generated from the rules' own data.
func TestRulesDoc(t *testing.T) {
	var b strings.Builder
	b.WriteString("# hardline rules\n\nGenerated from the rules' own metadata by `go test ./rules -update`; `hardline rules CODE` prints the same page.\n\n")
	b.WriteString("| code | name | severity | profiles | aliases |\n|---|---|---|---|---|\n")
	for _, r := range rules.All() {
		b.WriteString("| " + r.Code + " | " + r.Name + " | " + r.Severity.String() + " | " + strings.Join(r.Profile.Profiles(), ", ") + " | " + strings.Join(r.Aliases, ", ") + " |\n")
	}
	for _, r := range rules.All() {
		b.WriteString("\n" + analyzer.RuleMarkdown(r))
	}
	golden(t, filepath.Join("..", "docs", "rules.md"), b.String())
}

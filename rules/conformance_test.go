package rules_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/rules"
)

// pssAliases lints one file at a profile and returns the pss: checks its
// findings name.
func pssAliases(t *testing.T, engine *analyzer.Engine, path string, profile analyzer.Profile) map[string]bool {
	t.Helper()
	text, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, f := range engine.Run(context.Background(), analyzer.Parse(path, text, analyzer.ParseOptions{}), &analyzer.Config{Profile: profile}) {
		if a := f.Rule.Alias("pss"); a != "" {
			got[strings.ToLower(a)] = true
		}
	}
	return got
}

// TestPSSConformance checks every upstream fixture pod (testdata/pss, a
// copy of kubernetes/pod-security-admission's, see its README): no pss: finding on
// a pass/ pod at its level, and the check named by the file on a fail/ pod.
func TestPSSConformance(t *testing.T) {
	engine := analyzer.NewEngine(rules.All())
	total := 0
	for _, level := range []analyzer.Profile{analyzer.Baseline, analyzer.Restricted} {
		for _, outcome := range []string{"pass", "fail"} {
			dir := filepath.Join("..", "testdata", "pss", level.String(), outcome)
			files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
			if err != nil || len(files) == 0 {
				t.Fatalf("no fixtures in %s", dir)
			}
			for _, path := range files {
				total++
				got := pssAliases(t, engine, path, level)
				check := strings.TrimRight(strings.TrimSuffix(filepath.Base(path), ".yaml"), "0123456789")
				switch {
				case outcome == "pass" && len(got) > 0:
					t.Errorf("%s: %s pod has pss findings %v", path, level, keys(got))
				case outcome == "fail" && !got[check]:
					t.Errorf("%s: %s pod lacks a %q finding (got %v)", path, level, check, keys(got))
				}
			}
		}
	}
	if total != 148 {
		t.Errorf("checked %d fixture pods, want all 148", total)
	}
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func readFile(path string) ([]byte, error) { return os.ReadFile(path) }

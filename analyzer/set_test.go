package analyzer_test

import (
	"context"
	"strings"
	"testing"

	"hardline.dev/hardline/analyzer"
)

// A set rule that panics must not pass as if it checked: a collector's
// panic is a finding on the document, a check's panic an error of the run.
func TestSetRulePanics(t *testing.T) {
	text := []byte("apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: a\n")
	for _, c := range []struct {
		name             string
		collect, check   func()
		wantFinding      bool
		wantErrSubstring string
	}{
		{name: "collector", collect: func() { panic("collector broke") }, check: func() {}, wantFinding: true},
		{name: "check", collect: func() {}, check: func() { panic("check broke") }, wantErrSubstring: "internal error in rule XS001 across objects: check broke"},
	} {
		t.Run(c.name, func(t *testing.T) {
			rule := &analyzer.Rule{Code: "XS001", Name: "panicky-set-rule", Phase: analyzer.SetPhase, Severity: analyzer.Warning,
				Collect:  func(p *analyzer.Pass) { c.collect(); p.AddFact(1) },
				CheckSet: func(p *analyzer.SetPass) { c.check() },
			}
			e := analyzer.NewEngine([]*analyzer.Rule{rule})
			cfg := analyzer.DefaultConfig()
			doc := analyzer.Parse("sa.yaml", text, analyzer.ParseOptions{})
			findings, facts := e.RunWithFacts(context.Background(), doc, &cfg, analyzer.SetScope{})
			gotFinding := len(findings) == 1 && strings.Contains(findings[0].Message, "internal error in rule XS001: collector broke")
			if gotFinding != c.wantFinding {
				t.Errorf("findings = %+v, want the collector's panic reported: %v", findings, c.wantFinding)
			}
			results := e.RunSet(context.Background(), facts, func(string) *analyzer.Config { return &cfg })
			var errs []string
			for _, r := range results {
				if r.Err != nil {
					errs = append(errs, r.Err.Error())
				}
			}
			if c.wantErrSubstring == "" && len(errs) > 0 || c.wantErrSubstring != "" && (len(errs) != 1 || !strings.Contains(errs[0], c.wantErrSubstring)) {
				t.Errorf("RunSet errors = %q, want %q", errs, c.wantErrSubstring)
			}
		})
	}
}

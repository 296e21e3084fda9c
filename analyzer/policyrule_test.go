package analyzer

import "testing"

// TestPolicyRulesPerEngine: the rules made for policy results belong to
// the engine that ran the policies, so two engines in one process (a
// server's workspaces, tests) never see each other's.
func TestPolicyRulesPerEngine(t *testing.T) {
	a, b := NewEngine(nil), NewEngine(nil)
	pass := &Pass{passRun: &passRun{engine: a}}
	made := pass.PolicyRule("POL-main-warn", Warning, "data.main.warn")
	if again := pass.PolicyRule("POL-main-warn", Error, "other"); again != made {
		t.Error("one code made two rules in one engine")
	}
	if r := a.Rule("POL-main-warn"); r != made || r.Severity != Warning {
		t.Errorf("engine a: %+v", r)
	}
	if r := b.Rule("POL-main-warn"); r == made || r == nil || r.Severity != Error {
		t.Errorf("engine b saw engine a's rule, or no rule on demand: %+v", r)
	}
	if r := b.Rule("POL-"); r != nil {
		t.Errorf("a bare prefix made a rule: %+v", r)
	}
}

package analyzer

import (
	"strings"
	"sync"
)

// PolicyPrefix starts the codes hardline gives Rego policy results:
// POL-<package, dots as dashes>-<rule>.
const PolicyPrefix = "POL-"

// policyRules holds the rules made for policy results, by code, so that
// one code is one *Rule in every document and run of an engine.
type policyRules struct{ m sync.Map }

func (p *policyRules) get(code string, severity Severity, summary string) *Rule {
	if r, ok := p.m.Load(code); ok {
		return r.(*Rule)
	}
	r, _ := p.m.LoadOrStore(code, &Rule{
		Code: code, Name: "policy", Summary: summary, Severity: severity,
		Profile: Baseline, Policy: true,
		Doc: RuleDoc{Why: "A rule of your own Rego policies (" + summary + ")."},
	})
	return r.(*Rule)
}

// find finds a policy rule by code; a POL- code is made on demand, so
// configs and suppressions can name it before any policy ran.
func (p *policyRules) find(code string) *Rule {
	if r, ok := p.m.Load(code); ok {
		return r.(*Rule)
	}
	if strings.HasPrefix(code, PolicyPrefix) && len(code) > len(PolicyPrefix) {
		return p.get(code, Error, "a Rego policy rule")
	}
	return nil
}

// PolicyReport is what keeps a config's policies from running: their
// problems, as findings of the policy files themselves.
type PolicyReport struct {
	// Set identifies the policies (folders, syntax, namespaces, data);
	// Version changes whenever their files do. Both are "" without
	// policies.
	Set, Version string
	Files        []FileResult
}

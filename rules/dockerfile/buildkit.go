package dockerfile

import (
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"hardline.dev/hardline/analyzer"
)

// BuildKit's checks that run while a Dockerfile is parsed are reported as
// BK-<RuleName>. MaintainerDeprecated, the other one, is DF211 (which has
// a fix). The checks only dockerfile2llb runs are not here: running them
// means a build graph conversion and 150 more packages; the ones that
// matter for hardening are DF rules with a buildkit: alias.
var _ = buildkitRule(linter.RuleStageNameCasing.Name, linter.RuleStageNameCasing.Description, linter.RuleStageNameCasing.URL,
	"FROM node:22 AS Builder", "FROM node:22 AS builder")
var _ = buildkitRule(linter.RuleFromAsCasing.Name, linter.RuleFromAsCasing.Description, linter.RuleFromAsCasing.URL,
	"FROM node:22 as builder", "FROM node:22 AS builder")
var _ = buildkitRule(linter.RuleNoEmptyContinuation.Name, linter.RuleNoEmptyContinuation.Description, linter.RuleNoEmptyContinuation.URL,
	"RUN apk add --no-cache \\\n\n    curl", "RUN apk add --no-cache \\\n    curl")

func buildkitRule(name, description, url, bad, good string) *analyzer.Rule {
	return register(&analyzer.Rule{
		Code: "BK-" + name, Name: name,
		Summary:  description,
		Severity: analyzer.Warning, Profile: analyzer.All,
		Aliases: []string{"buildkit:" + name},
		Doc: analyzer.RuleDoc{
			Why: "BuildKit's own build check " + name + ": " + description + ". See " + url + ". `# check=skip=" + name +
				"` at the top of the Dockerfile turns it off, for docker build --check and hardline alike.",
			Bad:  bad,
			Good: good,
		},
		Check: func(p *analyzer.Pass) {
			ast := p.Doc.Dockerfile
			if ast == nil {
				return
			}
			for _, c := range ast.BuildChecks {
				if c.Rule != name || c.Line < 1 {
					continue
				}
				start, end := p.Doc.LineSpan(c.Line)
				p.Report(analyzer.Finding{Start: start, End: end, Message: c.Message})
			}
		},
	})
}

package dockerfile

import (
	"hardline.dev/hardline/analyzer"
)

var _ = register(&analyzer.Rule{
	Code: "DF112", Name: "missing-healthcheck",
	Summary:  "The final stage has no HEALTHCHECK",
	Severity: analyzer.Info, Profile: analyzer.All,
	Aliases: []string{"trivy:DS-0026", "checkov:CKV_DOCKER_2"},
	Doc: analyzer.RuleDoc{
		Why: "Without a HEALTHCHECK, Docker and Compose only know whether the process runs, not whether it works. (Kubernetes ignores " +
			"HEALTHCHECK and uses probes: see KS405/KS406; `HEALTHCHECK NONE` says so explicitly.) A HEALTHCHECK in a stage the final one " +
			"builds FROM counts.",
		Bad:  "FROM nginx:1.27\nCOPY site /usr/share/nginx/html",
		Good: "FROM nginx:1.27\nCOPY site /usr/share/nginx/html\nHEALTHCHECK CMD curl -fsS http://localhost/ || exit 1",
	},
	Check: func(p *analyzer.Pass) {
		ast := p.Doc.Dockerfile
		if ast == nil || ast.Fragment() {
			return // no final stage: a fragment is built into someone else's
		}
		final := ast.Stages[len(ast.Stages)-1]
		for s := final; s != nil; s = stageByName(ast, s.Index, s.BaseName) {
			for _, in := range s.Instructions {
				if in.Keyword == "healthcheck" {
					return
				}
			}
		}
		report(p, final, final.From.Start, final.From.End, nil, "the final stage has no HEALTHCHECK")
	},
})

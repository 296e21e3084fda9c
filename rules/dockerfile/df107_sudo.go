package dockerfile

import (
	"hardline.dev/hardline/analyzer"
)

var _ = register(&analyzer.Rule{
	Code: "DF107", Name: "sudo",
	Summary:  "sudo in RUN",
	Severity: analyzer.Warning, Profile: analyzer.Restricted,
	Aliases: []string{"hadolint:DL3004", "trivy:DS-0010"},
	Doc: analyzer.RuleDoc{
		Why: "sudo in an image means a user that can become root at will, which undoes the USER it runs as; at build time it is needless " +
			"(switch with USER root and back) and its TTY and environment handling behaves unpredictably. If the process really needs to step " +
			"up, a tool such as gosu does it without a setuid binary in reach.",
		Bad:  "USER app\nRUN sudo apt-get update",
		Good: "USER root\nRUN apt-get update\nUSER app",
	},
	Check: func(p *analyzer.Pass) {
		for _, r := range runs(p) {
			for _, c := range r.Script.Commands {
				if c.Name == "sudo" {
					report(p, r.Stage, c.Args[0].Start, c.Args[0].End, nil, "sudo in RUN: use USER to change user")
				}
			}
		}
	},
})

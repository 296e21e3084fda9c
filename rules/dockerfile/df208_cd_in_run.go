package dockerfile

import (
	"hardline.dev/hardline/analyzer"
)

var _ = register(&analyzer.Rule{
	Code: "DF208", Name: "cd-in-run",
	Summary:  "cd in RUN instead of WORKDIR",
	Severity: analyzer.Info, Profile: analyzer.All,
	Aliases: []string{"hadolint:DL3003", "trivy:DS-0013"},
	Doc: analyzer.RuleDoc{
		Why: "`RUN cd dir && …` hides where commands run and is easy to get wrong in the next RUN, which starts back in the WORKDIR. " +
			"WORKDIR states it once, for every later instruction and for the container.",
		Bad:  "RUN cd /src && make",
		Good: "WORKDIR /src\nRUN make",
	},
	Check: func(p *analyzer.Pass) {
		for _, r := range runs(p) {
			for _, c := range r.Script.Commands {
				if c.Name == "cd" {
					report(p, r.Stage, c.Start, c.End, nil, "cd in RUN: use WORKDIR to change directory")
				}
			}
		}
	},
})

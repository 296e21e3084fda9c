package dockerfile

import (
	"fmt"
	"strings"

	"hardline.dev/hardline/analyzer"
)

var _ = register(&analyzer.Rule{
	Code: "DF210", Name: "multiple-cmd",
	Summary:  "More than one CMD or ENTRYPOINT in a stage",
	Severity: analyzer.Warning, Profile: analyzer.Restricted,
	Aliases: []string{"hadolint:DL4003", "hadolint:DL4004", "trivy:DS-0016", "trivy:DS-0007", "buildkit:MultipleInstructionsDisallowed"},
	Doc: analyzer.RuleDoc{
		Why: "Only the last CMD and the last ENTRYPOINT of a stage take effect; the earlier ones are dead code that readers and reviewers " +
			"take for what the container runs.",
		Bad:  "CMD [\"nginx\"]\nCMD [\"nginx\", \"-g\", \"daemon off;\"]",
		Good: "CMD [\"nginx\", \"-g\", \"daemon off;\"]",
	},
	Check: func(p *analyzer.Pass) {
		ast := p.Doc.Dockerfile
		if ast == nil {
			return
		}
		for _, s := range ast.Stages {
			seen := map[string]int{}
			for _, in := range s.Instructions {
				if in.Keyword != "cmd" && in.Keyword != "entrypoint" {
					continue
				}
				seen[in.Keyword]++
				if n := seen[in.Keyword]; n > 1 {
					kw := strings.ToUpper(in.Keyword)
					report(p, s, in.Start, in.Start+len(in.Keyword), nil, fmt.Sprintf("%s number %d in this stage: only the last %s takes effect", kw, n, kw))
				}
			}
		}
	},
})

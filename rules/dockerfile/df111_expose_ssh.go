package dockerfile

import (
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"hardline.dev/hardline/analyzer"
)

var _ = register(&analyzer.Rule{
	Code: "DF111", Name: "expose-ssh",
	Summary:  "EXPOSE 22 (SSH)",
	Severity: analyzer.Info, Profile: analyzer.All,
	Aliases: []string{"trivy:DS-0004", "checkov:CKV_DOCKER_1"},
	Doc: analyzer.RuleDoc{
		Why: "An SSH server in a container is one more service to attack and to keep patched, and a way in that bypasses the platform's own " +
			"access control and audit (kubectl exec, docker exec).",
		Bad:  "EXPOSE 22 8080",
		Good: "EXPOSE 8080",
	},
	Check: func(p *analyzer.Pass) {
		eachInstruction(p, func(s *analyzer.Stage, in *analyzer.Instruction) {
			e, ok := in.Command.(*instructions.ExposeCommand)
			if !ok {
				return
			}
			for _, port := range e.Ports {
				if n, _, _ := strings.Cut(port, "/"); n != "22" {
					continue
				}
				start, end := wordOr(p.Doc, in, port)
				report(p, s, start, end, nil, "EXPOSE "+port+": an SSH server in a container")
			}
		})
	},
})

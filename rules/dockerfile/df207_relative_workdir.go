package dockerfile

import (
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"hardline.dev/hardline/analyzer"
)

var _ = register(&analyzer.Rule{
	Code: "DF207", Name: "relative-workdir",
	Summary:  "WORKDIR with a relative path",
	Severity: analyzer.Warning, Profile: analyzer.Restricted,
	Aliases: []string{"hadolint:DL3000", "trivy:DS-0009", "buildkit:WorkdirRelativePath"},
	Doc: analyzer.RuleDoc{
		Why: "A relative WORKDIR is resolved against the base image's working directory, which can change with any new base image: files " +
			"land elsewhere and the container starts in a directory nobody reviewed. Paths starting with a variable count as absolute, as in hadolint.",
		Bad:  "WORKDIR app",
		Good: "WORKDIR /app",
	},
	Check: func(p *analyzer.Pass) {
		eachInstruction(p, func(s *analyzer.Stage, in *analyzer.Instruction) {
			w, ok := in.Command.(*instructions.WorkdirCommand)
			if !ok {
				return
			}
			path := strings.Trim(w.Path, `"'`)
			if path == "" || path[0] == '/' || path[0] == '$' || path[0] == '\\' || len(path) > 1 && path[1] == ':' {
				return
			}
			start, end := wordOr(p.Doc, in, w.Path)
			report(p, s, start, end, nil, "WORKDIR "+path+" is relative to the base image's working directory: use an absolute path")
		})
	},
})

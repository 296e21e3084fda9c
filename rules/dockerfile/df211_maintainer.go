package dockerfile

import (
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/fixes"
)

var _ = register(&analyzer.Rule{
	Code: "DF211", Name: "maintainer",
	Summary:  "MAINTAINER instead of a label",
	Severity: analyzer.Info, Profile: analyzer.All,
	Aliases: []string{"hadolint:DL4000", "trivy:DS-0022", "checkov:CKV_DOCKER_6", "buildkit:MaintainerDeprecated"},
	Doc: analyzer.RuleDoc{
		Why:  "MAINTAINER is deprecated since Docker 1.13; tools read the `maintainer` label (or the OCI `org.opencontainers.image.authors`).",
		Bad:  "MAINTAINER Jane Doe <jane@example.com>",
		Good: "LABEL maintainer=\"Jane Doe <jane@example.com>\"",
		Fix:  "Safe: rewrites the instruction as `LABEL maintainer=\"…\"`.",
	},
	Check: func(p *analyzer.Pass) {
		eachInstruction(p, func(s *analyzer.Stage, in *analyzer.Instruction) {
			m, ok := in.Command.(*instructions.MaintainerCommand)
			if !ok {
				return
			}
			report(p, s, in.Start, in.Start+len(in.Keyword), labelFix(p.Doc, in, m.Maintainer), "MAINTAINER is deprecated: use LABEL maintainer=…")
		})
	},
})

// labelFix replaces the instruction with LABEL maintainer="value", the
// value escaped as a Dockerfile double-quoted string ($ would expand).
func labelFix(doc *analyzer.Document, in *analyzer.Instruction, value string) func() []fixes.Fix {
	return func() []fixes.Fix {
		quoted := strings.NewReplacer(`\`, `\\`, `"`, `\"`, `$`, `\$`).Replace(value)
		label := doc.DockerfileEditor().ReplaceKeyword(in.Start, doc.Lines.End(in.EndLine), "LABEL")
		label.NewText += ` maintainer="` + quoted + `"`
		return []fixes.Fix{{Title: "Use LABEL maintainer=…", Safety: fixes.Safe, Edits: []fixes.TextEdit{label}}}
	}
}

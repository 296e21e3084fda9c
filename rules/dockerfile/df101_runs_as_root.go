package dockerfile

import (
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"hardline.dev/hardline/analyzer"
)

var _ = register(&analyzer.Rule{
	Code: "DF101", Name: "runs-as-root",
	Summary:  "The image runs as root: the final stage has no USER, or its last USER is root",
	Severity: analyzer.Warning, Profile: analyzer.Restricted,
	Aliases: []string{"hadolint:DL3002"},
	Doc: analyzer.RuleDoc{
		Why: "Without a USER the container's process runs as root, unless whoever runs it overrides the user. Root in a container is one kernel " +
			"or runtime bug away from root on the host, and can rewrite everything in the image. Create a user (or use a numeric UID) and switch to it " +
			"at the end of the final stage; Kubernetes' runAsNonRoot needs a numeric UID to verify it.",
		Bad:  "FROM alpine:3.20\nCOPY app /app\nCMD [\"/app\"]",
		Good: "FROM alpine:3.20\nCOPY app /app\nUSER 65532:65532\nCMD [\"/app\"]",
	},
	Check: func(p *analyzer.Pass) {
		ast := p.Doc.Dockerfile
		if ast == nil || len(ast.Stages) == 0 {
			return
		}
		final := ast.Stages[len(ast.Stages)-1]
		// A stage built FROM an earlier stage inherits that stage's USER.
		for s := final; s != nil; s = stageByName(ast, s.Index, s.BaseName) {
			if in, user := lastUser(s); in != nil {
				if isRoot(user) {
					start, end, ok := p.Doc.WordSpan(in, user)
					if !ok {
						start, end = in.Start, in.End
					}
					p.Report(analyzer.Finding{Start: start, End: end, Message: "the last USER of the final stage is " + user + ": the container runs as root"})
				}
				return
			}
		}
		p.Report(analyzer.Finding{Start: final.From.Start, End: final.From.End, Message: "the final stage sets no USER: the container runs as root unless its base image sets a user"})
	},
})

func lastUser(s *analyzer.Stage) (*analyzer.Instruction, string) {
	for i := len(s.Instructions) - 1; i >= 0; i-- {
		if u, ok := s.Instructions[i].Command.(*instructions.UserCommand); ok {
			return s.Instructions[i], u.User
		}
	}
	return nil, ""
}

// isRoot tells whether a USER value (user[:group]) names root.
func isRoot(user string) bool {
	name, _, _ := strings.Cut(user, ":")
	return name == "root" || name == "0"
}

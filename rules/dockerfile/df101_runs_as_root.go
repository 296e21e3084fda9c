package dockerfile

import (
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/fixes"
)

var _ = register(&analyzer.Rule{
	Code: "DF101", Name: "runs-as-root",
	Summary:  "The image may run as root: the final stage sets no USER",
	Severity: analyzer.Warning, Profile: analyzer.Restricted,
	Doc: analyzer.RuleDoc{
		Why: "Without a USER the container's process runs as root, unless its base image sets a user or whoever runs it overrides the user. " +
			"Root in a container is one kernel or runtime bug away from root on the host, and can rewrite everything in the image. Create a user " +
			"(or use a numeric UID) and switch to it at the end of the final stage; Kubernetes' runAsNonRoot needs a numeric UID to verify it. " +
			"An explicit `USER root` is DF113, an error.",
		Bad:  "FROM alpine:3.20\nCOPY app /app\nCMD [\"/app\"]",
		Good: "FROM alpine:3.20\nCOPY app /app\nUSER 65532:65532\nCMD [\"/app\"]",
		Fix:  "Unsafe (files the process writes may belong to root): inserts `USER 65532:65532` before the final stage's first CMD/ENTRYPOINT after its last USER, or at its end.",
	},
	Check: func(p *analyzer.Pass) {
		ast := p.Doc.Dockerfile
		if ast == nil || ast.Fragment() {
			return // no final stage: a fragment is built into someone else's
		}
		final := ast.Stages[len(ast.Stages)-1]
		fix := userFix(p.Doc, final)
		scopeStart, scopeEnd := p.Doc.StageSpan(final)
		// A stage built FROM an earlier stage inherits that stage's USER;
		// an explicit root is DF113's.
		if in, _ := imageUser(ast, final); in != nil {
			return
		}
		p.Report(analyzer.Finding{Start: final.From.Start, End: final.From.End, Fix: fix, ScopeStart: scopeStart, ScopeEnd: scopeEnd, Message: "the final stage sets no USER: the container runs as root unless its base image sets a user"})
	},
})

// userFix inserts USER 65532:65532 (the "nonroot" user of distroless
// images, owning nothing in most images) before the final stage's first
// CMD or ENTRYPOINT after its last USER, or at its end. Unsafe: files the
// process must write may belong to root.
func userFix(doc *analyzer.Document, final *analyzer.Stage) func() []fixes.Fix {
	return func() []fixes.Fix {
		line := 0
		for _, in := range final.Instructions {
			switch in.Keyword {
			case "user":
				line = 0
			case "cmd", "entrypoint":
				if line == 0 {
					line = in.StartLine
				}
			}
		}
		if line == 0 {
			last := final.From
			if n := len(final.Instructions); n > 0 {
				last = final.Instructions[n-1]
			}
			line = last.EndLine + 1
		}
		edit := doc.DockerfileEditor().InsertInstruction(line, "USER", "65532:65532")
		return []fixes.Fix{{Title: "Run as an unprivileged user: USER 65532:65532", Safety: fixes.Unsafe, Edits: []fixes.TextEdit{edit}}}
	}
}

// imageUser is the USER the final stage runs as: its own last one, or
// the last one of the stage it is built FROM, and so on.
func imageUser(ast *analyzer.DockerfileAST, final *analyzer.Stage) (*analyzer.Instruction, string) {
	for s := final; s != nil; s = stageByName(ast, s.Index, s.BaseName) {
		if in, user := lastUser(s); in != nil {
			return in, user
		}
	}
	return nil, ""
}

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

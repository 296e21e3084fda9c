package dockerfile

import (
	"hardline.dev/hardline/analyzer"
)

var _ = register(&analyzer.Rule{
	Code: "DF113", Name: "user-root",
	Summary:  "The image runs as root on purpose: the last USER of the final stage is root or 0",
	Severity: analyzer.Error, Profile: analyzer.Restricted,
	Aliases: []string{"hadolint:DL3002", "trivy:DS-0002", "checkov:CKV_DOCKER_8"},
	Doc: analyzer.RuleDoc{
		Why: "The container's process runs as root: one kernel or runtime bug away from root on the host, and free to rewrite everything in " +
			"the image. Unlike a missing USER (DF101), an explicit `USER root` (or `0`, `root:root`, `0:0`) as the image's user is a choice " +
			"nothing downstream corrects. A stage the final one is built FROM passes its user on, as hadolint's DL3002 sees it; unlike DL3002, " +
			"a build stage the image is not built on is not reported: its user never runs in the image. Switch back to an unprivileged user " +
			"after the steps that need root.",
		Bad:  "FROM debian:bookworm\nUSER root\nRUN apt-get update\nCMD [\"/app\"]",
		Good: "FROM debian:bookworm\nUSER root\nRUN apt-get update\nUSER 65532:65532\nCMD [\"/app\"]",
		Fix:  "Unsafe (files the process writes may belong to root): inserts `USER 65532:65532` before the final stage's first CMD/ENTRYPOINT after its last USER, or at its end.",
	},
	Check: func(p *analyzer.Pass) {
		ast := p.Doc.Dockerfile
		if ast == nil || ast.Fragment() {
			return // no final stage: a fragment is built into someone else's
		}
		final := ast.Stages[len(ast.Stages)-1]
		in, user := imageUser(ast, final)
		if in == nil || !isRoot(user) {
			return
		}
		start, end, ok := p.Doc.WordSpan(in, user)
		if !ok {
			start, end = in.Start, in.End
		}
		scopeStart, scopeEnd := p.Doc.StageSpan(final)
		p.Report(analyzer.Finding{Start: start, End: end, Fix: userFix(p.Doc, final), ScopeStart: scopeStart, ScopeEnd: scopeEnd,
			Message: "the image runs as " + user + ": switch to an unprivileged user (USER 65532:65532) after the steps that need root"})
	},
})

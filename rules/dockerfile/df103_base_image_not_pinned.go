package dockerfile

import (
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"hardline.dev/hardline/analyzer"
)

var _ = register(&analyzer.Rule{
	Code: "DF103", Name: "base-image-not-pinned",
	Summary:  "FROM image without a @sha256: digest",
	Severity: analyzer.Info, Profile: analyzer.All,
	Doc: analyzer.RuleDoc{
		Why: "A tag is a pointer the registry can move: the same Dockerfile builds on different base images over time, and a compromised " +
			"registry account can serve anything under a known tag. A digest names exactly one image. Earlier stages, scratch and images that " +
			"come from a build argument without a default are not checked.",
		Bad:  "FROM python:3.13-slim",
		Good: "FROM python:3.13-slim@sha256:…",
	},
	Check: func(p *analyzer.Pass) {
		ast := p.Doc.Dockerfile
		if ast == nil {
			return
		}
		args := globalArgs(ast)
		for _, s := range ast.Stages {
			raw := s.BaseName
			if st, ok := s.From.Command.(*instructions.Stage); ok {
				raw = st.BaseName
			}
			if raw == "" || strings.EqualFold(raw, "scratch") || stageByName(ast, s.Index, raw) != nil {
				continue
			}
			image, ok := expand(raw, args)
			if !ok || image == "" || strings.EqualFold(image, "scratch") || stageByName(ast, s.Index, image) != nil || strings.Contains(image, "@") {
				continue
			}
			start, end, found := p.Doc.WordSpan(s.From, raw)
			if !found {
				start, end = s.From.Start, s.From.End
			}
			report(p, s, start, end, nil, "base image "+image+" is not pinned by digest")
		}
	},
})

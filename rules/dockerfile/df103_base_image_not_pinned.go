package dockerfile

import (
	"strings"

	"hardline.dev/hardline/analyzer"
)

var _ = register(&analyzer.Rule{
	Code: "DF103", Name: "base-image-not-pinned",
	Summary:  "FROM image without a @sha256: digest",
	Severity: analyzer.Info, Profile: analyzer.All,
	Pin: analyzer.ImageIsSpan,
	Doc: analyzer.RuleDoc{
		Why: "A tag is a pointer the registry can move: the same Dockerfile builds on different base images over time, and a compromised " +
			"registry account can serve anything under a known tag. A digest names exactly one image. Earlier stages, scratch and images that " +
			"come from a build argument without a default are not checked.",
		Bad:  "FROM python:3.13-slim",
		Good: "FROM python:3.13-slim@sha256:…",
		Fix: "`hardline pin` resolves each tag's digest from its registry and pins it (an explicit command: it needs the network); " +
			"in the editor, the \"Pin to digest\" action does the same when the config sets `network: true`.",
	},
	Check: func(p *analyzer.Pass) {
		baseImages(p, func(s *analyzer.Stage, raw, image string) {
			if strings.Contains(image, "@") {
				return
			}
			start, end := wordOr(p.Doc, s.From, raw)
			report(p, s, start, end, nil, "base image "+image+" is not pinned by digest")
		})
	},
})

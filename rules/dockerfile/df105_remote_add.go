package dockerfile

import (
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"hardline.dev/hardline/analyzer"
)

var _ = register(&analyzer.Rule{
	Code: "DF105", Name: "remote-add",
	Summary:  "ADD of an http(s) URL without --checksum",
	Severity: analyzer.Warning, Profile: analyzer.Restricted,
	Doc: analyzer.RuleDoc{
		Why: "ADD https://… puts whatever the server returns into the image, unverified: a compromised server or a moved URL changes the image " +
			"silently. `ADD --checksum=sha256:…` makes the build fail unless the content is the one reviewed.",
		Bad:  "ADD https://example.com/tool.tar.gz /opt/",
		Good: "ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/tool.tar.gz /opt/",
	},
	Check: func(p *analyzer.Pass) {
		eachInstruction(p, func(s *analyzer.Stage, in *analyzer.Instruction) {
			add, ok := in.Command.(*instructions.AddCommand)
			if !ok || add.Checksum != "" {
				return
			}
			for _, src := range add.SourcePaths {
				u := strings.ToLower(strings.Trim(src, `"'`))
				if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
					continue
				}
				start, end := wordOr(p.Doc, in, src)
				report(p, s, start, end, nil, "ADD of "+src+" without --checksum: the download is not verified")
			}
		})
	},
})

package k8s

import (
	"strings"

	"hardline.dev/hardline/analyzer"
)

var _ = register(&analyzer.Rule{
	Code: "KS502", Name: "image-not-pinned",
	Summary:  "image not pinned by a sha256 digest",
	Severity: analyzer.Info, Profile: analyzer.All,
	Aliases: []string{"checkov:CKV_K8S_43"},
	Pin:     analyzer.ImageAfterKey,
	Doc: analyzer.RuleDoc{
		Why: "A tag is a pointer the registry's owner can move: the same manifest can run different code tomorrow, and a compromised " +
			"registry account can swap it. A digest (`@sha256:…`) names exactly one image.",
		Bad:  "image: nginx:1.27.3",
		Good: "image: nginx:1.27.3@sha256:0a399eb16751829e1af26fea27b20c3ec28d7ab1fb72182879dcae1cca21206a",
		Fix: "`hardline pin` resolves each tag's digest from its registry and pins it (an explicit command: it needs the network); " +
			"in the editor, the \"Pin to digest\" action does the same when the config sets `network: true`.",
	},
	Check: func(p *analyzer.Pass) {
		forImages(p, func(w *Workload, c *Container, f analyzer.Field, ref imageRef) {
			if !strings.HasPrefix(ref.Digest, "sha256:") {
				reportContainer(p, w, c, &f, "%s's image is not pinned by digest", c.describe())
			}
		})
	},
})

package dockerfile

import (
	"hardline.dev/hardline/analyzer"
)

var _ = register(&analyzer.Rule{
	Code: "DF204", Name: "apk-cache",
	Summary:  "apk add without --no-cache",
	Severity: analyzer.Info, Profile: analyzer.All,
	Aliases: []string{"hadolint:DL3019", "trivy:DS-0025"},
	Doc: analyzer.RuleDoc{
		Why: "apk add keeps the package index it downloaded in /var/cache/apk, in the image for good. `--no-cache` fetches the index, uses it " +
			"and leaves nothing behind (no `--update` or `rm -rf /var/cache/apk/*` needed). A build cache mounted at /var/cache/apk is fine too.",
		Bad:  "RUN apk add --update curl",
		Good: "RUN apk add --no-cache curl",
		Fix:  "Safe: inserts `--no-cache` after `add`.",
	},
	Check: func(p *analyzer.Pass) {
		for _, r := range runs(p) {
			if cacheMount(r.In, "/var/cache/apk", "/etc/apk/cache") {
				continue
			}
			for _, c := range r.Script.Commands {
				if c.Name != "apk" {
					continue
				}
				add, ok := subWord(&c, "add", "-X", "--repository", "-t", "--virtual", "-p", "--root", "--arch")
				if !ok || c.Flag("--no-cache") {
					continue
				}
				report(p, r.Stage, c.Args[0].Start, add.End, flagFix(p.Doc, r, add, "--no-cache"), "apk add without --no-cache keeps the package index in the image")
			}
		}
	},
})

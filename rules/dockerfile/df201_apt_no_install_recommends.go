package dockerfile

import (
	"strings"

	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/analyzer/shell"
)

var _ = register(&analyzer.Rule{
	Code: "DF201", Name: "apt-no-install-recommends",
	Summary:  "apt-get install without --no-install-recommends",
	Severity: analyzer.Info, Profile: analyzer.All,
	Aliases: []string{"hadolint:DL3015", "trivy:DS-0029"},
	Doc: analyzer.RuleDoc{
		Why: "apt-get installs a package's recommended packages too unless told not to: more code in the image, more to patch and more for an " +
			"attacker to use, for nothing the application asked for.",
		Bad:  "RUN apt-get update && apt-get install -y curl",
		Good: "RUN apt-get update && apt-get install -y --no-install-recommends curl",
		Fix:  "Safe: inserts `--no-install-recommends` after `install`.",
	},
	Check: func(p *analyzer.Pass) {
		for _, r := range runs(p) {
			for _, c := range r.Script.Commands {
				if c.Name != "apt-get" {
					continue
				}
				install, ok := subWord(&c, "install", "-o", "-t", "--target-release", "-c")
				if !ok || c.Flag("--no-install-recommends") || recommendsOff(c.Args) {
					continue
				}
				report(p, r.Stage, c.Args[0].Start, install.End, flagFix(p.Doc, r, install, "--no-install-recommends"),
					"apt-get install without --no-install-recommends also installs recommended packages")
			}
		}
	},
})

// recommendsOff tells whether an -o option turns recommends off.
func recommendsOff(args []shell.Word) bool {
	for _, a := range args {
		if v := strings.ToLower(a.Value); strings.Contains(v, "apt::install-recommends=") && (strings.HasSuffix(v, "=false") || strings.HasSuffix(v, "=0")) {
			return true
		}
	}
	return false
}

package dockerfile

import (
	"strings"

	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/analyzer/shell"
)

var _ = register(&analyzer.Rule{
	Code: "DF201", Name: "apt-no-install-recommends",
	Summary:  "apt-get, apt or aptitude install without --no-install-recommends",
	Severity: analyzer.Info, Profile: analyzer.All,
	Aliases: []string{"hadolint:DL3015", "trivy:DS-0029"},
	Doc: analyzer.RuleDoc{
		Why: "apt-get installs a package's recommended packages too unless told not to: more code in the image, more to patch and more for an " +
			"attacker to use, for nothing the application asked for.",
		Bad:  "RUN apt-get update && apt-get install -y curl",
		Good: "RUN apt-get update && apt-get install -y --no-install-recommends curl",
		Fix:  "Safe: inserts `--no-install-recommends` (aptitude: `--without-recommends`) after `install`.",
	},
	Check: func(p *analyzer.Pass) {
		for _, r := range runs(p) {
			for _, c := range r.Script.Commands {
				if !aptTools[c.Name] {
					continue
				}
				install, ok := subWord(&c, "install", aptValued...)
				if !ok || c.Flag("--no-install-recommends") || recommendsOff(c.Args) ||
					c.Name == "aptitude" && c.Flag("--without-recommends", "-R") {
					continue
				}
				flag := "--no-install-recommends"
				if c.Name == "aptitude" {
					flag = "--without-recommends"
				}
				report(p, r.Stage, c.Args[0].Start, install.End, flagFix(p.Doc, r, install, flag),
					c.Name+" install without "+flag+" also installs recommended packages")
			}
		}
	},
})

// aptTools are Debian's package tools; apt and aptitude install
// recommends and download lists just as apt-get does.
var aptTools = map[string]bool{"apt-get": true, "apt": true, "aptitude": true}

// aptValued are their options that take a value.
var aptValued = []string{"-o", "-t", "--target-release", "-c"}

// recommendsOff tells whether an -o option turns recommends off.
func recommendsOff(args []shell.Word) bool {
	for _, a := range args {
		if v := strings.ToLower(a.Value); strings.Contains(v, "apt::install-recommends=") && (strings.HasSuffix(v, "=false") || strings.HasSuffix(v, "=0")) {
			return true
		}
	}
	return false
}

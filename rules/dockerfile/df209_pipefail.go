package dockerfile

import (
	"path"
	"strings"

	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/analyzer/shell"
)

var _ = register(&analyzer.Rule{
	Code: "DF209", Name: "pipefail",
	Summary:  "RUN with a pipe and no pipefail",
	Severity: analyzer.Info, Profile: analyzer.All,
	Aliases: []string{"hadolint:DL4006", "trivy:DS-0032"},
	Doc: analyzer.RuleDoc{
		Why: "A pipeline's status is its last command's: in `RUN curl -fsSL $URL | tar -xz` a failed download still builds an image, without " +
			"the files. `SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]` (or ash, zsh) before the RUN, or `set -o pipefail &&` at its start, " +
			"makes the build fail instead. A non-POSIX SHELL (PowerShell, cmd) is not checked.",
		Bad:  "RUN curl -fsSL https://example.com/app.tgz | tar -xz",
		Good: "SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nRUN curl -fsSL https://example.com/app.tgz | tar -xz",
	},
	Check: func(p *analyzer.Pass) {
		for _, r := range runs(p) {
			if pipefailShell(r.Shell) {
				continue
			}
			first, last := -1, -1
			set := false
			for i, c := range r.Script.Commands {
				if c.Name == "set" && setsPipefail(&c) && first < 0 {
					set = true
				}
				if c.Pipeline > 0 && !set {
					if first < 0 {
						first = i
					}
					if r.Script.Commands[i].Pipeline == r.Script.Commands[first].Pipeline {
						last = i
					}
				}
			}
			if first < 0 {
				continue
			}
			report(p, r.Stage, r.Script.Commands[first].Start, r.Script.Commands[last].End, nil,
				"a pipe in RUN without pipefail: a failing command before the last one does not fail the build")
		}
	},
})

// setsPipefail tells whether a `set` turns pipefail on (-o pipefail,
// -eo pipefail, -euxo pipefail).
func setsPipefail(c *shell.Command) bool {
	for i := 1; i+1 < len(c.Args); i++ {
		v := c.Args[i].Value
		if strings.HasPrefix(v, "-") && !strings.HasPrefix(v, "--") && strings.HasSuffix(v, "o") && c.Args[i+1].Value == "pipefail" {
			return true
		}
	}
	return false
}

// pipefailShell tells whether a SHELL instruction's command has pipefail,
// or is not a POSIX shell (the check does not apply).
func pipefailShell(cmd []string) bool {
	if len(cmd) == 0 {
		return false
	}
	name := strings.ToLower(path.Base(strings.ReplaceAll(cmd[0], `\`, "/")))
	for _, np := range []string{"pwsh", "powershell", "cmd"} {
		if strings.HasPrefix(name, np) {
			return true
		}
	}
	words := make([]shell.Word, len(cmd))
	for i, a := range cmd {
		words[i] = shell.Word{Value: a, Literal: true}
	}
	c := shell.Command{Name: name, Args: words}
	return (name == "bash" || name == "zsh" || name == "ash") && setsPipefail(&c)
}

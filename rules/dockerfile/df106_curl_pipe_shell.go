package dockerfile

import (
	"strings"

	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/analyzer/shell"
)

var _ = register(&analyzer.Rule{
	Code: "DF106", Name: "curl-pipe-shell",
	Summary:  "A downloaded script piped into a shell (curl … | sh)",
	Severity: analyzer.Error, Profile: analyzer.Restricted,
	Doc: analyzer.RuleDoc{
		Why: "`curl … | sh` runs whatever the server sends at build time, as root, unreviewed and unverified: a compromised or spoofed server " +
			"owns the image. The same holds for `sh -c \"$(curl …)\"`, `bash <(wget -O- …)` and interpreters such as python or perl. Download " +
			"the script to a file, verify its checksum or signature, then run it.",
		Bad:  "RUN curl -fsSL https://get.example.com | sh",
		Good: "RUN curl -fsSLo install.sh https://get.example.com \\\n && echo \"<sha256>  install.sh\" | sha256sum -c - \\\n && sh install.sh",
	},
	Check: func(p *analyzer.Pass) {
		for _, r := range runs(p) {
			cmds := r.Script.Commands
			for i, c := range cmds {
				if !downloads(&c) {
					continue
				}
				// Piped into an interpreter later in the same pipeline.
				if c.Pipeline > 0 {
					for j := i + 1; j < len(cmds); j++ {
						d := cmds[j]
						if d.Pipeline == c.Pipeline && d.PipeIndex > c.PipeIndex && interpreter(&d) {
							report(p, r.Stage, c.Start, d.End, nil, "a download is piped into "+runner(&d)+": the script runs unverified")
							break
						}
					}
				}
				// Substituted into an interpreter's arguments.
				if c.In >= 0 && interpreter(&cmds[c.In]) && cmds[c.In].Pipeline == 0 {
					report(p, r.Stage, cmds[c.In].Start, cmds[c.In].End, nil, "a download is run by "+runner(&cmds[c.In])+": the script runs unverified")
				}
			}
		}
	},
})

func downloads(c *shell.Command) bool { return c.Name == "curl" || c.Name == "wget" }

// interpreters run a script they read; shells are in shell.Shells.
var interpreters = map[string]bool{"python": true, "python3": true, "perl": true, "ruby": true, "node": true, "php": true}

// runner is the program a command runs, past sudo and env wrappers.
func runner(c *shell.Command) string {
	for _, w := range c.Args {
		v := w.Value
		if strings.HasPrefix(v, "-") || strings.Contains(v, "=") && !strings.HasPrefix(v, "/") {
			continue
		}
		name := v[strings.LastIndexByte(v, '/')+1:]
		if name == "sudo" || name == "env" || name == "exec" || name == "command" {
			continue
		}
		return name
	}
	return ""
}

func interpreter(c *shell.Command) bool {
	n := runner(c)
	return shell.Shells[n] || interpreters[n]
}

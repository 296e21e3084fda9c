package dockerfile

import (
	"strconv"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"hardline.dev/hardline/analyzer"
)

var _ = register(&analyzer.Rule{
	Code: "DF110", Name: "world-writable",
	Summary:  "chmod makes files writable by every user (777, a+w, o+w)",
	Severity: analyzer.Error, Profile: analyzer.Restricted,
	Doc: analyzer.RuleDoc{
		Why: "A world-writable file or directory can be changed by any user in the container, including a compromised unprivileged process: " +
			"scripts and binaries it replaces run with whatever rights their callers have. Give ownership to the user that writes " +
			"(`COPY --chown`, `chown`) and keep the mode at 755/644. Directories with the sticky bit (1777, like /tmp) are not reported.",
		Bad:  "RUN chmod -R 777 /app",
		Good: "RUN chown -R 65532:65532 /app && chmod -R 755 /app",
	},
	Check: func(p *analyzer.Pass) {
		for _, r := range runs(p) {
			for _, c := range r.Script.Commands {
				if c.Name != "chmod" {
					continue
				}
				for _, w := range c.Operands() {
					if worldWritable(w.Value) {
						report(p, r.Stage, w.Start, w.End, nil, "chmod "+w.Value+" makes files writable by every user")
						break
					}
				}
			}
		}
		eachInstruction(p, func(s *analyzer.Stage, in *analyzer.Instruction) {
			var mode string
			switch c := in.Command.(type) {
			case *instructions.CopyCommand:
				mode = c.Chmod
			case *instructions.AddCommand:
				mode = c.Chmod
			}
			if worldWritable(mode) {
				start, end := wordOr(p.Doc, in, mode)
				report(p, s, start, end, nil, "--chmod="+mode+" makes files writable by every user")
			}
		})
	},
})

// worldWritable tells whether a chmod mode gives others write permission:
// an octal mode with the others' write bit and no sticky bit, or a
// symbolic clause for a or o that adds or sets w.
func worldWritable(mode string) bool {
	if mode == "" {
		return false
	}
	if n, err := strconv.ParseUint(mode, 8, 32); err == nil {
		return n&0o002 != 0 && n&0o1000 == 0
	}
	for _, clause := range strings.Split(mode, ",") {
		i := strings.IndexAny(clause, "+=")
		if i <= 0 {
			continue
		}
		who, perms := clause[:i], clause[i+1:]
		if strings.ContainsAny(who, "ao") && strings.Contains(perms, "w") && !strings.Contains(perms, "t") {
			return true
		}
	}
	return false
}

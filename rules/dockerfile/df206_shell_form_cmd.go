package dockerfile

import (
	"encoding/json"
	"strings"

	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/analyzer/shell"
	"hardline.dev/hardline/fixes"
)

var _ = register(&analyzer.Rule{
	Code: "DF206", Name: "shell-form-cmd",
	Summary:  "CMD or ENTRYPOINT in shell form",
	Severity: analyzer.Warning, Profile: analyzer.Restricted,
	Aliases: []string{"hadolint:DL3025", "buildkit:JSONArgsRecommended"},
	Doc: analyzer.RuleDoc{
		Why: "In shell form the container's PID 1 is /bin/sh -c, not the application: `docker stop` and Kubernetes send SIGTERM to the shell, " +
			"which does not pass it on, so the application is killed without a chance to shut down cleanly after the grace period. The exec " +
			"(JSON) form runs the program directly.",
		Bad:  "CMD node server.js",
		Good: "CMD [\"node\", \"server.js\"]",
		Fix: "Unsafe (the program now gets the signals, and no shell expands variables): rewrites the instruction to JSON form when its " +
			"command is one plain command whose words need no shell.",
	},
	Check: func(p *analyzer.Pass) {
		eachInstruction(p, func(s *analyzer.Stage, in *analyzer.Instruction) {
			if in.Keyword != "cmd" && in.Keyword != "entrypoint" || in.Node == nil || in.Node.Attributes["json"] {
				return
			}
			start := in.Start + len(in.Keyword)
			end := p.Doc.Lines.End(in.EndLine)
			report(p, s, in.Start, in.End, jsonFormFix(p.Doc, start, end),
				strings.ToUpper(in.Keyword)+" in shell form runs under /bin/sh -c, which does not forward signals: use the JSON form")
		})
	},
})

// jsonFormFix rewrites the arguments [start, end) as a JSON array when
// they are one simple command of literal words without shell syntax.
func jsonFormFix(doc *analyzer.Document, start, end int) func() []fixes.Fix {
	if doc.Dockerfile.Escape != '\\' {
		return nil
	}
	raw := string(doc.Text[start:end])
	if strings.ContainsAny(raw, "\\\n$`*?[<>|;&(){}#~") {
		return nil
	}
	sc, err := shell.Parse(raw, start)
	if err != nil || len(sc.Commands) != 1 || len(sc.Commands[0].Assigns) > 0 {
		return nil
	}
	var words []string
	for _, w := range sc.Commands[0].Args {
		if !w.Literal {
			return nil
		}
		words = append(words, w.Value)
	}
	return func() []fixes.Fix {
		b, err := json.Marshal(words)
		if err != nil {
			return nil
		}
		text := strings.ReplaceAll(string(b), `","`, `", "`)
		lead := len(raw) - len(strings.TrimLeft(raw, " \t"))
		trail := len(raw) - len(strings.TrimRight(raw, " \t\r"))
		edit := fixes.TextEdit{Start: start + lead, End: end - trail, NewText: text}
		return []fixes.Fix{{Title: "Use the JSON (exec) form", Safety: fixes.Unsafe, Edits: []fixes.TextEdit{edit}}}
	}
}

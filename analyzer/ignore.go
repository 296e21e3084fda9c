package analyzer

import (
	"bytes"
	"context"
	"strings"

	"hardline.dev/hardline/fixes"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// IgnoreFix is the edit that suppresses one finding with a
// "# hardline:ignore CODE" comment on its line: a trailing comment in
// YAML (appending to one already there), a comment line above the
// instruction in a Dockerfile, where trailing comments do not exist. It is
// verified like any fix: the text still parses and the finding is gone.
// JSON manifests get none, since a comment would make them invalid JSON.
func (e *Engine) IgnoreFix(ctx context.Context, doc *Document, cfg *Config, f *Finding) (fixes.Fix, bool) {
	line := doc.Lines.Line(f.Start)
	var edit fixes.TextEdit
	movedLine := line
	switch doc.Language {
	case Dockerfile:
		start := doc.Lines.Start(line)
		text := doc.Lines.Text(line)
		indent := text[:len(text)-len(bytes.TrimLeft(text, " \t"))]
		edit = fixes.TextEdit{Start: start, End: start, NewText: string(indent) + "# hardline:ignore " + f.Rule.Code + fixes.LineBreak(doc.Text)}
		movedLine++
	case Kubernetes:
		if o := doc.objectAt(f.Start); o != nil && o.Root != nil && isFlow(o.Root) {
			return fixes.Fix{}, false
		}
		edit = trailingIgnore(doc, line, f.Rule.Code)
	default:
		return fixes.Fix{}, false
	}
	// Verify in the YAML document that holds the finding (the whole file
	// for a Dockerfile), as fixes are: one small re-parse.
	start, end := 0, len(doc.Text)
	if o := doc.objectAt(f.Start); o != nil {
		start, end = o.DocStart, o.DocEnd
	}
	shifted := fixes.TextEdit{Start: edit.Start - start, End: edit.End - start, NewText: edit.NewText}
	next, err := fixes.Apply(doc.Text[start:end], []fixes.TextEdit{shifted})
	if err != nil {
		return fixes.Fix{}, false
	}
	after := Parse(doc.Path, next, ParseOptions{Language: doc.Language})
	if syntaxProblems(after) > syntaxProblemsIn(doc, start, end) {
		return fixes.Fix{}, false
	}
	movedLine -= doc.Lines.Line(start) - 1
	for _, g := range e.Run(ctx, after, cfg) {
		if g.Rule == f.Rule && g.Object == f.Object && g.Container == f.Container && after.Lines.Line(g.Start) == movedLine {
			return fixes.Fix{}, false
		}
	}
	return fixes.Fix{Title: "Ignore " + f.Rule.Code + " on this line", Safety: fixes.Safe, Edits: []fixes.TextEdit{edit}}, true
}

// trailingIgnore appends the code to the line's hardline:ignore comment, or
// adds one at the end of the line.
func trailingIgnore(doc *Document, line int, code string) fixes.TextEdit {
	start, end := doc.Lines.Start(line), doc.Lines.End(line)
	text := doc.Lines.Text(line)
	if hash := commentStart(text, doc.Language); hash >= 0 {
		comment := string(text[hash+1:])
		trimmed := strings.TrimLeft(comment, " \t")
		if rest, ok := strings.CutPrefix(trimmed, "hardline:ignore"); ok && (rest == "" || rest[0] == ' ' || rest[0] == '\t') {
			// Insert after the last code, before any "-- reason".
			list := rest
			if i := strings.Index(list, "--"); i >= 0 {
				list = list[:i]
			}
			at := start + hash + 1 + (len(comment) - len(trimmed)) + len("hardline:ignore") + len(strings.TrimRight(list, " \t"))
			sep := ","
			if strings.TrimSpace(list) == "" {
				sep = " "
			}
			return fixes.TextEdit{Start: at, End: at, NewText: sep + code}
		}
	}
	at := start + len(bytes.TrimRight(text, " \t"))
	return fixes.TextEdit{Start: at, End: end, NewText: "  # hardline:ignore " + code}
}

func isFlow(n *yaml.Node) bool {
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	return n.Style&yaml.FlowStyle != 0
}

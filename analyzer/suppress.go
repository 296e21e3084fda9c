package analyzer

import (
	"bytes"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// SuppressionKind says where a suppression was written.
type SuppressionKind int

const (
	// IgnoreComment is "# hardline:ignore CODE" or "# hardline:ignore-file CODE".
	IgnoreComment SuppressionKind = iota
	// IgnoreAnnotation is the hardline.dev/ignore annotation.
	IgnoreAnnotation
	// PeerPragma is a peer tool's pragma read through rule aliases
	// (hadolint comments, kube-linter annotations).
	PeerPragma
)

// IgnoreAnnotationKey is the annotation that suppresses rules for an object.
const IgnoreAnnotationKey = "hardline.dev/ignore"

// Suppression is one code of one ignore comment, annotation or pragma,
// with the part of the file it covers.
type Suppression struct {
	Kind SuppressionKind
	// Code is the code or name as written; Rules are the rules it names
	// (none for an unknown code; several for a peer ID several rules alias).
	Code  string
	Rules []*Rule
	// Start and End span the code where it is written.
	Start, End int
	// The findings it covers: the whole file, or those that start within
	// [From, To).
	File     bool
	From, To int
	// Used is set when it suppressed a finding; RuleRan when one of its
	// rules ran on the document (an unused suppression of a rule that is
	// off is not stale, just idle).
	Used, RuleRan bool
}

func (s *Suppression) covers(f *Finding) bool {
	if !s.File && (f.Start < s.From || f.Start >= s.To) {
		return false
	}
	for _, r := range s.Rules {
		if r == f.Rule {
			return true
		}
	}
	// A policy's own code ("code" in its result) is known only once the
	// policy produced it, after the suppressions were read.
	return len(s.Rules) == 0 && f.Rule.Policy && s.Code == f.Rule.Code
}

// suppressions collects every suppression of a document.
func (e *Engine) suppressions(d *Document) []*Suppression {
	var out []*Suppression
	c := suppressionCollector{e: e, d: d}
	// Most files have no suppression comment: one scan of the text for
	// the markers spares the scan of every line.
	marked := bytes.Contains(d.Text, []byte("hardline:")) || d.Language == Dockerfile && bytes.Contains(d.Text, []byte("hadolint "))
	for l := 1; marked && l <= d.Lines.Count(); l++ {
		line := d.Lines.Text(l)
		hash := commentStart(line, d.Language)
		if hash < 0 {
			continue
		}
		comment := line[hash+1:]
		base := d.Lines.Start(l) + hash + 1
		alone := len(bytes.TrimSpace(line[:hash])) == 0
		out = append(out, c.fromComment(l, comment, base, alone)...)
	}
	for _, o := range d.Objects {
		out = append(out, c.fromAnnotations(o)...)
	}
	return out
}

type suppressionCollector struct {
	e *Engine
	d *Document
}

// commentStart finds the '#' that starts a comment on a line: in a
// Dockerfile only at the start of the line (elsewhere '#' is part of the
// command); in YAML where it follows white space or starts the line.
func commentStart(line []byte, lang Language) int {
	trimmed := bytes.TrimLeft(line, " \t")
	if len(trimmed) > 0 && trimmed[0] == '#' {
		return len(line) - len(trimmed)
	}
	if lang == Dockerfile {
		return -1
	}
	for i := bytes.Index(line, []byte(" #")); i >= 0; {
		if bytes.Contains(line[i:], []byte("hardline:")) {
			return i + 1
		}
		next := bytes.Index(line[i+2:], []byte(" #"))
		if next < 0 {
			break
		}
		i += 2 + next
	}
	return -1
}

func (c *suppressionCollector) fromComment(line int, comment []byte, base int, alone bool) []*Suppression {
	text := string(comment)
	trimmed := strings.TrimLeft(text, " \t")
	base += len(text) - len(trimmed)
	switch {
	case strings.HasPrefix(trimmed, "hardline:ignore-file"):
		return c.codes(IgnoreComment, trimmed, len("hardline:ignore-file"), base, func(s *Suppression) { s.File = true })
	case strings.HasPrefix(trimmed, "hardline:ignore"):
		from, to := c.scope(line, alone)
		return c.codes(IgnoreComment, trimmed, len("hardline:ignore"), base, func(s *Suppression) { s.From, s.To = from, to })
	case alone && strings.HasPrefix(trimmed, "hadolint ") && c.d.Language == Dockerfile:
		rest := strings.TrimSpace(trimmed[len("hadolint "):])
		global := false
		if r, ok := strings.CutPrefix(rest, "global "); ok {
			rest, global = strings.TrimSpace(r), true
		}
		list, ok := strings.CutPrefix(rest, "ignore=")
		if !ok {
			return nil
		}
		from, to := c.scope(line, true)
		off := base + strings.Index(trimmed, list)
		var out []*Suppression
		for _, code := range splitCodes(list, off) {
			s := &Suppression{Kind: PeerPragma, Code: code.text, Rules: c.e.byAlias("hadolint:" + code.text),
				Start: code.start, End: code.end, File: global, From: from, To: to}
			out = append(out, s)
		}
		return out
	}
	return nil
}

// codes splits "hardline:ignore CODE,CODE -- reason" into suppressions.
func (c *suppressionCollector) codes(kind SuppressionKind, text string, skip, base int, set func(*Suppression)) []*Suppression {
	list := text[skip:]
	if len(list) > 0 && list[0] != ' ' && list[0] != '\t' {
		return nil // "hardline:ignorex" is not ours
	}
	if i := strings.Index(list, "--"); i >= 0 {
		list = list[:i]
	}
	var out []*Suppression
	for _, code := range splitCodes(list, base+skip) {
		s := &Suppression{Kind: kind, Code: code.text, Start: code.start, End: code.end, Rules: c.e.Lookup(code.text)}
		set(s)
		out = append(out, s)
	}
	return out
}

type codeAt struct {
	text       string
	start, end int
}

// splitCodes splits a comma- or space-separated list, keeping offsets.
func splitCodes(list string, base int) []codeAt {
	var out []codeAt
	start := -1
	for i := 0; i <= len(list); i++ {
		sep := i == len(list) || list[i] == ',' || list[i] == ' ' || list[i] == '\t' || list[i] == '\r'
		switch {
		case !sep && start < 0:
			start = i
		case sep && start >= 0:
			out = append(out, codeAt{list[start:i], base + start, base + i})
			start = -1
		}
	}
	return out
}

// scope is what a comment on line covers: a trailing comment its own
// line; one alone on its line the next line that is not a comment, and
// when that line starts an object, a container or a Dockerfile
// instruction, all of it.
func (c *suppressionCollector) scope(line int, alone bool) (int, int) {
	d := c.d
	if !alone {
		return d.Lines.Start(line), d.Lines.End(line) + 1
	}
	target := line + 1
	for target <= d.Lines.Count() {
		t := bytes.TrimSpace(d.Lines.Text(target))
		if len(t) == 0 || t[0] != '#' {
			break
		}
		target++
	}
	from, to := d.Lines.Start(target), d.Lines.End(target)+1
	if d.Dockerfile != nil {
		for _, in := range d.Dockerfile.Instructions {
			if in.StartLine == target {
				return from, d.Lines.End(in.EndLine) + 1
			}
		}
	}
	for _, o := range d.Objects {
		if d.Lines.Line(o.Start) == target {
			return from, max(o.End, to)
		}
		if o.Start <= from && from < o.End {
			if end, ok := d.sequenceItemAt(o.Node, target); ok {
				return from, max(end, to)
			}
		}
	}
	return from, to
}

// sequenceItemAt finds a mapping item of a block sequence (a container, a
// volume, …) whose "- " is on line and returns the end of the item.
func (d *Document) sequenceItemAt(n *yaml.Node, line int) (int, bool) {
	if n == nil || n.Line > line {
		return 0, false
	}
	if n.Kind == yaml.SequenceNode {
		for _, it := range n.Content {
			if it.Kind == yaml.MappingNode && it.Line == line {
				return d.NodeEnd(it), true
			}
		}
	}
	for i := len(n.Content) - 1; i >= 0; i-- {
		if c := n.Content[i]; c.Line <= line {
			if c.Kind == yaml.AliasNode {
				return 0, false
			}
			return d.sequenceItemAt(c, line)
		}
	}
	return 0, false
}

// annotationPaths are where an object or its pod template keeps annotations.
var annotationPaths = [][]string{
	{"metadata", "annotations"},
	{"spec", "template", "metadata", "annotations"},
	{"template", "metadata", "annotations"},
	{"spec", "jobTemplate", "spec", "template", "metadata", "annotations"},
}

func (c *suppressionCollector) fromAnnotations(o *Object) []*Suppression {
	var out []*Suppression
	for _, path := range annotationPaths {
		for _, f := range Fields(Get(o.Node, path...)) {
			key := f.Key.Value
			switch {
			case key == IgnoreAnnotationKey:
				start := c.d.NodeStart(f.Value)
				if f.Value.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
					start++
				}
				for _, code := range splitCodes(Str(f.Value), start) {
					s := &Suppression{Kind: IgnoreAnnotation, Code: code.text, Start: code.start, End: code.end, From: o.Start, To: o.End,
						Rules: c.e.Lookup(code.text)}
					out = append(out, s)
				}
			case strings.HasPrefix(key, "ignore-check.kube-linter.io/"):
				check := strings.TrimPrefix(key, "ignore-check.kube-linter.io/")
				start, end := c.d.Span(f.Key)
				out = append(out, &Suppression{Kind: PeerPragma, Code: check, Rules: c.e.byAlias("kube-linter:" + check),
					Start: start, End: end, From: o.Start, To: o.End})
			}
		}
	}
	return out
}

// byAlias lists the rules that carry a peer alias.
func (e *Engine) byAlias(alias string) []*Rule {
	var out []*Rule
	for _, r := range e.rules {
		for _, a := range r.Aliases {
			if a == alias {
				out = append(out, r)
			}
		}
	}
	return out
}

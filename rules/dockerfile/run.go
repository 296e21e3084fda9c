package dockerfile

import (
	"maps"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/analyzer/shell"
	"hardline.dev/hardline/fixes"
)

// run is a RUN instruction with what rules ask of it.
type run struct {
	Stage  *analyzer.Stage
	In     *analyzer.Instruction
	Script *shell.Script
	// InPlace tells that word spans are the words' own bytes in the file
	// (shell form), so a flag can be inserted after one.
	InPlace bool
	// Shell is the stage's SHELL in effect at the RUN (nil: the default).
	Shell []string
	// Env is the ENV in effect at the RUN, the base stages' included. It
	// is shared between RUNs and never modified.
	Env map[string]string
}

type runsKey struct{}

// runs parses every RUN of the Dockerfile once per analysis and shares the
// result among the rules.
func runs(p *analyzer.Pass) []run {
	return p.Memo(runsKey{}, func() any {
		ast := p.Doc.Dockerfile
		if ast == nil {
			return []run(nil)
		}
		var out []run
		// SHELL and ENV are tracked as the instructions go by: looking
		// back from each RUN would be quadratic in long Dockerfiles.
		finalEnv := map[*analyzer.Stage]map[string]string{}
		for _, s := range ast.Stages {
			env := map[string]string{}
			if base := stageByName(ast, s.Index, s.BaseName); base != nil {
				env = finalEnv[base]
			}
			var sh []string
			for _, in := range s.Instructions {
				switch c := in.Command.(type) {
				case *instructions.ShellCommand:
					sh = c.Shell
				case *instructions.EnvCommand:
					env = maps.Clone(env)
					for _, kv := range c.Env {
						env[kv.Key] = kv.Value
					}
				}
				if in.Keyword != "run" {
					continue
				}
				sc, inPlace := parseRun(p.Doc, ast, in)
				out = append(out, run{Stage: s, In: in, Script: sc, InPlace: inPlace, Shell: sh, Env: env})
			}
			finalEnv[s] = env
		}
		return out
	}).([]run)
}

// parseRun parses a RUN's command: the exec form's words, or the shell
// form's text where it stands in the file, so every word keeps its span.
func parseRun(doc *analyzer.Document, ast *analyzer.DockerfileAST, in *analyzer.Instruction) (*shell.Script, bool) {
	start, end := in.Start+len(in.Keyword), doc.Lines.End(in.EndLine)
	if start > end {
		return &shell.Script{}, false
	}
	if in.Node != nil && in.Node.Attributes["json"] {
		return shell.FromWords(jsonWords(doc.Text, start, end)), false
	}
	// A Windows-style escape character (`) means a non-POSIX shell.
	if ast.Escape != '\\' {
		return &shell.Script{}, false
	}
	src := shellText(doc.Text[start:end])
	sc, err := shell.Parse(src, start)
	if err != nil {
		return &shell.Script{}, false // what sh cannot parse fails at build time; nothing to say here
	}
	return sc, true
}

// shellText is a RUN's text after the keyword as sh would see it, with
// every byte kept at its offset: the instruction's flags (--mount=…)
// blanked, comment and empty lines inside a continuation (which the
// Dockerfile parser drops) blanked with their line break, CR before LF
// dropped, and a continuation backslash moved next to its line break
// when spaces follow it.
func shellText(raw []byte) string {
	b := []byte(string(raw))
	i := 0
	for {
		for i < len(b) && (b[i] == ' ' || b[i] == '\t') {
			i++
		}
		if i+1 < len(b) && b[i] == '-' && b[i+1] == '-' {
			for i < len(b) && b[i] != ' ' && b[i] != '\t' && b[i] != '\n' {
				b[i] = ' '
				i++
			}
			continue
		}
		break
	}
	continued := false
	for ls := 0; ls < len(b); {
		le := ls
		for le < len(b) && b[le] != '\n' {
			le++
		}
		content := le
		if content > ls && b[content-1] == '\r' {
			b[content-1] = ' '
			content--
		}
		trimmed := strings.TrimSpace(string(b[ls:content]))
		if continued && le < len(b) && (trimmed == "" || strings.HasPrefix(trimmed, "#")) {
			for k := ls; k <= le; k++ {
				b[k] = ' '
			}
			ls = le + 1
			continue
		}
		last := content
		for last > ls && (b[last-1] == ' ' || b[last-1] == '\t') {
			last--
		}
		continued = last > ls && b[last-1] == '\\'
		if continued && last < content {
			b[last-1] = ' '
			b[content-1] = '\\'
		}
		ls = le + 1
	}
	return string(b)
}

// jsonWords finds the strings of an exec-form array in text[start:end],
// each spanning its quotes.
func jsonWords(text []byte, start, end int) []shell.Word {
	var out []shell.Word
	for i := start; i < end; i++ {
		if text[i] != '"' {
			continue
		}
		var b strings.Builder
		j := i + 1
		for ; j < end && text[j] != '"'; j++ {
			if text[j] == '\\' && j+1 < end {
				j++
				switch text[j] {
				case 'n':
					b.WriteByte('\n')
				case 't':
					b.WriteByte('\t')
				default:
					b.WriteByte(text[j])
				}
				continue
			}
			b.WriteByte(text[j])
		}
		if j >= end {
			break
		}
		out = append(out, shell.Word{Value: b.String(), Literal: true, Start: i, End: j + 1})
		i = j
	}
	return out
}

// cacheMount tells whether the RUN mounts a build cache at a path under
// one of the prefixes (the cache then holds what the rule wants removed).
func cacheMount(in *analyzer.Instruction, prefixes ...string) bool {
	if in.Node == nil {
		return false
	}
	for _, f := range in.Node.Flags {
		spec, ok := strings.CutPrefix(f, "--mount=")
		if !ok {
			continue
		}
		var cache bool
		var target string
		for _, kv := range strings.Split(spec, ",") {
			k, v, _ := strings.Cut(kv, "=")
			switch k {
			case "type":
				cache = v == "cache"
			case "target", "dst", "destination":
				target = v
			}
		}
		for _, p := range prefixes {
			if cache && strings.HasPrefix(target, p) {
				return true
			}
		}
	}
	return false
}

// report reports a finding in a stage, scoped to it.
func report(p *analyzer.Pass, s *analyzer.Stage, start, end int, fix func() []fixes.Fix, msg string) {
	scopeStart, scopeEnd := p.Doc.StageSpan(s)
	p.Report(analyzer.Finding{Start: start, End: end, Fix: fix, ScopeStart: scopeStart, ScopeEnd: scopeEnd, Message: msg})
}

// flagFix inserts a flag after a command's word, when the word's bytes
// are in place.
func flagFix(doc *analyzer.Document, r run, after shell.Word, flag string) func() []fixes.Fix {
	if !r.InPlace {
		return nil
	}
	return func() []fixes.Fix {
		edit := doc.DockerfileEditor().InsertFlag(after.End, flag)
		return []fixes.Fix{{Title: "Add " + flag, Safety: fixes.Safe, Edits: []fixes.TextEdit{edit}}}
	}
}

// isPip tells whether a command is pip (pip, pip3, pip3.12, python -m pip)
// and returns the words from its subcommand on.
func pipArgs(c *shell.Command) ([]shell.Word, bool) {
	if strings.HasPrefix(c.Name, "pip") && !strings.HasPrefix(c.Name, "pipx") && !strings.HasPrefix(c.Name, "pipenv") {
		return c.Args[1:], true
	}
	if strings.HasPrefix(c.Name, "python") {
		for i := 1; i+1 < len(c.Args); i++ {
			if c.Args[i].Value == "-m" {
				if strings.HasPrefix(c.Args[i+1].Value, "pip") && !strings.HasPrefix(c.Args[i+1].Value, "pipx") && !strings.HasPrefix(c.Args[i+1].Value, "pipenv") {
					return c.Args[i+2:], true
				}
				return nil, false
			}
		}
	}
	return nil, false
}

// subWord is the first operand of a command (its subcommand), if it is
// value.
func subWord(c *shell.Command, value string, valued ...string) (shell.Word, bool) {
	ops := c.Operands(valued...)
	if len(ops) > 0 && ops[0].Value == value {
		return ops[0], true
	}
	return shell.Word{}, false
}

// truthy is how tools read boolean environment variables.
func truthy(v string) bool {
	switch strings.ToLower(strings.Trim(v, `"'`)) {
	case "1", "true", "on", "yes":
		return true
	}
	return false
}

// shellCommand is a command made of words (pip's arguments after
// `python -m pip`), for the flag and operand helpers.
func shellCommand(args []shell.Word) shell.Command {
	return shell.Command{Args: append([]shell.Word{{}}, args...)}
}

// assigned tells whether the command sets name truthy in its prefix
// (`PIP_NO_CACHE_DIR=1 pip install …`).
func assigned(c *shell.Command, name string) bool {
	for _, a := range c.Assigns {
		if a.Name == name && truthy(a.Value.Value) {
			return true
		}
	}
	return false
}

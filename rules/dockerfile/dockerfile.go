// Package dockerfile holds the rules for Dockerfiles.
package dockerfile

import (
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/rules/image"
)

var registered []*analyzer.Rule

// register adds a rule to the package's list; each rule's file calls it.
func register(r *analyzer.Rule) *analyzer.Rule {
	r.Language = analyzer.Dockerfile
	registered = append(registered, r)
	return r
}

// Rules lists the package's rules.
func Rules() []*analyzer.Rule { return registered }

// stageByName finds an earlier stage that a FROM refers to by name or index.
func stageByName(ast *analyzer.DockerfileAST, before int, ref string) *analyzer.Stage {
	ref = strings.ToLower(ref)
	for _, s := range ast.Stages[:before] {
		if s.Name != "" && s.Name == ref {
			return s
		}
	}
	return nil
}

// globalArgs are the defaults of the ARGs declared before the first FROM,
// the only variables a FROM line can use.
func globalArgs(ast *analyzer.DockerfileAST) map[string]string {
	out := map[string]string{}
	for _, in := range ast.GlobalArgs {
		arg, ok := in.Command.(*instructions.ArgCommand)
		if !ok {
			continue
		}
		for _, kv := range arg.Args {
			if kv.Value != nil {
				out[kv.Key] = unquote(*kv.Value)
			} else {
				out[kv.Key] = ""
			}
		}
	}
	return out
}

// unquote drops the quotes around an ARG default, as the shell-like
// word processing of BuildKit does when it expands the variable.
func unquote(v string) string {
	if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
		return v[1 : len(v)-1]
	}
	return v
}

// expand substitutes $VAR and ${VAR} (with :- and - defaults) from args;
// ok is false when a variable has no value.
func expand(s string, args map[string]string) (string, bool) {
	if !strings.Contains(s, "$") {
		return s, true
	}
	var b strings.Builder
	ok := true
	for i := 0; i < len(s); i++ {
		if s[i] != '$' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		var name, def string
		hasDef := false
		if s[i+1] == '{' {
			end := strings.IndexByte(s[i:], '}')
			if end < 0 {
				return "", false
			}
			expr := s[i+2 : i+end]
			i += end
			if n, d, found := strings.Cut(expr, ":-"); found {
				name, def, hasDef = n, d, true
			} else if n, d, found := strings.Cut(expr, "-"); found {
				name, def, hasDef = n, d, true
			} else {
				name = expr
			}
		} else {
			j := i + 1
			for j < len(s) && (s[j] == '_' || s[j] >= 'a' && s[j] <= 'z' || s[j] >= 'A' && s[j] <= 'Z' || s[j] >= '0' && s[j] <= '9') {
				j++
			}
			name = s[i+1 : j]
			i = j - 1
		}
		v, found := args[name]
		switch {
		case found && v != "":
			b.WriteString(v)
		case hasDef:
			b.WriteString(def)
		default:
			ok = false
		}
	}
	return b.String(), ok
}

// eachInstruction calls f for every instruction of every build stage.
func eachInstruction(p *analyzer.Pass, f func(s *analyzer.Stage, in *analyzer.Instruction)) {
	if p.Doc.Dockerfile == nil {
		return
	}
	for _, s := range p.Doc.Dockerfile.Stages {
		for _, in := range s.Instructions {
			f(s, in)
		}
	}
}

// wordOr is the span of word in the instruction, or its first line when
// the word is not literally there (it came from a variable).
func wordOr(doc *analyzer.Document, in *analyzer.Instruction, word string) (int, int) {
	if start, end, ok := doc.WordSpan(in, word); ok {
		return start, end
	}
	return in.Start, in.End
}

// baseImages calls f for each stage built FROM an image (not scratch, an
// earlier stage, a build argument without a value or a placeholder a tool
// fills in), with the reference as written and as resolved from the
// global ARGs.
func baseImages(p *analyzer.Pass, f func(s *analyzer.Stage, raw, image string)) {
	ast := p.Doc.Dockerfile
	if ast == nil {
		return
	}
	args := globalArgs(ast)
	for _, s := range ast.Stages {
		if s.From == nil {
			continue // the instructions before any FROM: no base image
		}
		raw := s.BaseName
		if st, ok := s.From.Command.(*instructions.Stage); ok {
			raw = st.BaseName
		}
		if raw == "" || strings.EqualFold(raw, "scratch") || stageByName(ast, s.Index, raw) != nil {
			continue
		}
		ref, ok := expand(raw, args)
		if !ok || strings.EqualFold(ref, "scratch") || stageByName(ast, s.Index, ref) != nil || image.Placeholder(ref) {
			continue
		}
		f(s, raw, ref)
	}
}

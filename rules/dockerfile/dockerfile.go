// Package dockerfile holds the rules for Dockerfiles.
package dockerfile

import (
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"hardline.dev/hardline/analyzer"
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
				out[kv.Key] = *kv.Value
			} else {
				out[kv.Key] = ""
			}
		}
	}
	return out
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

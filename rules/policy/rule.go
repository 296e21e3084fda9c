package policy

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"hardline.dev/hardline/analyzer"
)

// runner is HL005: it runs the configured policies over each document,
// reporting their results under their own codes (POL-…) and its own
// findings when a policy cannot run.
var runner = &analyzer.Rule{
	Code: "HL005", Name: "policy-error",
	Summary:  "a Rego policy that does not compile or exceeds its time limit",
	Severity: analyzer.Error, Profile: analyzer.Baseline,
	// Policies are the user's code: what they read is not known, and each
	// evaluation has a time limit, so verification runs them again.
	ReadsOtherObjects: true,
	Doc: analyzer.RuleDoc{
		Why: "Your own Rego policies (`policies:` in .hardline.yaml, `--policy DIR`) run as rules: their results are findings " +
			"with codes `POL-<package>-<rule>`. A policy that does not parse or compile is reported at its file and line, and " +
			"then no policy runs (like conftest). Policies from a workspace are untrusted: `http.send`, `net.lookup_ip_addr` " +
			"and `opa.runtime` do not compile, and each object's evaluation stops at `limits.policyTimeout` (100 ms).",
		Bad:  "deny contains msg if {\n  http.send({\"method\": \"get\", \"url\": \"https://example.com\"})\n  msg := \"never\"\n}",
		Good: "deny contains msg if {\n  not startswith(input.spec.template.spec.containers[_].image, \"registry.example/\")\n  msg := \"images must come from registry.example\"\n}",
	},
}

// The check reports problems as findings of runner itself: set in init to
// break the initialization cycle.
func init() { runner.Check = check }

// Rules returns this package's rules.
func Rules() []*analyzer.Rule { return []*analyzer.Rule{runner} }

func check(p *analyzer.Pass) {
	set := Load(p.Config)
	if set == nil || len(set.Problems) > 0 {
		return // the problems are findings of the policy files (Results)
	}
	switch {
	case p.Doc.Dockerfile != nil:
		input, lines := dockerfileInput(p.Doc.Dockerfile)
		at := func(r result) (int, int) { return dockerfileSpan(p.Doc, lines, r.line) }
		evaluate(p, set, input, analyzer.ObjectRef{}, at)
	default:
		for _, obj := range p.Doc.Objects {
			at := func(r result) (int, int) { return objectSpan(p.Doc, obj.Node, r.path) }
			input, ok := objectInput(obj.Node)
			if !ok {
				start, end := at(result{})
				p.Report(analyzer.Finding{Start: start, End: end, Object: obj.ObjectRef,
					Message: "the object is too large for policies (YAML aliases expand to over a million values); policies did not run on it"})
				continue
			}
			evaluate(p, set, input, obj.ObjectRef, at)
		}
	}
}

// result is one entry of a deny/violation/warn rule's value.
type result struct {
	msg, path, code string
	line            int
}

var ruleName = regexp.MustCompile(`^(deny|violation|warn)(_[A-Za-z0-9_]+)?$`)

// evaluate runs every namespace's query on input and reports the results.
func evaluate(p *analyzer.Pass, set *Set, input ast.Value, obj analyzer.ObjectRef, at func(result) (int, int)) {
	ctx, cancel := context.WithTimeout(context.Background(), p.Config.Limits.PolicyTimeout)
	defer cancel()
	for _, q := range set.queries {
		rs, err := q.prepared.Eval(ctx, rego.EvalParsedInput(input))
		if err != nil {
			start, end := at(result{})
			msg := fmt.Sprintf("evaluating data.%s: %v", q.namespace, err)
			if ctx.Err() != nil {
				msg = fmt.Sprintf("the policies of data.%s took longer than %v on this object; their results are left out (limits.policyTimeout)",
					q.namespace, p.Config.Limits.PolicyTimeout)
			}
			p.Report(analyzer.Finding{Start: start, End: end, Object: obj, Message: msg})
			if ctx.Err() != nil {
				return
			}
			continue
		}
		if len(rs) == 0 || len(rs[0].Expressions) == 0 {
			continue
		}
		pkg, _ := rs[0].Expressions[0].Value.(map[string]any)
		excepted := exceptions(pkg["exception"])
		names := make([]string, 0, len(pkg))
		for name := range pkg {
			names = append(names, name)
		}
		slices.Sort(names)
		for _, name := range names {
			m := ruleName.FindStringSubmatch(name)
			if m == nil || excepted[strings.TrimPrefix(m[2], "_")] {
				continue
			}
			severity := analyzer.Error
			if m[1] == "warn" {
				severity = analyzer.Warning
			}
			for _, r := range results(pkg[name]) {
				code := r.code
				if code == "" {
					code = analyzer.PolicyPrefix + strings.ReplaceAll(q.namespace, ".", "-") + "-" + name
				}
				rule := p.PolicyRule(code, severity, "data."+q.namespace+"."+name)
				start, end := at(r)
				p.ReportAs(rule, analyzer.Finding{Start: start, End: end, Object: obj, Message: r.msg})
			}
		}
	}
}

// exceptions reads conftest's exception rule: a set of lists of rule
// names without their deny_/violation_/warn_ prefix ("" for plain deny).
func exceptions(v any) map[string]bool {
	out := map[string]bool{}
	list, _ := v.([]any)
	for _, e := range list {
		switch e := e.(type) {
		case string:
			out[e] = true
		case []any:
			for _, n := range e {
				if s, ok := n.(string); ok {
					out[s] = true
				}
			}
		}
	}
	return out
}

// results reads a rule's value: a set (or array) of messages or objects
// {msg, path, code, line}; a single message or object is one result.
func results(v any) []result {
	list, ok := v.([]any)
	if !ok {
		list = []any{v}
	}
	var out []result
	for _, e := range list {
		switch e := e.(type) {
		// Strings that findings keep are copied: results may be the
		// input's own strings, which share the file's text (whose memory
		// the next file reuses).
		case string:
			out = append(out, result{msg: strings.Clone(e)})
		case map[string]any:
			r := result{}
			r.msg, _ = e["msg"].(string)
			r.path, _ = e["path"].(string)
			r.code, _ = e["code"].(string)
			r.msg, r.code = strings.Clone(r.msg), strings.Clone(r.code)
			if n, ok := e["line"].(json.Number); ok {
				i, _ := n.Int64()
				r.line = int(i)
			}
			if r.msg == "" {
				text, _ := json.Marshal(e)
				r.msg = string(text)
			}
			out = append(out, r)
		case bool:
			if e {
				out = append(out, result{msg: "policy rule is true"})
			}
		case nil:
		default:
			out = append(out, result{msg: fmt.Sprint(e)})
		}
	}
	return out
}

// objectSpan is where a result about an object points: the field its path
// names ("spec.template.spec.containers[0].image", as far as it exists),
// else the object's kind.
func objectSpan(doc *analyzer.Document, obj *yaml.Node, path string) (int, int) {
	var last *analyzer.Field
	var item *yaml.Node
	node := obj
	for _, seg := range splitPath(path) {
		if seg.index >= 0 {
			n := analyzer.Resolve(node)
			if n == nil || n.Kind != yaml.SequenceNode || seg.index >= len(n.Content) {
				break
			}
			node, item = analyzer.Resolve(n.Content[seg.index]), n.Content[seg.index]
			continue
		}
		f, ok := analyzer.Lookup(node, seg.key)
		if !ok {
			break
		}
		last, item, node = &f, nil, f.Value
	}
	switch {
	case item != nil:
		return doc.Span(item)
	case last != nil:
		return doc.FieldSpan(*last)
	}
	if f, ok := analyzer.Lookup(obj, "kind"); ok {
		return doc.FieldSpan(f)
	}
	return doc.Span(obj)
}

type segment struct {
	key   string
	index int // -1 for a key
}

// splitPath splits a.b[0].c and a["x.y"] into segments.
func splitPath(path string) []segment {
	var out []segment
	for path != "" {
		switch path[0] {
		case '.':
			path = path[1:]
		case '[':
			end := strings.IndexByte(path, ']')
			if end < 0 {
				return out
			}
			inner := path[1:end]
			path = path[end+1:]
			if i, err := strconv.Atoi(inner); err == nil {
				out = append(out, segment{index: i})
			} else if s, err := strconv.Unquote(inner); err == nil {
				out = append(out, segment{key: s, index: -1})
			} else {
				out = append(out, segment{key: strings.Trim(inner, `'`), index: -1})
			}
		default:
			end := strings.IndexAny(path, ".[")
			if end < 0 {
				end = len(path)
			}
			out = append(out, segment{key: path[:end], index: -1})
			path = path[end:]
		}
	}
	return out
}

// dockerfileSpan is where a result about a Dockerfile points: the
// instruction at its line, else the first FROM, else the first line.
func dockerfileSpan(doc *analyzer.Document, lines []int, line int) (int, int) {
	df := doc.Dockerfile
	if line > 0 {
		for _, in := range df.Instructions {
			if in.StartLine <= line && line <= in.EndLine {
				return in.Start, in.End
			}
		}
	}
	if len(df.Stages) > 0 && df.Stages[0].From != nil {
		return df.Stages[0].From.Start, df.Stages[0].From.End
	}
	if len(lines) > 0 {
		return doc.LineSpan(lines[0])
	}
	return doc.LineSpan(1)
}

// problemResults turns problems into HL005 findings at the policy files'
// lines, with the rule's default severity.
func problemResults(problems []Problem) []analyzer.FileResult {
	var out []analyzer.FileResult
	for _, pr := range problems {
		text, _ := os.ReadFile(pr.Path)
		lines := analyzer.NewLines(text)
		start := lines.Offset(pr.Line, pr.Col)
		end := max(start, min(lines.End(pr.Line), len(text)))
		sum := sha256.Sum256([]byte("HL005\x00" + pr.Path + "\x00" + pr.Message))
		f := analyzer.Finding{
			Rule: runner, Severity: runner.Severity, Message: pr.Message,
			Start: start, End: end, Range: lines.Range(start, end),
			Fingerprint: hex.EncodeToString(sum[:16]),
		}
		if n := len(out); n > 0 && out[n-1].Path == pr.Path {
			out[n-1].Findings = append(out[n-1].Findings, f)
			continue
		}
		out = append(out, analyzer.FileResult{Path: pr.Path, Lines: lines, Findings: []analyzer.Finding{f}})
	}
	return out
}

// Results reports the problems of the policies cfg uses, as findings of
// the policy files, for outputs to list with the linted files and editors
// to show on the .rego files. It reuses the set the analyses compiled.
func Results(cfg *analyzer.Config) analyzer.PolicyReport {
	set := load(cfg, false)
	if set == nil {
		return analyzer.PolicyReport{}
	}
	rep := analyzer.PolicyReport{Set: set.key, Version: set.stamp}
	severity := cfg.SeverityOf(runner)
	for _, r := range set.report {
		fs := slices.Clone(r.Findings)
		for i := range fs {
			fs[i].Severity = severity
		}
		r.Findings = fs
		rep.Files = append(rep.Files, r)
	}
	return rep
}

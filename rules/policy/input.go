package policy

import (
	"math"
	"strconv"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"hardline.dev/hardline/analyzer"
)

// maxInputNodes bounds the input built from one object: aliases can make a
// small text stand for an enormous tree.
const maxInputNodes = 1 << 20

// objectInput converts a Kubernetes object's YAML into the policy's input,
// with YAML's scalar types (ints, floats, bools, nulls) as JSON would have
// them. ok is false when the object is too large to convert.
func objectInput(n *yaml.Node) (ast.Value, bool) {
	budget := maxInputNodes
	v := toValue(n, &budget)
	return v, budget >= 0
}

func toValue(n *yaml.Node, budget *int) ast.Value {
	n = analyzer.Resolve(n)
	if *budget--; n == nil || *budget < 0 {
		return ast.Null{}
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) > 0 {
			return toValue(n.Content[0], budget)
		}
	case yaml.MappingNode:
		obj := ast.NewObject()
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := analyzer.Resolve(n.Content[i])
			if k == nil {
				continue
			}
			obj.Insert(ast.StringTerm(k.Value), ast.NewTerm(toValue(n.Content[i+1], budget)))
		}
		return obj
	case yaml.SequenceNode:
		terms := make([]*ast.Term, 0, len(n.Content))
		for _, c := range n.Content {
			terms = append(terms, ast.NewTerm(toValue(c, budget)))
		}
		return ast.NewArray(terms...)
	case yaml.ScalarNode:
		return scalar(n)
	}
	return ast.Null{}
}

func scalar(n *yaml.Node) ast.Value {
	switch n.ShortTag() {
	case "!!null":
		return ast.Null{}
	case "!!bool":
		return ast.Boolean(strings.EqualFold(n.Value, "true"))
	case "!!int":
		if i, err := strconv.ParseInt(strings.ReplaceAll(n.Value, "_", ""), 0, 64); err == nil {
			return ast.Number(strconv.FormatInt(i, 10))
		}
	case "!!float":
		if f, err := strconv.ParseFloat(n.Value, 64); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
			return ast.Number(strconv.FormatFloat(f, 'g', -1, 64))
		}
	}
	return ast.String(n.Value)
}

// dockerfileInput is conftest's view of a Dockerfile: a list of
// instructions {Cmd, SubCmd, JSON, Flags, Value, Stage} (Cmd in lower case,
// comments as Cmd "comment"), so existing conftest policies read it
// unchanged. lines holds each entry's first line, for positions.
func dockerfileInput(df *analyzer.DockerfileAST) (ast.Value, []int) {
	var terms []*ast.Term
	var lines []int
	stage := -1 // instructions before the first FROM are in stage 0, as in conftest
	for _, in := range df.Instructions {
		if in.Node == nil {
			continue
		}
		if in.Keyword == "from" {
			stage++
		}
		for _, c := range in.Node.PrevComment {
			terms = append(terms, command("comment", "", false, nil, []string{c}, max(stage, 0)))
			lines = append(lines, in.StartLine)
		}
		node := in.Node
		sub := ""
		if node.Next != nil && len(node.Next.Children) > 0 {
			sub = node.Next.Children[0].Value
			node = node.Next.Children[0]
		}
		var value []string
		for v := node.Next; v != nil; v = v.Next {
			value = append(value, v.Value)
		}
		terms = append(terms, command(strings.ToLower(in.Node.Value), sub, node.Attributes["json"], in.Node.Flags, value, max(stage, 0)))
		lines = append(lines, in.StartLine)
	}
	return ast.NewArray(terms...), lines
}

func command(cmd, sub string, json bool, flags, value []string, stage int) *ast.Term {
	strs := func(list []string) *ast.Term {
		terms := make([]*ast.Term, 0, len(list))
		for _, s := range list {
			terms = append(terms, ast.StringTerm(s))
		}
		return ast.ArrayTerm(terms...)
	}
	return ast.ObjectTerm(
		ast.Item(ast.StringTerm("Cmd"), ast.StringTerm(cmd)),
		ast.Item(ast.StringTerm("SubCmd"), ast.StringTerm(sub)),
		ast.Item(ast.StringTerm("JSON"), ast.BooleanTerm(json)),
		ast.Item(ast.StringTerm("Flags"), strs(flags)),
		ast.Item(ast.StringTerm("Value"), strs(value)),
		ast.Item(ast.StringTerm("Stage"), ast.IntNumberTerm(stage)),
	)
}

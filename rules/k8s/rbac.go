package k8s

import (
	"fmt"

	"hardline.dev/hardline/analyzer"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

const rbacGroup = "rbac.authorization.k8s.io"

// policyRule is one entry of a Role's or ClusterRole's rules.
type policyRule struct {
	Object *analyzer.Object
	Node   *yaml.Node
}

// list is a field of the rule as a set of strings; a lone scalar, which the
// API rejects, still counts so that its intent is judged.
func (r policyRule) list(key string) (analyzer.Field, set, bool) {
	f, ok := analyzer.Lookup(r.Node, key)
	if !ok {
		return f, nil, false
	}
	s := set{}
	if v := analyzer.Resolve(f.Value); v != nil && v.Kind == yaml.ScalarNode {
		s[analyzer.Str(v)] = true
	}
	for _, it := range analyzer.Items(f.Value) {
		s[analyzer.Str(it)] = true // "" is the core API group
	}
	return f, s, true
}

// forPolicyRules calls fn for each rule of each Role and ClusterRole.
func forPolicyRules(p *analyzer.Pass, fn func(r policyRule)) {
	for _, o := range p.Doc.Objects {
		if (o.Kind != "Role" && o.Kind != "ClusterRole") || o.Group() != rbacGroup {
			continue
		}
		for _, n := range analyzer.Items(analyzer.Get(o.Node, "rules")) {
			if n != nil && n.Kind == yaml.MappingNode {
				fn(policyRule{Object: o, Node: n})
			}
		}
	}
}

// coreGroup tells whether a rule's apiGroups cover the core API group,
// where pods, secrets and service accounts live.
func (r policyRule) coreGroup() bool {
	_, groups, _ := r.list("apiGroups")
	return groups[""] || groups["*"]
}

// reportObject reports a finding about an object at field f, or at the
// object's kind entry when f is nil.
func reportObject(p *analyzer.Pass, o *analyzer.Object, f *analyzer.Field, format string, args ...any) {
	var start, end int
	if f != nil {
		start, end = p.Doc.FieldSpan(*f)
	} else if k, ok := analyzer.Lookup(o.Node, "kind"); ok {
		start, end = p.Doc.FieldSpan(k)
	} else {
		start, end = o.Start, o.Start
	}
	p.Report(analyzer.Finding{Start: start, End: end, Object: o.ObjectRef, ScopeStart: o.Start, ScopeEnd: o.End,
		Message: fmt.Sprintf(format, args...)})
}

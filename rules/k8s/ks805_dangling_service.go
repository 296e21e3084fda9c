package k8s

import (
	"sort"
	"strings"

	"hardline.dev/hardline/analyzer"
)

var _ = register(&analyzer.Rule{
	Code: "KS805", Name: "dangling-service",
	Summary:  "A Service whose selector matches none of the pods of its namespace",
	Severity: analyzer.Warning, Profile: analyzer.All, Phase: analyzer.SetPhase,
	Aliases: []string{"kube-linter:dangling-service"},
	Doc: analyzer.RuleDoc{
		Why: "A Service routes to the pods its selector matches. One that matches none (a label renamed, a typo) serves " +
			"nothing, and whoever later deploys pods with those labels, in the same namespace, receives its traffic. Reported only " +
			"when the set holds workloads of the Service's namespace that carry the labels the selector names (a Service for pods " +
			"an operator makes is not judged); a Service without a selector (endpoints managed by hand, ExternalName) is not.",
		Bad:  "kind: Service\nspec:\n  selector: {app: web}   # the Deployment's pods are app: frontend",
		Good: "kind: Service\nspec:\n  selector: {app: frontend}",
	},
	Collect: collectObjects,
	CheckSet: func(p *analyzer.SetPass) {
		objs := setObjects(p)
		in := podsOf(objs)
		for _, o := range objs {
			if o.Service != nil && o.Service.Selector != nil && in.dangling(o.Namespace, selector{Labels: o.Service.Selector}) {
				p.Report(o.At, analyzer.Finding{Object: o.Ref,
					Message: "Service " + o.Ref.Name + " selects " + labelList(o.Service.Selector) + ", which no pod among " + namespaceName(o.Namespace) + " has"})
			}
		}
	},
})

func labelList(m map[string]string) string {
	var parts []string
	for k, v := range m {
		parts = append(parts, k+"="+v)
	}
	sort.Strings(parts)
	return strings.Join(parts, ",")
}

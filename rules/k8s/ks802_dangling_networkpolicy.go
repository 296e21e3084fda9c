package k8s

import "hardline.dev/hardline/analyzer"

var _ = register(&analyzer.Rule{
	Code: "KS802", Name: "dangling-networkpolicy",
	Summary:  "A NetworkPolicy whose podSelector selects none of the pods of its namespace",
	Severity: analyzer.Warning, Profile: analyzer.All, Phase: analyzer.SetPhase,
	Aliases: []string{"kube-linter:dangling-networkpolicy"},
	Doc: analyzer.RuleDoc{
		Why: "A NetworkPolicy isolates the pods its podSelector selects. One that selects none (a label renamed in the " +
			"Deployment, a typo in the selector) isolates nothing while its author believes the pods are protected. Reported " +
			"only when the set holds workloads of the policy's namespace and they carry the labels the selector names: a policy " +
			"for pods made elsewhere (by an operator, at run time) is not judged.",
		Bad:  "kind: NetworkPolicy\nspec:\n  podSelector: {matchLabels: {app: web}}   # the Deployment's pods are app: frontend",
		Good: "kind: NetworkPolicy\nspec:\n  podSelector: {matchLabels: {app: frontend}}",
	},
	Collect: collectObjects,
	CheckSet: func(p *analyzer.SetPass) {
		objs := setObjects(p)
		in := podsOf(objs)
		for _, o := range objs {
			if o.Policy != nil && in.dangling(o.Namespace, o.Policy.Selector) {
				p.Report(o.At, analyzer.Finding{Object: o.Ref,
					Message: "NetworkPolicy " + o.Ref.Name + " selects none of the pods among " + namespaceName(o.Namespace) + ": it isolates nothing"})
			}
		}
	},
})

package k8s

import "hardline.dev/hardline/analyzer"

var _ = register(&analyzer.Rule{
	Code: "KS904", Name: "scc-run-as-any-user",
	Summary:  "OpenShift SecurityContextConstraints whose runAsUser strategy is RunAsAny",
	Severity: analyzer.Warning, Profile: analyzer.Restricted,
	Doc: analyzer.RuleDoc{
		Why: "runAsUser: {type: RunAsAny} lets every pod admitted under the SCC run as any user, root included, where OpenShift's " +
			"restricted SCCs assign a non-root user from the namespace's range. Root in a container is one kernel bug from root on the " +
			"node, and owns every file the image and its volumes hold (KS203 is the same judgement on a pod).",
		Bad:  "kind: SecurityContextConstraints\nrunAsUser:\n  type: RunAsAny",
		Good: "kind: SecurityContextConstraints\nrunAsUser:\n  type: MustRunAsRange",
		Fix:  "None: MustRunAsRange or MustRunAsNonRoot may break images that expect root; which one is the SCC owner's choice.",
	},
	Check: func(p *analyzer.Pass) {
		forSCCs(p, func(o *analyzer.Object) {
			if f, ok := analyzer.Lookup(analyzer.Get(o.Node, "runAsUser"), "type"); ok && analyzer.Str(f.Value) == "RunAsAny" {
				reportObject(p, o, &f, "SecurityContextConstraints %q lets its pods run as any user, root included: use MustRunAsRange or MustRunAsNonRoot", o.Name)
			}
		})
	},
})

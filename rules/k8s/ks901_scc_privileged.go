package k8s

import "hardline.dev/hardline/analyzer"

var _ = register(&analyzer.Rule{
	Code: "KS901", Name: "scc-privileged",
	Summary:  "OpenShift SecurityContextConstraints that allow privileged containers",
	Severity: analyzer.Warning, Profile: analyzer.Baseline,
	Doc: analyzer.RuleDoc{
		Why: "An SCC is a policy: every pod admitted under it may do what it allows. allowPrivilegedContainer: true lets those pods run " +
			"privileged containers, which have every capability and every device of the node: root on the node (KS101 is the same " +
			"judgement on a pod). Only node agents need it; give them an SCC of their own, bound to their service account alone.",
		Bad:  "kind: SecurityContextConstraints\nallowPrivilegedContainer: true",
		Good: "kind: SecurityContextConstraints\nallowPrivilegedContainer: false",
		Fix:  "None: the pods admitted under the SCC may need it; narrow who may use it, or turn it off.",
	},
	Check: func(p *analyzer.Pass) {
		forSCCs(p, func(o *analyzer.Object) {
			sccTrue(p, o, "allowPrivilegedContainer", "every pod it admits may run privileged containers, root on the node")
		})
	},
})

package k8s

import "hardline.dev/hardline/analyzer"

var _ = register(&analyzer.Rule{
	Code: "KS101", Name: "privileged-container",
	Summary:  "Container runs privileged",
	Severity: analyzer.Error, Profile: analyzer.Baseline,
	Aliases: []string{"pss:privileged", "kube-linter:privileged-container"},
	Doc: analyzer.RuleDoc{
		Why: "A privileged container has every capability, sees every host device and is not confined by seccomp or AppArmor: " +
			"root in it is root on the node. An attacker who gets code execution in the container owns the node and, from there, its other pods and credentials.",
		Bad:  "securityContext:\n  privileged: true",
		Good: "securityContext:\n  privileged: false",
	},
	Check: func(p *analyzer.Pass) {
		forWorkloads(p, func(w *Workload) {
			for _, c := range w.Containers {
				if f, ok := c.Field("privileged"); isTrue(f, ok) {
					reportContainer(p, w, c, &f, "%s must not set securityContext.privileged: true", c.describe())
				}
			}
		})
	},
})

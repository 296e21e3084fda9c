package k8s

import "hardline.dev/hardline/analyzer"

var _ = register(&analyzer.Rule{
	Code: "KS207", Name: "proc-mount-restricted",
	Summary:  "Container sets procMount other than Default",
	Severity: analyzer.Error, Profile: analyzer.Restricted,
	Aliases: []string{"pss:procMount_restricted"},
	Doc: analyzer.RuleDoc{
		Why:  "The restricted level forbids unmasking /proc even in a user namespace: the masked paths expose kernel state that no ordinary workload needs.",
		Bad:  "spec:\n  hostUsers: false\n  containers:\n  - name: app\n    securityContext:\n      procMount: Unmasked",
		Good: "spec:\n  hostUsers: false\n  containers:\n  - name: app\n    securityContext:\n      procMount: Default",
	},
	Check: func(p *analyzer.Pass) {
		forWorkloads(p, func(w *Workload) {
			for _, c := range w.Containers {
				if f, ok := procMountField(c); ok {
					reportContainer(p, w, c, &f, "%s must not set securityContext.procMount to %q", c.describe(), analyzer.Str(f.Value))
				}
			}
		})
	},
})

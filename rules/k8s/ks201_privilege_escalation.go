package k8s

import (
	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/fixes"
)

var _ = register(&analyzer.Rule{
	Code: "KS201", Name: "privilege-escalation",
	Summary:  "Container may gain privileges (allowPrivilegeEscalation not false)",
	Severity: analyzer.Error, Profile: analyzer.Restricted,
	Aliases: []string{"pss:allowPrivilegeEscalation", "kube-linter:privilege-escalation-container"},
	Doc: analyzer.RuleDoc{
		Why: "Unless allowPrivilegeEscalation is false, the container's processes can gain more privileges than their parent through setuid binaries " +
			"or file capabilities (no_new_privs is not set). An attacker with a foothold as an unprivileged user can then become root in the container.",
		Bad:  "securityContext:\n  allowPrivilegeEscalation: true",
		Good: "securityContext:\n  allowPrivilegeEscalation: false",
		Fix:  "Safe: sets `allowPrivilegeEscalation: false` in the container's securityContext (creating it when missing, replacing a `true`).",
	},
	Check: func(p *analyzer.Pass) {
		forWorkloads(p, func(w *Workload) {
			if w.Windows {
				return
			}
			for _, c := range w.Containers {
				f, ok := c.Field("allowPrivilegeEscalation")
				if v, isBool := analyzer.Bool(f.Value); ok && isBool && !v {
					continue
				}
				var at *analyzer.Field
				if ok {
					at = &f
				}
				fix := setFix(p, w, c.Node, "Set allowPrivilegeEscalation: false", fixes.Safe,
					[]string{"securityContext", "allowPrivilegeEscalation"}, fixes.Lit("false"))
				reportFixable(p, w, c, at, fix, "%s must set securityContext.allowPrivilegeEscalation: false", c.describe())
			}
		})
	},
})

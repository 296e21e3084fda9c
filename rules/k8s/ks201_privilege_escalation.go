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
		Fix: "Safe: sets `allowPrivilegeEscalation: false` in the container's securityContext (creating it when missing, replacing a `true`). " +
			"Not for a privileged container or one that adds `CAP_SYS_ADMIN`: those always escalate, and the API server rejects " +
			"`allowPrivilegeEscalation: false` beside them (HL007). Their finding carries a manual fix that says so: remove `privileged` " +
			"(KS101) or the capability (KS105) first.",
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
				if why := alwaysEscalates(c); why != "" {
					fix = explain("No automatic fix: " + why + ", so it always escalates, and the API server rejects " +
						"allowPrivilegeEscalation: false beside it; remove that first")
				}
				reportFixable(p, w, c, at, fix, "%s must set securityContext.allowPrivilegeEscalation: false", c.describe())
			}
		})
	},
})

// alwaysEscalates says why a container escalates whatever
// allowPrivilegeEscalation says, in the terms the API server's validation
// compares (ValidateSecurityContext): privileged, or the literal
// CAP_SYS_ADMIN added.
func alwaysEscalates(c *Container) string {
	if f, ok := c.Field("privileged"); isTrue(f, ok) {
		return "the container is privileged (KS101)"
	}
	for _, add := range analyzer.Items(analyzer.Get(c.SecurityContext, "capabilities", "add")) {
		if analyzer.Str(add) == "CAP_SYS_ADMIN" {
			return "the container adds CAP_SYS_ADMIN (KS105)"
		}
	}
	return ""
}

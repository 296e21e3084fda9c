package k8s

import "hardline.dev/hardline/analyzer"

var _ = register(&analyzer.Rule{
	Code: "KS704", Name: "rbac-escalation",
	Summary:  "Role or ClusterRole that can escalate privileges (bind, escalate, impersonate, exec, token creation)",
	Severity: analyzer.Warning, Profile: analyzer.Restricted,
	Doc: analyzer.RuleDoc{
		Why: "Some permissions are worth more than they look. `bind` and `escalate` let the holder grant roles with permissions it does " +
			"not have; `impersonate` lets it act as any user, group or service account; `create` on pods/exec runs commands in other " +
			"workloads' containers with their credentials; `create` on serviceaccounts/token mints tokens for any service account of the " +
			"namespace.",
		Bad:  "rules:\n- apiGroups: [\"\"]\n  resources: [\"pods/exec\"]\n  verbs: [\"create\"]",
		Good: "rules:\n- apiGroups: [\"\"]\n  resources: [\"pods\"]\n  verbs: [\"get\", \"list\"]",
		Fix:  "None: which permissions the role needs is its user's to say.",
	},
	Check: func(p *analyzer.Pass) {
		forPolicyRules(p, func(r policyRule) {
			vf, verbs, _ := r.list("verbs")
			var granted []string
			for _, v := range []string{"bind", "escalate", "impersonate"} {
				if verbs[v] {
					granted = append(granted, v)
				}
			}
			if len(granted) > 0 {
				reportObject(p, r.Object, &vf, "%s %q grants %s, which lets its holder gain permissions it was not given",
					r.Object.Kind, r.Object.Name, quoteList(granted))
			}
			if !(verbs["create"] || verbs["*"]) || !r.coreGroup() {
				return
			}
			rf, resources, _ := r.list("resources")
			for _, res := range []string{"pods/exec", "serviceaccounts/token"} {
				if resources[res] {
					reportObject(p, r.Object, &rf, "%s %q can create %s, which lets its holder act with other workloads' credentials", r.Object.Kind, r.Object.Name, res)
				}
			}
		})
	},
})

package k8s

import "hardline.dev/hardline/analyzer"

var _ = register(&analyzer.Rule{
	Code: "KS703", Name: "rbac-secrets-access",
	Summary:  "Role or ClusterRole that can read Secrets",
	Severity: analyzer.Info, Profile: analyzer.All,
	Aliases: []string{"kube-linter:access-to-secrets"},
	Doc: analyzer.RuleDoc{
		Why: "Reading Secrets (get, list or watch, or \"*\") gives the holder every credential they hold: service account tokens, " +
			"registry passwords, TLS keys. `list` and `watch` return the values too, not only the names. Controllers that really " +
			"need it are the exception; a rule limited by resourceNames to the Secrets it needs is not reported.",
		Bad:  "rules:\n- apiGroups: [\"\"]\n  resources: [\"secrets\"]\n  verbs: [\"get\", \"list\"]",
		Good: "rules:\n- apiGroups: [\"\"]\n  resources: [\"secrets\"]\n  resourceNames: [\"app-config\"]\n  verbs: [\"get\"]",
		Fix:  "None: limit the rule with resourceNames or drop it.",
	},
	Check: func(p *analyzer.Pass) {
		forPolicyRules(p, func(r policyRule) {
			if _, names, _ := r.list("resourceNames"); len(names) > 0 || !r.coreGroup() {
				return
			}
			f, resources, _ := r.list("resources")
			_, verbs, _ := r.list("verbs")
			if !resources["secrets"] && !resources["*"] {
				return
			}
			if verbs["get"] || verbs["list"] || verbs["watch"] || verbs["*"] {
				reportObject(p, r.Object, &f, "%s %q can read Secrets", r.Object.Kind, r.Object.Name)
			}
		})
	},
})

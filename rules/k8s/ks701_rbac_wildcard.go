package k8s

import "hardline.dev/hardline/analyzer"

var _ = register(&analyzer.Rule{
	Code: "KS701", Name: "rbac-wildcard",
	Summary:  "Role or ClusterRole rule with \"*\" in verbs, resources or apiGroups",
	Severity: analyzer.Warning, Profile: analyzer.Restricted,
	Aliases: []string{"kube-linter:wildcard-in-rules", "checkov:CKV_K8S_49"},
	Doc: analyzer.RuleDoc{
		Why: "A wildcard grants everything that exists now and everything added later: \"*\" verbs include escalate, bind and " +
			"impersonate, \"*\" resources include secrets, and \"*\" apiGroups include every CRD a later operator installs. Name what " +
			"the role needs.",
		Bad:  "rules:\n- apiGroups: [\"apps\"]\n  resources: [\"*\"]\n  verbs: [\"*\"]",
		Good: "rules:\n- apiGroups: [\"apps\"]\n  resources: [\"deployments\"]\n  verbs: [\"get\", \"list\", \"watch\"]",
		Fix:  "None: which permissions the role needs is its user's to say.",
	},
	Check: func(p *analyzer.Pass) {
		forPolicyRules(p, func(r policyRule) {
			for _, key := range []string{"apiGroups", "resources", "verbs"} {
				if f, values, _ := r.list(key); values["*"] {
					reportObject(p, r.Object, &f, "%s %q grants \"*\" %s: list the %s it needs", r.Object.Kind, r.Object.Name, key, key)
				}
			}
		})
	},
})

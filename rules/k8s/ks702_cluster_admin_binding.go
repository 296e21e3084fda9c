package k8s

import "hardline.dev/hardline/analyzer"

var _ = register(&analyzer.Rule{
	Code: "KS702", Name: "cluster-admin-binding",
	Summary:  "RoleBinding or ClusterRoleBinding to cluster-admin",
	Severity: analyzer.Warning, Profile: analyzer.Restricted,
	Aliases: []string{"kube-linter:cluster-admin-role-binding", "polaris:clusterrolebindingClusterAdmin",
		"polaris:rolebindingClusterAdminClusterRole"},
	Doc: analyzer.RuleDoc{
		Why: "cluster-admin may do anything: read every Secret, run pods on any node with the host's privileges, grant itself more. " +
			"A ClusterRoleBinding to it hands the whole cluster to its subjects; a RoleBinding hands over the whole namespace, its " +
			"Secrets and its service accounts included. Bind a role with the permissions the subject needs.",
		Bad:  "roleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: cluster-admin",
		Good: "roleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: deployment-reader",
		Fix:  "None: which role the subject needs is its user's to say.",
	},
	Check: func(p *analyzer.Pass) {
		for _, o := range p.Doc.Objects {
			if (o.Kind != "RoleBinding" && o.Kind != "ClusterRoleBinding") || o.Group() != rbacGroup {
				continue
			}
			ref := analyzer.Get(o.Node, "roleRef")
			if analyzer.Str(analyzer.Get(ref, "kind")) != "ClusterRole" {
				continue
			}
			if f, ok := analyzer.Lookup(ref, "name"); ok && analyzer.Str(f.Value) == "cluster-admin" {
				reportObject(p, o, &f, "%s %q grants cluster-admin: bind a role with only the permissions needed", o.Kind, o.Name)
			}
		}
	},
})

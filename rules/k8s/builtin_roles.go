package k8s

// builtinRoles are the ClusterRoles every cluster has (the API server's
// bootstrap policy), as far as the powers KS803 reports go: the
// user-facing roles, the aggregation sources that make admin, edit and
// view, and the system roles whose grants reach Secrets. admin, edit and
// view aggregate, so ClusterRoles of the set labelled aggregate-to-edit
// (and so on) add to them. What these roles grant in the powers judged
// here has not changed since aggregation came (v1.9), so one table serves
// every target version; a role missing here is not judged.
var builtinRoles = map[string]*role{
	"cluster-admin": {Grants: []grant{builtinGrant([]string{"*"}, []string{"*"}, "*")}},
	"admin":         {Aggregate: aggregateTo("admin")},
	"edit":          {Labels: aggregateLabel("admin"), Aggregate: aggregateTo("edit")},
	"view":          {Labels: aggregateLabel("edit"), Aggregate: aggregateTo("view")},
	"system:aggregate-to-admin": {Labels: aggregateLabel("admin"), Grants: []grant{
		builtinGrant([]string{"authorization.k8s.io"}, []string{"localsubjectaccessreviews"}, "create"),
		builtinGrant([]string{rbacGroup}, []string{"roles", "rolebindings"}, readWrite...),
	}},
	"system:aggregate-to-edit": {Labels: aggregateLabel("edit"), Grants: []grant{
		builtinGrant([]string{""}, []string{"pods/attach", "pods/proxy", "pods/exec", "pods/portforward", "secrets", "services/proxy"}, "get", "list", "watch"),
		builtinGrant([]string{""}, []string{"serviceaccounts"}, "impersonate"),
		builtinGrant([]string{""}, []string{"pods", "pods/attach", "pods/proxy", "pods/exec", "pods/portforward"}, write...),
		builtinGrant([]string{""}, []string{"replicationcontrollers", "replicationcontrollers/scale", "serviceaccounts", "services",
			"services/proxy", "persistentvolumeclaims", "configmaps", "secrets"}, write...),
		builtinGrant([]string{"apps"}, []string{"statefulsets", "statefulsets/scale", "daemonsets", "deployments", "deployments/scale",
			"deployments/rollback", "replicasets", "replicasets/scale"}, write...),
		builtinGrant([]string{"autoscaling"}, []string{"horizontalpodautoscalers"}, write...),
		builtinGrant([]string{"batch"}, []string{"jobs", "cronjobs"}, write...),
		builtinGrant([]string{"policy"}, []string{"poddisruptionbudgets"}, write...),
		builtinGrant([]string{"networking.k8s.io"}, []string{"ingresses", "networkpolicies"}, write...),
	}},
	"system:aggregate-to-view": {Labels: aggregateLabel("view"), Grants: []grant{
		builtinGrant([]string{""}, []string{"pods", "replicationcontrollers", "serviceaccounts", "services", "endpoints",
			"persistentvolumeclaims", "configmaps", "events", "pods/log", "pods/status", "namespaces"}, "get", "list", "watch"),
		builtinGrant([]string{"apps"}, []string{"statefulsets", "daemonsets", "deployments", "replicasets", "controllerrevisions"}, "get", "list", "watch"),
		builtinGrant([]string{"batch"}, []string{"jobs", "cronjobs"}, "get", "list", "watch"),
	}},
	"system:kube-controller-manager": {Grants: []grant{
		builtinGrant([]string{"*"}, []string{"*"}, "list", "watch"),
	}},
}

var (
	write     = []string{"create", "update", "patch", "delete", "deletecollection"}
	readWrite = []string{"get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"}
)

func builtinGrant(groups, resources []string, verbs ...string) grant {
	return grant{Groups: newSet(groups...), Resources: newSet(resources...), Verbs: newSet(verbs...)}
}

func aggregateLabel(to string) map[string]string {
	return map[string]string{"rbac.authorization.k8s.io/aggregate-to-" + to: "true"}
}

func aggregateTo(to string) []selector {
	return []selector{{Labels: aggregateLabel(to)}}
}

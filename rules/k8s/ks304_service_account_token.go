package k8s

import (
	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/fixes"
)

var _ = register(&analyzer.Rule{
	Code: "KS304", Name: "service-account-token",
	Summary:  "Pod mounts its service account token (automountServiceAccountToken not false)",
	Severity: analyzer.Info, Profile: analyzer.All,
	Aliases: []string{"polaris:automountServiceAccountToken", "checkov:CKV_K8S_38", "trivy:KSV-0036"},
	// The ServiceAccounts of the same file count (optedOut).
	ReadsOtherObjects: true,
	Doc: analyzer.RuleDoc{
		Why: "Unless automountServiceAccountToken is false, every container gets a token for the pod's service account at " +
			"/var/run/secrets/kubernetes.io/serviceaccount. Most applications never call the Kubernetes API, but an attacker in the container " +
			"can use the token with whatever RBAC grants the account. The pod is fine when the ServiceAccount it uses, defined in the same " +
			"file, sets automountServiceAccountToken: false and the pod does not override it.",
		Bad:  "spec:\n  containers:\n  - name: app\n    image: app:1.0",
		Good: "spec:\n  automountServiceAccountToken: false\n  containers:\n  - name: app\n    image: app:1.0",
		Fix:  "Unsafe (an application that calls the Kubernetes API loses its credentials): sets `automountServiceAccountToken: false` in the pod spec.",
	},
	Check: func(p *analyzer.Pass) {
		forWorkloads(p, func(w *Workload) {
			f, set := analyzer.Lookup(w.Spec, "automountServiceAccountToken")
			set = set && !analyzer.IsNull(f.Value)
			if v, isBool := analyzer.Bool(f.Value); set && isBool && !v {
				return
			}
			if !set && serviceAccountOptsOut(p, w) {
				return
			}
			var at *analyzer.Field
			if set {
				at = &f
			}
			fix := setFix(p, w, w.Spec, "Set automountServiceAccountToken: false", fixes.Unsafe,
				[]string{"automountServiceAccountToken"}, fixes.Lit("false"))
			reportFixable(p, w, nil, at, fix, "pod must set automountServiceAccountToken: false unless it calls the Kubernetes API")
		})
	},
})

// serviceAccountOptsOut tells whether the pod's ServiceAccount, defined in
// the same file and namespace, turns token mounting off.
func serviceAccountOptsOut(p *analyzer.Pass, w *Workload) bool {
	name := analyzer.Str(analyzer.Get(w.Spec, "serviceAccountName"))
	if name == "" {
		name = analyzer.Str(analyzer.Get(w.Spec, "serviceAccount")) // the deprecated alias
	}
	if name == "" {
		name = "default"
	}
	return optedOut(p)[[2]string{w.Object.Namespace, name}]
}

type optedOutKey struct{}

// optedOut are the ServiceAccounts of the document that set
// automountServiceAccountToken: false, by namespace and name: indexed
// once per document, not scanned per workload.
func optedOut(p *analyzer.Pass) map[[2]string]bool {
	return p.Memo(optedOutKey{}, func() any {
		out := map[[2]string]bool{}
		for _, o := range p.Doc.Objects {
			if o.Kind != "ServiceAccount" || o.Group() != "" {
				continue
			}
			if v, ok := analyzer.Bool(analyzer.Get(o.Node, "automountServiceAccountToken")); ok && !v {
				out[[2]string{o.Namespace, o.Name}] = true
			}
		}
		return out
	}).(map[[2]string]bool)
}

package k8s

import (
	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/fixes"
)

var _ = register(&analyzer.Rule{
	Code: "KS203", Name: "run-as-root",
	Summary:  "Container may run as root (runAsNonRoot not true)",
	Severity: analyzer.Error, Profile: analyzer.Restricted,
	Aliases: []string{"pss:runAsNonRoot", "kube-linter:run-as-non-root"},
	Doc: analyzer.RuleDoc{
		Why: "With runAsNonRoot: true the kubelet refuses to start a container whose user is root. Without it, an image that runs as root (most do) " +
			"gives an attacker root in the container: one kernel or runtime bug away from root on the node. Set it at pod level so every container inherits it.",
		Bad:  "spec:\n  containers:\n  - name: app\n    image: app:1.0",
		Good: "spec:\n  securityContext:\n    runAsNonRoot: true\n  containers:\n  - name: app\n    image: app:1.0",
		Fix:  "Unsafe (the image must run as a non-root user): sets `runAsNonRoot: true` where the bad value is: the container that sets `false`, else the pod.",
	},
	Check: func(p *analyzer.Pass) {
		forWorkloads(p, func(w *Workload) {
			if w.UserNamespace {
				return
			}
			path := []string{"securityContext", "runAsNonRoot"}
			podFix := setFix(p, w, w.Spec, "Set runAsNonRoot: true for the pod", fixes.Unsafe, path, fixes.Lit("true"))
			containerFix := func(c *Container) func() []fixes.Fix {
				return setFix(p, w, c.Node, "Set runAsNonRoot: true in "+c.describe(), fixes.Unsafe, path, fixes.Lit("true"))
			}
			podTrue := false
			if f, ok := w.PodField("runAsNonRoot"); ok {
				switch v, isBool := analyzer.Bool(f.Value); {
				case isBool && v:
					podTrue = true
				case isBool:
					// An explicit false is rejected even when every container
					// overrides it; it also stands for the containers that
					// inherit it, so they are not reported again.
					reportFixable(p, w, nil, &f, podFix, "pod must not set securityContext.runAsNonRoot: false")
					for _, c := range w.Containers {
						if f, ok := c.Field("runAsNonRoot"); ok && !isTrue(f, ok) {
							reportFixable(p, w, c, &f, containerFix(c), "%s must not set securityContext.runAsNonRoot: false", c.describe())
						}
					}
					return
				}
			}
			for _, c := range w.Containers {
				f, ok := c.Field("runAsNonRoot")
				switch {
				case ok && !isTrue(f, ok):
					reportFixable(p, w, c, &f, containerFix(c), "%s must not set securityContext.runAsNonRoot: false", c.describe())
				case !ok && !podTrue:
					reportFixable(p, w, c, nil, podFix, "pod or %s must set securityContext.runAsNonRoot: true", c.describe())
				}
			}
		})
	},
})

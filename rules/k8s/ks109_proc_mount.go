package k8s

import "hardline.dev/hardline/analyzer"

// procMountField is a container's procMount when set to anything but Default.
func procMountField(c *Container) (analyzer.Field, bool) {
	f, ok := analyzer.Lookup(c.SecurityContext, "procMount")
	if !ok || analyzer.IsNull(f.Value) || analyzer.Str(f.Value) == "Default" {
		return analyzer.Field{}, false
	}
	return f, true
}

var _ = register(&analyzer.Rule{
	Code: "KS109", Name: "unmasked-proc-mount",
	Summary:  "Container unmasks /proc (procMount other than Default) outside a user namespace",
	Severity: analyzer.Error, Profile: analyzer.Baseline,
	Aliases: []string{"pss:procMount", "kube-linter:unsafe-proc-mount"},
	Doc: analyzer.RuleDoc{
		Why: "The default /proc mount masks and makes read-only the paths that expose or control the host kernel (/proc/sys, /proc/kcore, …). " +
			"Unmasked exposes them; it is only safe in a pod with its own user namespace (hostUsers: false).",
		Bad:  "securityContext:\n  procMount: Unmasked",
		Good: "securityContext:\n  procMount: Default",
	},
	Check: func(p *analyzer.Pass) {
		forWorkloads(p, func(w *Workload) {
			if w.UserNamespace {
				return
			}
			for _, c := range w.Containers {
				if f, ok := procMountField(c); ok {
					reportContainer(p, w, c, &f, "%s must not set securityContext.procMount to %q unless the pod sets hostUsers: false", c.describe(), analyzer.Str(f.Value))
				}
			}
		})
	},
})

package k8s

import "hardline.dev/hardline/analyzer"

func isUID0(f analyzer.Field, ok bool) bool {
	if !ok {
		return false
	}
	v, isInt := analyzer.Int(f.Value)
	return isInt && v == 0
}

var _ = register(&analyzer.Rule{
	Code: "KS204", Name: "run-as-uid-0",
	Summary:  "Container runs as UID 0 (runAsUser: 0)",
	Severity: analyzer.Error, Profile: analyzer.Restricted,
	Aliases: []string{"pss:runAsUser"},
	Doc: analyzer.RuleDoc{
		Why:  "runAsUser: 0 explicitly runs the container as root, whatever the image says. Pick a non-zero UID (and GID) that owns nothing on the node.",
		Bad:  "securityContext:\n  runAsUser: 0",
		Good: "securityContext:\n  runAsUser: 65532",
	},
	Check: func(p *analyzer.Pass) {
		forWorkloads(p, func(w *Workload) {
			if w.UserNamespace {
				return
			}
			if f, ok := w.PodField("runAsUser"); isUID0(f, ok) {
				reportPod(p, w, &f, "pod must not set securityContext.runAsUser: 0")
			}
			for _, c := range w.Containers {
				if f, ok := c.Field("runAsUser"); isUID0(f, ok) {
					reportContainer(p, w, c, &f, "%s must not set securityContext.runAsUser: 0", c.describe())
				}
			}
		})
	},
})

package k8s

import "hardline.dev/hardline/analyzer"

var _ = register(&analyzer.Rule{
	Code: "KS205", Name: "seccomp-not-set",
	Summary:  "Container runs without a RuntimeDefault or Localhost seccomp profile",
	Severity: analyzer.Error, Profile: analyzer.Restricted,
	Aliases: []string{"pss:seccompProfile_restricted"},
	Doc: analyzer.RuleDoc{
		Why: "Without a seccomp profile, the container may use every system call the kernel offers, including those behind most kernel privilege " +
			"escalations. RuntimeDefault blocks about fifty of them and breaks almost no application. Set it at pod level so every container inherits it.",
		Bad:  "spec:\n  containers:\n  - name: app\n    image: app:1.0",
		Good: "spec:\n  securityContext:\n    seccompProfile:\n      type: RuntimeDefault\n  containers:\n  - name: app\n    image: app:1.0",
	},
	Check: func(p *analyzer.Pass) {
		forWorkloads(p, func(w *Workload) {
			if w.Windows {
				return
			}
			podValid, podBad := false, false
			if f, ok := w.PodField("seccompProfile"); ok {
				at, t := seccompType(f)
				if validSeccomp(t) {
					podValid = true
				} else {
					podBad = true
					reportPod(p, w, &at, "pod %s", badSeccomp(t))
				}
			}
			for _, c := range w.Containers {
				if f, ok := c.Field("seccompProfile"); ok {
					if at, t := seccompType(f); !validSeccomp(t) {
						reportContainer(p, w, c, &at, "%s %s", c.describe(), badSeccomp(t))
					}
					continue
				}
				// A bad pod-level value is reported once, at the pod.
				if !podValid && !podBad {
					reportContainer(p, w, c, nil, `pod or %s must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`, c.describe())
				}
			}
		})
	},
})

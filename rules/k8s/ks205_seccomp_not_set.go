package k8s

import (
	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/fixes"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

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
		Fix:  "Safe: adds `seccompProfile: {type: RuntimeDefault}` to the pod's securityContext. Unsafe: changes an explicit other type (e.g. `Unconfined`) to `RuntimeDefault` where it is set.",
	},
	Check: func(p *analyzer.Pass) {
		forWorkloads(p, func(w *Workload) {
			if w.Windows {
				return
			}
			runtimeDefault := fixes.Map{{Key: "type", Value: fixes.Str("RuntimeDefault")}}
			podFix := setFix(p, w, w.Spec, "Set seccompProfile type RuntimeDefault for the pod", fixes.Safe,
				[]string{"securityContext", "seccompProfile"}, runtimeDefault)
			// Replacing a profile the author chose is theirs to accept.
			replace := func(at *yaml.Node, who string) func() []fixes.Fix {
				return setFix(p, w, at, "Change the seccomp profile of "+who+" to RuntimeDefault", fixes.Unsafe,
					[]string{"securityContext", "seccompProfile", "type"}, fixes.Str("RuntimeDefault"))
			}
			podValid, podBad := false, false
			if f, ok := w.PodField("seccompProfile"); ok {
				at, t := seccompType(f)
				if validSeccomp(t) {
					podValid = true
				} else {
					podBad = true
					reportFixable(p, w, nil, &at, replace(w.Spec, "the pod"), "pod %s", badSeccomp(t))
				}
			}
			for _, c := range w.Containers {
				if f, ok := c.Field("seccompProfile"); ok {
					if at, t := seccompType(f); !validSeccomp(t) {
						reportFixable(p, w, c, &at, replace(c.Node, c.describe()), "%s %s", c.describe(), badSeccomp(t))
					}
					continue
				}
				// A bad pod-level value is reported once, at the pod.
				if !podValid && !podBad {
					reportFixable(p, w, c, nil, podFix, `pod or %s must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`, c.describe())
				}
			}
		})
	},
})

package k8s

import (
	"fmt"

	"hardline.dev/hardline/analyzer"
)

// validSeccomp is what PSS accepts as a seccomp profile type.
func validSeccomp(t string) bool { return t == "RuntimeDefault" || t == "Localhost" }

// badSeccomp describes an invalid seccomp profile type for messages.
func badSeccomp(t string) string {
	if t == "" {
		return `sets securityContext.seccompProfile without a type (want "RuntimeDefault" or "Localhost")`
	}
	return fmt.Sprintf("must not set securityContext.seccompProfile.type to %q", t)
}

// seccompType returns the profile's type field (or the profile field when
// it has no type) and the type's value.
func seccompType(profile analyzer.Field) (analyzer.Field, string) {
	if f, ok := analyzer.Lookup(profile.Value, "type"); ok {
		return f, analyzer.Str(f.Value)
	}
	return profile, ""
}

var _ = register(&analyzer.Rule{
	Code: "KS106", Name: "unconfined-seccomp",
	Summary:  "Seccomp profile set to Unconfined (or another type than RuntimeDefault/Localhost)",
	Severity: analyzer.Error, Profile: analyzer.Baseline,
	Aliases: []string{"pss:seccompProfile_baseline"},
	Doc: analyzer.RuleDoc{
		Why: "Seccomp filters the system calls a container may make. Unconfined turns the filter off and reopens the kernel's full attack surface, " +
			"including the rarely used calls behind most container-escape exploits.",
		Bad:  "securityContext:\n  seccompProfile:\n    type: Unconfined",
		Good: "securityContext:\n  seccompProfile:\n    type: RuntimeDefault",
	},
	Check: func(p *analyzer.Pass) {
		forWorkloads(p, func(w *Workload) {
			if f, ok := w.PodField("seccompProfile"); ok {
				if at, t := seccompType(f); !validSeccomp(t) {
					reportPod(p, w, &at, "pod %s", badSeccomp(t))
				}
			}
			for _, c := range w.Containers {
				if f, ok := c.Field("seccompProfile"); ok {
					if at, t := seccompType(f); !validSeccomp(t) {
						reportContainer(p, w, c, &at, "%s %s", c.describe(), badSeccomp(t))
					}
				}
			}
		})
	},
})

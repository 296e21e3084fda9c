package k8s

import (
	"strings"

	"hardline.dev/hardline/analyzer"
)

var seLinuxAllowedTypes = newSet("", "container_t", "container_init_t", "container_kvm_t", "container_engine_t")

// seLinuxProblems lists what PSS forbids in a seLinuxOptions mapping.
func seLinuxProblems(opts analyzer.Field) []string {
	var out []string
	if t := analyzer.Str(analyzer.Get(opts.Value, "type")); !seLinuxAllowedTypes[t] {
		out = append(out, "type "+`"`+t+`"`)
	}
	if analyzer.Str(analyzer.Get(opts.Value, "user")) != "" {
		out = append(out, "user may not be set")
	}
	if analyzer.Str(analyzer.Get(opts.Value, "role")) != "" {
		out = append(out, "role may not be set")
	}
	return out
}

var _ = register(&analyzer.Rule{
	Code: "KS108", Name: "custom-selinux",
	Summary:  "SELinux type outside the container types, or SELinux user/role set",
	Severity: analyzer.Error, Profile: analyzer.Baseline,
	Aliases: []string{"pss:seLinuxOptions"},
	Doc: analyzer.RuleDoc{
		Why: "SELinux confines containers through their type (container_t and friends). A custom type such as spc_t (super-privileged container) " +
			"or a custom user or role lifts that confinement and gives the container the access of the host's processes.",
		Bad:  "securityContext:\n  seLinuxOptions:\n    type: spc_t",
		Good: "securityContext:\n  seLinuxOptions:\n    level: \"s0:c123,c456\"",
	},
	Check: func(p *analyzer.Pass) {
		forWorkloads(p, func(w *Workload) {
			if f, ok := w.PodField("seLinuxOptions"); ok {
				if probs := seLinuxProblems(f); len(probs) > 0 {
					reportPod(p, w, &f, "pod sets forbidden securityContext.seLinuxOptions: %s", strings.Join(probs, "; "))
				}
			}
			for _, c := range w.Containers {
				if f, ok := c.Field("seLinuxOptions"); ok {
					if probs := seLinuxProblems(f); len(probs) > 0 {
						reportContainer(p, w, c, &f, "%s sets forbidden securityContext.seLinuxOptions: %s", c.describe(), strings.Join(probs, "; "))
					}
				}
			}
		})
	},
})

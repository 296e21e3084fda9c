package k8s

import "hardline.dev/hardline/analyzer"

// baselineCapabilities are the capabilities PSS baseline allows adding:
// the container runtime's default set.
var baselineCapabilities = newSet("AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD",
	"NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT")

var _ = register(&analyzer.Rule{
	Code: "KS105", Name: "dangerous-capabilities",
	Summary:  "Container adds capabilities beyond the runtime's default set",
	Severity: analyzer.Error, Profile: analyzer.Baseline,
	Aliases: []string{"pss:capabilities_baseline"},
	Doc: analyzer.RuleDoc{
		Why: "Capabilities such as SYS_ADMIN, NET_ADMIN, SYS_PTRACE or SYS_MODULE give a container powers that are root on the node in all but name: " +
			"mounting filesystems, reconfiguring the network, tracing other processes, loading kernel modules. Most are known container-escape paths.",
		Bad:  "securityContext:\n  capabilities:\n    add: [\"SYS_ADMIN\"]",
		Good: "securityContext:\n  capabilities:\n    drop: [\"ALL\"]\n    add: [\"NET_BIND_SERVICE\"]",
	},
	Check: func(p *analyzer.Pass) {
		forWorkloads(p, func(w *Workload) {
			for _, c := range w.Containers {
				f, ok := analyzer.Lookup(analyzer.Get(c.SecurityContext, "capabilities"), "add")
				if !ok {
					continue
				}
				var bad []string
				for _, capability := range analyzer.Items(f.Value) {
					if name := analyzer.Str(capability); !baselineCapabilities[name] {
						bad = append(bad, name)
					}
				}
				if len(bad) > 0 {
					reportContainer(p, w, c, &f, "%s must not add %s %s", c.describe(), plural(len(bad), "capability", "capabilities"), quoteList(bad))
				}
			}
		})
	},
})

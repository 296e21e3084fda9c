package k8s

import "hardline.dev/hardline/analyzer"

var _ = register(&analyzer.Rule{
	Code: "KS111", Name: "windows-host-process",
	Summary:  "Windows HostProcess container",
	Severity: analyzer.Error, Profile: analyzer.Baseline,
	Aliases: []string{"pss:windowsHostProcess"},
	Doc: analyzer.RuleDoc{
		Why:  "A Windows HostProcess container runs directly on the host with the host's network and filesystem access: it is the Windows equivalent of a privileged container.",
		Bad:  "securityContext:\n  windowsOptions:\n    hostProcess: true",
		Good: "securityContext:\n  windowsOptions:\n    hostProcess: false",
	},
	Check: func(p *analyzer.Pass) {
		forWorkloads(p, func(w *Workload) {
			if f, ok := analyzer.Lookup(analyzer.Get(w.SecurityContext, "windowsOptions"), "hostProcess"); isTrue(f, ok) {
				reportPod(p, w, &f, "pod must not set securityContext.windowsOptions.hostProcess: true")
			}
			for _, c := range w.Containers {
				if f, ok := analyzer.Lookup(analyzer.Get(c.SecurityContext, "windowsOptions"), "hostProcess"); isTrue(f, ok) {
					reportContainer(p, w, c, &f, "%s must not set securityContext.windowsOptions.hostProcess: true", c.describe())
				}
			}
		})
	},
})

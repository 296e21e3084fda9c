package k8s

import (
	"strings"

	"hardline.dev/hardline/analyzer"
)

var _ = register(&analyzer.Rule{
	Code: "KS102", Name: "host-namespaces",
	Summary:  "Pod shares the host's network, PID or IPC namespace",
	Severity: analyzer.Error, Profile: analyzer.Baseline,
	Aliases: []string{"pss:hostNamespaces", "kube-linter:host-network", "kube-linter:host-pid", "kube-linter:host-ipc"},
	Doc: analyzer.RuleDoc{
		Why: "hostNetwork lets the pod sniff and bind the node's interfaces and reach services bound to localhost; hostPID lets it see and signal " +
			"every process on the node (and read their environment); hostIPC lets it read other processes' shared memory. Each breaks the isolation a pod is supposed to have.",
		Bad:  "spec:\n  hostNetwork: true",
		Good: "spec:\n  hostNetwork: false",
	},
	Check: func(p *analyzer.Pass) {
		forWorkloads(p, func(w *Workload) {
			var first *analyzer.Field
			var names []string
			for _, key := range []string{"hostNetwork", "hostPID", "hostIPC"} {
				if f, ok := analyzer.Lookup(w.Spec, key); isTrue(f, ok) {
					names = append(names, key+": true")
					if first == nil {
						first = &f
					}
				}
			}
			if first != nil {
				reportPod(p, w, first, "pod must not set %s", strings.Join(names, ", "))
			}
		})
	},
})

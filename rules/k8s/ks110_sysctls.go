package k8s

import (
	"strings"

	"hardline.dev/hardline/analyzer"
)

// safeSysctls is PSS v1.37's allowed set: namespaced sysctls that cannot
// affect other pods on the node.
var safeSysctls = newSet(
	"kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.tcp_syncookies",
	"net.ipv4.ping_group_range", "net.ipv4.ip_unprivileged_port_start", "net.ipv4.ip_local_reserved_ports",
	"net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl",
	"net.ipv4.tcp_keepalive_probes", "net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem",
	"net.ipv4.tcp_slow_start_after_idle", "net.ipv4.tcp_notsent_lowat",
)

var _ = register(&analyzer.Rule{
	Code: "KS110", Name: "unsafe-sysctls",
	Summary:  "Pod sets a sysctl outside the safe set",
	Severity: analyzer.Error, Profile: analyzer.Baseline,
	Aliases: []string{"pss:sysctls", "kube-linter:unsafe-sysctls"},
	Doc: analyzer.RuleDoc{
		Why: "Sysctls outside the safe set are either not namespaced (they change the whole node's kernel) or let one pod starve others. " +
			"An attacker can use them to weaken the node's network stack or memory protections.",
		Bad:  "securityContext:\n  sysctls:\n  - name: kernel.msgmax\n    value: \"65536\"",
		Good: "securityContext:\n  sysctls:\n  - name: net.ipv4.ip_local_port_range\n    value: \"1024 65535\"",
	},
	Check: func(p *analyzer.Pass) {
		forWorkloads(p, func(w *Workload) {
			var first *analyzer.Field
			var bad []string
			for _, s := range analyzer.Items(analyzer.Get(w.SecurityContext, "sysctls")) {
				f, ok := analyzer.Lookup(s, "name")
				name := analyzer.Str(f.Value)
				if safeSysctls[name] {
					continue
				}
				bad = append(bad, name)
				if first == nil {
					if !ok {
						f = analyzer.Field{Key: s, Value: s}
					}
					first = &f
				}
			}
			if first != nil {
				reportPod(p, w, first, "pod must not set %s %s", plural(len(bad), "sysctl", "sysctls"), strings.Join(bad, ", "))
			}
		})
	},
})

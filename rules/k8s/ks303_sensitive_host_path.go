package k8s

import "hardline.dev/hardline/analyzer"

// sensitiveHostDirs are the node's directories whose contents give away
// the node: its configuration and credentials, kernel interfaces, the
// kubelet's and the runtimes' state (other pods' secrets and images). The
// root directory is not listed: it holds all of them, so it matches anyway.
var sensitiveHostDirs = []string{
	"/boot", "/dev", "/etc", "/lib", "/proc", "/sys", "/usr", "/root", "/home",
	"/var/lib/kubelet", "/var/lib/docker", "/var/lib/containerd", "/var/lib/etcd", "/var/lib/rancher",
	"/etc/kubernetes",
}

// sensitiveHostPath: one of those directories, a path below one, or a
// directory that holds one (mounting /var holds /var/lib/kubelet).
func sensitiveHostPath(p string) bool {
	for _, d := range sensitiveHostDirs {
		if within(p, d) || within(d, p) {
			return true
		}
	}
	return false
}

var _ = register(&analyzer.Rule{
	Code: "KS303", Name: "sensitive-host-path",
	Summary:  "Pod mounts a sensitive directory of the node (/, /etc, /proc, /sys, /var/lib/kubelet, …)",
	Severity: analyzer.Error, Profile: analyzer.Baseline,
	Aliases: []string{"kube-linter:sensitive-host-mounts", "trivy:KSV-0121"},
	Doc: analyzer.RuleDoc{
		Why: "These directories hold the node's credentials and configuration (/etc, /root, /etc/kubernetes), its kernel interfaces (/proc, /sys, " +
			"/dev) and the kubelet's and container runtimes' state (/var/lib/kubelet holds every pod's secrets and service account tokens). " +
			"Reading them leaks other workloads' credentials; writing them is root on the node.",
		Bad:  "volumes:\n- name: host\n  hostPath:\n    path: /etc",
		Good: "volumes:\n- name: config\n  configMap:\n    name: app-config",
	},
	Check: func(p *analyzer.Pass) {
		forWorkloads(p, func(w *Workload) {
			reportHostPaths(p, w, sensitiveHostPath, "pod must not mount a sensitive directory of the node: hostPath %s %s")
		})
	},
})

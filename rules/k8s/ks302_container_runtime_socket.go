package k8s

import "hardline.dev/hardline/analyzer"

// runtimeSockets are the API sockets of the container runtimes a node may
// run; whoever can write to one can start a privileged container.
var runtimeSockets = []string{
	"/var/run/docker.sock", "/run/docker.sock",
	"/var/run/containerd/containerd.sock", "/run/containerd/containerd.sock",
	"/var/run/crio/crio.sock", "/run/crio/crio.sock",
	"/var/run/cri-dockerd.sock", "/run/cri-dockerd.sock",
	"/run/k3s/containerd/containerd.sock", "/run/podman/podman.sock",
}

// exposesRuntimeSocket: the socket itself, or a directory holding one
// (mounting /var/run exposes /var/run/docker.sock). The root directory is
// KS303's: it exposes everything.
func exposesRuntimeSocket(p string) bool {
	if p == "/" {
		return false
	}
	for _, s := range runtimeSockets {
		if within(s, p) {
			return true
		}
	}
	return false
}

var _ = register(&analyzer.Rule{
	Code: "KS302", Name: "container-runtime-socket",
	Summary:  "Pod mounts the container runtime's socket (docker, containerd, CRI-O)",
	Severity: analyzer.Error, Profile: analyzer.Baseline,
	Aliases: []string{"kube-linter:docker-sock", "checkov:CKV_K8S_27"},
	Doc: analyzer.RuleDoc{
		Why: "The container runtime's socket is its API, and it runs as root on the node. A container that can reach " +
			"/var/run/docker.sock or containerd.sock can start a privileged container with the host's filesystem mounted: that is root on " +
			"the node, whatever the pod's own securityContext says. Mounting a directory that holds the socket (/var/run, /run) is the same.",
		Bad:  "volumes:\n- name: docker\n  hostPath:\n    path: /var/run/docker.sock",
		Good: "# Build images with an unprivileged builder (BuildKit rootless, kaniko)\n# instead of the node's runtime.",
	},
	Check: func(p *analyzer.Pass) {
		forWorkloads(p, func(w *Workload) {
			reportHostPaths(p, w, exposesRuntimeSocket, "pod must not mount the container runtime's socket: hostPath %s %s")
		})
	},
})

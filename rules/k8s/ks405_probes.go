package k8s

import "hardline.dev/hardline/analyzer"

func init() {
	registerProbe("KS405", "missing-liveness-probe", "livenessProbe",
		[]string{"kube-linter:no-liveness-probe", "polaris:livenessProbeMissing", "checkov:CKV_K8S_8"},
		"Without a liveness probe the kubelet only restarts a container whose process exits: one that deadlocks or stops serving "+
			"keeps running, and its pod keeps receiving traffic it cannot answer.")
	registerProbe("KS406", "missing-readiness-probe", "readinessProbe",
		[]string{"kube-linter:no-readiness-probe", "polaris:readinessProbeMissing", "checkov:CKV_K8S_9"},
		"Without a readiness probe a pod counts as ready as soon as its containers start: Services send it requests before it can "+
			"answer them, and a rolling update replaces healthy pods with ones that are not serving yet.")
}

// registerProbe registers a rule asking long-running containers for a
// probe. Jobs, CronJobs and pods that are not restarted run to completion,
// where probes mean little, so they are skipped; so are init and ephemeral
// containers, which cannot have these probes (sidecars aside).
func registerProbe(code, name, probe string, aliases []string, why string) {
	register(&analyzer.Rule{
		Code: code, Name: name,
		Summary:  "long-running container without " + probe,
		Severity: analyzer.Info, Profile: analyzer.All,
		Aliases: aliases,
		Doc: analyzer.RuleDoc{
			Why:  why + " Jobs, CronJobs and pods with restartPolicy Never or OnFailure are not checked.",
			Bad:  "containers:\n- name: app\n  image: app:1.0",
			Good: "containers:\n- name: app\n  image: app:1.0\n  " + probe + ":\n    httpGet:\n      path: /healthz\n      port: 8080",
			Fix:  "None: which endpoint or command tells that the application is healthy is the application's to say.",
		},
		Check: func(p *analyzer.Pass) {
			forWorkloads(p, func(w *Workload) {
				if !longRunning(w) {
					return
				}
				for _, c := range w.Containers {
					if c.List != "containers" {
						continue
					}
					if f, ok := analyzer.Lookup(c.Node, probe); ok && !analyzer.IsNull(f.Value) {
						continue
					}
					reportContainer(p, w, c, nil, "%s has no %s", c.describe(), probe)
				}
			})
		},
	})
}

// longRunning tells whether a workload's pods are meant to keep running.
func longRunning(w *Workload) bool {
	switch w.Object.Kind {
	case "Job", "CronJob":
		return false
	}
	switch analyzer.Str(analyzer.Get(w.Spec, "restartPolicy")) {
	case "Never", "OnFailure":
		return false
	}
	return true
}

package k8s

import "hardline.dev/hardline/analyzer"

var _ = register(&analyzer.Rule{
	Code: "KS103", Name: "host-path-volume",
	Summary:  "Pod mounts a hostPath volume",
	Severity: analyzer.Error, Profile: analyzer.Baseline,
	Aliases: []string{"pss:hostPathVolumes"},
	Doc: analyzer.RuleDoc{
		Why: "A hostPath volume exposes the node's filesystem to the pod. Depending on the path it leaks other pods' data and credentials, " +
			"or lets the container write where the kubelet or the container runtime will execute it. Use a PersistentVolumeClaim, a ConfigMap or an emptyDir instead.",
		Bad:  "volumes:\n- name: data\n  hostPath:\n    path: /var/data",
		Good: "volumes:\n- name: data\n  persistentVolumeClaim:\n    claimName: data",
	},
	Check: func(p *analyzer.Pass) {
		forWorkloads(p, func(w *Workload) {
			var first *analyzer.Field
			var names []string
			for _, v := range analyzer.Items(analyzer.Get(w.Spec, "volumes")) {
				if f, ok := analyzer.Lookup(v, "hostPath"); ok && !analyzer.IsNull(f.Value) {
					names = append(names, analyzer.Str(analyzer.Get(v, "name")))
					if first == nil {
						first = &f
					}
				}
			}
			if first != nil {
				reportPod(p, w, first, "pod must not use hostPath %s %s", plural(len(names), "volume", "volumes"), quoteList(names))
			}
		})
	},
})

package k8s

import "hardline.dev/hardline/analyzer"

var _ = register(&analyzer.Rule{
	Code: "KS903", Name: "scc-host-path",
	Summary:  "OpenShift SecurityContextConstraints that allow hostPath volumes",
	Severity: analyzer.Warning, Profile: analyzer.Baseline,
	Doc: analyzer.RuleDoc{
		Why: "An SCC whose volumes include hostPath (or *), or that sets allowHostDirVolumePlugin, lets every pod admitted under it " +
			"mount any folder of the node: the container runtime's socket, the kubelet's credentials, /etc (KS103 is the same " +
			"judgement on a pod).",
		Bad:  "kind: SecurityContextConstraints\nvolumes: [\"*\"]",
		Good: "kind: SecurityContextConstraints\nvolumes: [configMap, downwardAPI, emptyDir, persistentVolumeClaim, projected, secret]",
		Fix:  "None: list the volume types the admitted pods use.",
	},
	Check: func(p *analyzer.Pass) {
		forSCCs(p, func(o *analyzer.Object) {
			if f, ok := analyzer.Lookup(o.Node, "volumes"); ok {
				// The volumes list decides; allowHostDirVolumePlugin only
				// mirrors it.
				for _, v := range analyzer.Items(f.Value) {
					if s := analyzer.Str(v); s == "hostPath" || s == "*" {
						reportObject(p, o, &f, "SecurityContextConstraints %q allows %q volumes, so every pod it admits may mount any folder of the node", o.Name, s)
						return
					}
				}
				return
			}
			sccTrue(p, o, "allowHostDirVolumePlugin", "every pod it admits may mount any folder of the node")
		})
	},
})

package k8s

import "hardline.dev/hardline/analyzer"

var _ = register(&analyzer.Rule{
	Code: "KS902", Name: "scc-host-namespaces",
	Summary:  "OpenShift SecurityContextConstraints that allow the node's network, PID or IPC namespace",
	Severity: analyzer.Warning, Profile: analyzer.Baseline,
	Doc: analyzer.RuleDoc{
		Why: "allowHostNetwork, allowHostPID and allowHostIPC let every pod admitted under the SCC join the node's namespaces: see and " +
			"spoof the node's traffic, reach services bound to localhost, signal and inspect every process of the node, read other pods' " +
			"shared memory (KS102 is the same judgement on a pod).",
		Bad:  "kind: SecurityContextConstraints\nallowHostNetwork: true\nallowHostPID: true",
		Good: "kind: SecurityContextConstraints\nallowHostNetwork: false\nallowHostPID: false\nallowHostIPC: false",
		Fix:  "None: the pods admitted under the SCC may need it; narrow who may use it, or turn it off.",
	},
	Check: func(p *analyzer.Pass) {
		forSCCs(p, func(o *analyzer.Object) {
			sccTrue(p, o, "allowHostNetwork", "every pod it admits may use the node's network: its traffic and its localhost services")
			sccTrue(p, o, "allowHostPID", "every pod it admits may see and signal every process of the node")
			sccTrue(p, o, "allowHostIPC", "every pod it admits may use the node's shared memory")
		})
	},
})

package k8s

import (
	"strings"

	"hardline.dev/hardline/analyzer"
)

var _ = register(&analyzer.Rule{
	Code: "KS905", Name: "scc-added-capabilities",
	Summary:  "OpenShift SecurityContextConstraints that allow or add capabilities beyond the runtime's default set",
	Severity: analyzer.Warning, Profile: analyzer.Baseline,
	Doc: analyzer.RuleDoc{
		Why: "allowedCapabilities lets every pod admitted under the SCC add those capabilities, and defaultAddCapabilities adds them to " +
			"every container whether it asks or not. Beyond the runtime's default set (what Pod Security baseline allows: KS105 is the " +
			"same judgement on a pod), capabilities such as SYS_ADMIN, NET_ADMIN or SYS_PTRACE are known container-escape paths, and * " +
			"is all of them.",
		Bad:  "kind: SecurityContextConstraints\nallowedCapabilities: [\"*\"]",
		Good: "kind: SecurityContextConstraints\nallowedCapabilities: [NET_BIND_SERVICE]\nrequiredDropCapabilities: [ALL]",
		Fix:  "None: list only the capabilities the admitted pods need.",
	},
	Check: func(p *analyzer.Pass) {
		forSCCs(p, func(o *analyzer.Object) {
			for _, key := range []string{"allowedCapabilities", "defaultAddCapabilities"} {
				f, ok := analyzer.Lookup(o.Node, key)
				if !ok {
					continue
				}
				var bad []string
				for _, it := range analyzer.Items(f.Value) {
					name := analyzer.Str(it)
					if !baselineCapabilities[strings.TrimPrefix(strings.ToUpper(name), "CAP_")] {
						bad = append(bad, name)
					}
				}
				if len(bad) > 0 {
					verb := "lets its pods add"
					if key == "defaultAddCapabilities" {
						verb = "adds to every container"
					}
					reportObject(p, o, &f, "SecurityContextConstraints %q %s %s %s", o.Name, verb, plural(len(bad), "capability", "capabilities"), quoteList(bad))
				}
			}
		})
	},
})

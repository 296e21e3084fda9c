package k8s

import (
	"strconv"
	"strings"

	"hardline.dev/hardline/analyzer"
)

var _ = register(&analyzer.Rule{
	Code: "KS104", Name: "host-port",
	Summary:  "Container binds a port on the node (hostPort)",
	Severity: analyzer.Error, Profile: analyzer.Baseline,
	Aliases: []string{"pss:hostPorts"},
	Doc: analyzer.RuleDoc{
		Why: "A hostPort opens the port on the node's own address, bypassing NetworkPolicies and Services, and pins the pod to nodes where the port is free. " +
			"Expose the container through a Service instead.",
		Bad:  "ports:\n- containerPort: 8080\n  hostPort: 8080",
		Good: "ports:\n- containerPort: 8080",
	},
	Check: func(p *analyzer.Pass) {
		forWorkloads(p, func(w *Workload) {
			for _, c := range w.Containers {
				var first *analyzer.Field
				var ports []string
				for _, port := range analyzer.Items(analyzer.Get(c.Node, "ports")) {
					f, ok := analyzer.Lookup(port, "hostPort")
					if !ok {
						continue
					}
					if v, isInt := analyzer.Int(f.Value); isInt && v != 0 {
						ports = append(ports, strconv.FormatInt(v, 10))
						if first == nil {
							first = &f
						}
					}
				}
				if first != nil {
					reportContainer(p, w, c, first, "%s must not use %s %s", c.describe(), plural(len(ports), "hostPort", "hostPorts"), strings.Join(ports, ", "))
				}
			}
		})
	},
})

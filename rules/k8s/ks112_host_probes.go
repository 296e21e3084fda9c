package k8s

import (
	"hardline.dev/hardline/analyzer"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// handlerHosts are the host fields of a probe's or lifecycle hook's
// httpGet and tcpSocket handlers that are set.
func handlerHosts(h *yaml.Node) []analyzer.Field {
	var out []analyzer.Field
	for _, kind := range []string{"httpGet", "tcpSocket"} {
		if f, ok := analyzer.Lookup(analyzer.Get(h, kind), "host"); ok && analyzer.Str(f.Value) != "" {
			out = append(out, f)
		}
	}
	return out
}

var _ = register(&analyzer.Rule{
	Code: "KS112", Name: "host-probes",
	Summary:  "Probe or lifecycle handler sends requests to another host",
	Severity: analyzer.Error, Profile: analyzer.Baseline,
	Aliases: []string{"pss:hostProbesAndHostLifecycle"},
	Doc: analyzer.RuleDoc{
		Why: "The kubelet runs probes and lifecycle handlers from the node. A host field makes it send requests to any address the node can reach, " +
			"which turns the pod spec into a server-side request forgery against the node's network (cloud metadata endpoints included).",
		Bad:  "livenessProbe:\n  httpGet:\n    host: 169.254.169.254\n    port: 80",
		Good: "livenessProbe:\n  httpGet:\n    port: 8080",
	},
	Check: func(p *analyzer.Pass) {
		forWorkloads(p, func(w *Workload) {
			for _, c := range w.Containers {
				var hosts []analyzer.Field
				for _, probe := range []string{"livenessProbe", "readinessProbe", "startupProbe"} {
					hosts = append(hosts, handlerHosts(analyzer.Get(c.Node, probe))...)
				}
				for _, hook := range []string{"postStart", "preStop"} {
					hosts = append(hosts, handlerHosts(analyzer.Get(c.Node, "lifecycle", hook))...)
				}
				if len(hosts) == 0 {
					continue
				}
				var names []string
				for _, h := range hosts {
					names = append(names, analyzer.Str(h.Value))
				}
				reportContainer(p, w, c, &hosts[0], "%s must not send probes or lifecycle requests to %s %s", c.describe(), plural(len(names), "host", "hosts"), quoteList(names))
			}
		})
	},
})

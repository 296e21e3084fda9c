package k8s

import "hardline.dev/hardline/analyzer"

var _ = register(&analyzer.Rule{
	Code: "KS804", Name: "service-exposed",
	Summary:  "A Service of type NodePort or LoadBalancer: reachable from outside the cluster",
	Severity: analyzer.Info, Profile: analyzer.All,
	Doc: analyzer.RuleDoc{
		Why: "A NodePort Service opens a port on every node; a LoadBalancer Service asks the cloud for an address, usually " +
			"public. Either puts the pods behind it on the network outside the cluster, past any ingress controller's TLS, " +
			"authentication and rate limits. Prefer ClusterIP behind an Ingress or Gateway, and make exposure a decision " +
			"(suppress this finding with the reason).",
		Bad:  "kind: Service\nspec:\n  type: LoadBalancer",
		Good: "kind: Service\nspec:\n  type: ClusterIP   # exposed through the Ingress",
	},
	Check: func(p *analyzer.Pass) {
		for _, o := range p.Doc.Objects {
			if o.Kind != "Service" || o.Group() != "" {
				continue
			}
			f, ok := analyzer.Lookup(analyzer.Get(o.Node, "spec"), "type")
			if t := analyzer.Str(f.Value); !ok || t != "NodePort" && t != "LoadBalancer" {
				continue
			}
			start, end := p.Doc.FieldSpan(f)
			p.Report(analyzer.Finding{Start: start, End: end, Object: o.ObjectRef,
				Message: "Service " + o.Name + " is of type " + analyzer.Str(f.Value) + ": reachable from outside the cluster"})
		}
	},
})

package k8s

import "hardline.dev/hardline/analyzer"

var _ = register(&analyzer.Rule{
	Code: "KS806", Name: "dangling-ingress",
	Summary:  "An Ingress or Gateway route that sends to a Service not in the set",
	Severity: analyzer.Warning, Profile: analyzer.All, Phase: analyzer.SetPhase,
	Aliases: []string{"kube-linter:dangling-ingress"},
	Doc: analyzer.RuleDoc{
		Why: "An Ingress (or an HTTPRoute, GRPCRoute, …) routes to Services by name. One whose Service does not exist answers " +
			"with errors, and whoever later creates a Service of that name in the namespace receives the traffic, TLS and host " +
			"name included. Reported only when the set holds Services of the namespace: a route to a Service deployed elsewhere " +
			"is not judged.",
		Bad:  "kind: Ingress\nspec:\n  defaultBackend:\n    service: {name: web-v1, port: {number: 80}}   # the Service is web",
		Good: "kind: Ingress\nspec:\n  defaultBackend:\n    service: {name: web, port: {number: 80}}",
	},
	Collect: collectObjects,
	CheckSet: func(p *analyzer.SetPass) {
		objs := setObjects(p)
		byOperator := operated(objs)
		services := map[string]map[string]bool{}
		for _, o := range objs {
			if o.Service != nil {
				if services[o.Namespace] == nil {
					services[o.Namespace] = map[string]bool{}
				}
				services[o.Namespace][o.Ref.Name] = true
			}
		}
		for _, o := range objs {
			if byOperator[o.Namespace] || len(o.Backends) == 0 || len(services[o.Namespace]) == 0 {
				continue
			}
			for _, b := range o.Backends {
				if !services[o.Namespace][b.Service] {
					p.Report(b.At, analyzer.Finding{Object: o.Ref,
						Message: o.Ref.Kind + " " + o.Ref.Name + " sends to Service " + b.Service + ", and no Service of that name is among " + namespaceName(o.Namespace)})
				}
			}
		}
	},
})

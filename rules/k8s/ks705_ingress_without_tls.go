package k8s

import "hardline.dev/hardline/analyzer"

var _ = register(&analyzer.Rule{
	Code: "KS705", Name: "ingress-without-tls",
	Summary:  "Ingress without tls",
	Severity: analyzer.Info, Profile: analyzer.All,
	Aliases: []string{"polaris:tlsSettingsMissing"},
	Doc: analyzer.RuleDoc{
		Why: "An Ingress without `tls` serves its hosts over plain HTTP: credentials, cookies and data cross the network readable and " +
			"changeable by anyone on the path. Terminating TLS at the Ingress (with a certificate from cert-manager, for instance) is " +
			"usually one block of YAML.",
		Bad:  "spec:\n  rules:\n  - host: app.example.com",
		Good: "spec:\n  tls:\n  - hosts: [app.example.com]\n    secretName: app-tls\n  rules:\n  - host: app.example.com",
		Fix:  "None: the certificate's Secret is yours to name.",
	},
	Check: func(p *analyzer.Pass) {
		for _, o := range p.Doc.Objects {
			if o.Kind != "Ingress" || (o.Group() != "networking.k8s.io" && o.Group() != "extensions") {
				continue
			}
			spec, ok := analyzer.Lookup(o.Node, "spec")
			if len(analyzer.Items(analyzer.Get(spec.Value, "tls"))) > 0 {
				continue
			}
			var at *analyzer.Field
			if ok {
				at = &analyzer.Field{Key: spec.Key}
			}
			reportObject(p, o, at, "Ingress %q has no tls: its hosts are served over plain HTTP", o.Name)
		}
	},
})

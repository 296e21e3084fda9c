package k8s

import "hardline.dev/hardline/analyzer"

var _ = register(&analyzer.Rule{
	Code: "KS602", Name: "deprecated-api",
	Summary:  "apiVersion deprecated in the target Kubernetes version",
	Severity: analyzer.Warning, Profile: analyzer.Restricted,
	Tag: analyzer.Deprecated,
	Doc: analyzer.RuleDoc{
		Why: "The target version (`kubernetesVersion`) still serves this apiVersion but has deprecated it: a later upgrade removes it, " +
			"and the API server already answers with a warning. Migrating now, while both versions are served, is a no-downtime change.",
		Bad:  "# kubernetesVersion: \"1.22\"\napiVersion: batch/v1beta1\nkind: CronJob",
		Good: "apiVersion: batch/v1\nkind: CronJob",
		Fix:  "The same migrations as KS601, to a replacement the target version serves.",
	},
	Check: func(p *analyzer.Pass) { checkAPIs(p, apiDeprecated) },
})

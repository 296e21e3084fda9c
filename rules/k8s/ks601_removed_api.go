package k8s

import "hardline.dev/hardline/analyzer"

var _ = register(&analyzer.Rule{
	Code: "KS601", Name: "removed-api",
	Summary:  "apiVersion no longer served by the target Kubernetes version",
	Severity: analyzer.Error, Profile: analyzer.Baseline,
	Tag: analyzer.Deprecated,
	Doc: analyzer.RuleDoc{
		Why: "The API server of the target version (`kubernetesVersion`, default the latest release) no longer serves this apiVersion: " +
			"`kubectl apply` fails, and a cluster upgrade strands every object still written this way. The replacement is proposed from the " +
			"upstream deprecation guide, choosing one the target version serves.",
		Bad:  "apiVersion: extensions/v1beta1\nkind: Ingress",
		Good: "apiVersion: networking.k8s.io/v1\nkind: Ingress",
		Fix: "Rewrites apiVersion where only it changes (RBAC, CronJob, PriorityClass, …; safe). Structural migrations: Deployments, " +
			"DaemonSets, ReplicaSets and StatefulSets move to apps/v1 with `spec.selector` taken from the template labels (safe from " +
			"apps/v1beta2; unsafe from extensions/v1beta1 and apps/v1beta1, whose defaults differ); Ingress moves to networking.k8s.io/v1 " +
			"with `service.name`/`service.port` backends and `pathType: ImplementationSpecific` (safe); PodDisruptionBudget moves to " +
			"policy/v1 (unsafe when its selector is empty: it then selects every pod). Kinds whose fields changed (CRDs, webhooks, " +
			"Events, EndpointSlices, HPA autoscaling/v2beta1) are migrated by hand.",
	},
	Check: func(p *analyzer.Pass) { checkAPIs(p, apiRemoved) },
})

package k8s

import (
	"slices"

	"hardline.dev/hardline/analyzer"
)

var _ = register(&analyzer.Rule{
	Code: "KS801", Name: "pod-not-isolated",
	Summary:  "A pod that no NetworkPolicy of its namespace selects, in a namespace that has NetworkPolicies or a cluster that enforces them",
	Severity: analyzer.Warning, Profile: analyzer.All, Phase: analyzer.SetPhase,
	Aliases: []string{"kube-linter:non-isolated-pod"},
	Doc: analyzer.RuleDoc{
		Why: "Pods accept connections from any pod of the cluster, and reach any address, until a NetworkPolicy selects them: a " +
			"compromised neighbour reaches the database, a compromised pod reaches the cloud's metadata endpoint. A namespace that " +
			"has NetworkPolicies intends to isolate its pods; a workload that none of them selects was forgotten. Ingress and egress " +
			"are judged apart (a policy without policyTypes covers Ingress, and Egress only when it has an egress section); egress " +
			"is reported only in namespaces where some policy covers Egress. Namespaces without any NetworkPolicy are judged only when " +
			"the config says the cluster enforces them (cluster: {networkPolicies: enforced}). The objects of one run form the set: " +
			"the files linted together, each render of a chart or kustomization with them.",
		Bad:  "kind: NetworkPolicy\nspec:\n  podSelector: {matchLabels: {app: api}}\n---\nkind: Deployment   # app: worker: selected by none\nmetadata: {name: worker}",
		Good: "kind: NetworkPolicy\nmetadata: {name: default-deny}\nspec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]",
	},
	Collect: collectObjects,
	CheckSet: func(p *analyzer.SetPass) {
		objs := setObjects(p)
		policies := byNamespace(objs, func(o *object) bool { return o.Policy != nil })
		// Namespaces where some policy covers egress: only there is a pod
		// judged for it.
		egressUsed := map[string]bool{}
		for ns, ps := range policies {
			egressUsed[ns] = slices.ContainsFunc(ps, func(pol *object) bool { return pol.Policy.Egress })
		}
		for _, o := range objs {
			ps := policies[o.Namespace]
			if o.Pod == nil {
				continue
			}
			if len(ps) == 0 {
				if p.Config(o.At.Path).Cluster.NetworkPolicies {
					p.Report(o.At, analyzer.Finding{Object: o.Ref,
						Message: namespaceName(o.Namespace) + " has no NetworkPolicy, so any pod of the cluster can connect to the pods of " + describeObject(o.Ref) + " (cluster.networkPolicies says the cluster enforces them)"})
				}
				continue
			}
			// Isolated once selected both ways: a namespace of thousands
			// of pods and policies need not try every policy on each.
			ingress, egress := false, !egressUsed[o.Namespace]
			for _, pol := range ps {
				if (pol.Policy.Ingress && !ingress || pol.Policy.Egress && !egress) && pol.Policy.Selector.matches(o.Pod.Labels) {
					ingress = ingress || pol.Policy.Ingress
					egress = egress || pol.Policy.Egress
					if ingress && egress {
						break
					}
				}
			}
			if ingress && egress {
				continue
			}
			rel := related(ps, func(pol *object) string { return "NetworkPolicy " + pol.Ref.Name + " does not select it" }, 5)
			if !ingress {
				p.Report(o.At, analyzer.Finding{Object: o.Ref, Related: rel,
					Message: "no NetworkPolicy among " + namespaceName(o.Namespace) + " selects the pods of " + describeObject(o.Ref) + " for ingress: any pod of the cluster can connect to them"})
			}
			if !egress {
				p.Report(o.At, analyzer.Finding{Object: o.Ref, Related: rel,
					Message: "no NetworkPolicy among " + namespaceName(o.Namespace) + " selects the pods of " + describeObject(o.Ref) + " for egress: they can connect anywhere"})
			}
		}
	},
})

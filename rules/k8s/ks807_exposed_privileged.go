package k8s

import "hardline.dev/hardline/analyzer"

var _ = register(&analyzer.Rule{
	Code: "KS807", Name: "exposed-privileged-pod",
	Summary:  "A NodePort or LoadBalancer Service in front of pods that run privileged or in a host namespace",
	Severity: analyzer.Error, Profile: analyzer.All, Phase: analyzer.SetPhase,
	Doc: analyzer.RuleDoc{
		Why: "A privileged container, or a pod in the node's network, PID or IPC namespace, can take over the node. Behind a " +
			"NodePort or LoadBalancer Service it is also reachable from outside the cluster: one remote code execution in it is " +
			"the node, and from the node the cluster. Expose such pods only through a component built to take the traffic, or " +
			"take away the privilege.",
		Bad:  "kind: Service\nspec:\n  type: LoadBalancer\n  selector: {app: agent}\n---\nkind: DaemonSet   # app: agent, hostNetwork: true",
		Good: "kind: Service\nspec:\n  type: ClusterIP\n  selector: {app: agent}",
	},
	Collect: collectObjects,
	CheckSet: func(p *analyzer.SetPass) {
		objs := setObjects(p)
		in := podsOf(objs)
		for _, o := range objs {
			s := o.Service
			if s == nil || s.Selector == nil || s.Type != "NodePort" && s.Type != "LoadBalancer" {
				continue
			}
			sel := selector{Labels: s.Selector}
			for _, w := range in.byNS[o.Namespace] {
				if w.Pod.Risk == "" || !sel.matches(w.Pod.Labels) {
					continue
				}
				at := s.TypeAt
				if at.Lines == nil {
					at = o.At
				}
				p.Report(at, analyzer.Finding{Object: o.Ref,
					Related: []analyzer.Related{{Location: w.Pod.RiskAt, Message: describeObject(w.Ref) + " runs with " + w.Pod.Risk}},
					Message: "Service " + o.Ref.Name + " (" + s.Type + ") exposes " + describeObject(w.Ref) + ", whose pods run with " + w.Pod.Risk + ": reachable from outside the cluster and able to take over the node"})
			}
		}
	},
})

package k8s

import "hardline.dev/hardline/analyzer"

var _ = register(&analyzer.Rule{
	Code: "KS803", Name: "service-account-reach",
	Summary:  "A workload whose service account is bound to a role that reads Secrets, creates pods, execs, escalates or is cluster-admin",
	Severity: analyzer.Warning, Profile: analyzer.All, Phase: analyzer.SetPhase,
	Doc: analyzer.RuleDoc{
		Why: "Whatever a pod's service account may do, anyone who runs code in the pod may do: its token is a file in every container " +
			"unless automountServiceAccountToken is false. A web server whose account can read the namespace's Secrets hands an attacker " +
			"every database password with one path traversal; one that can create pods can start a privileged pod with any other " +
			"account of the namespace (CIS 5.1.4); exec, bind, escalate and impersonate lead to the same. hardline follows the workload's " +
			"serviceAccountName (default: default) to the RoleBindings and ClusterRoleBindings of the set that name it directly, as " +
			"system:serviceaccount:<namespace>:<name>, or through system:serviceaccounts, system:serviceaccounts:<namespace> and " +
			"system:authenticated, then to the Roles and ClusterRoles of the set and the built-in ones (cluster-admin, admin, edit, " +
			"view), aggregation included. Rules narrowed by resourceNames are not judged; a role neither in the set nor built in is " +
			"not judged either.",
		Bad: "kind: RoleBinding\nroleRef: {kind: ClusterRole, name: edit}\nsubjects:\n- {kind: ServiceAccount, name: web}\n---\n" +
			"kind: Deployment\nspec:\n  template:\n    spec:\n      serviceAccountName: web   # can read Secrets, create pods, exec",
		Good: "kind: RoleBinding\nroleRef: {kind: Role, name: web-config-reader}   # get on the configmaps it needs\nsubjects:\n" +
			"- {kind: ServiceAccount, name: web}",
		Fix: "None: which permissions the workload needs is its owner's to say. Bind a Role that grants only them; if the workload " +
			"never calls the API, set automountServiceAccountToken: false (KS304) so that its pods carry no token.",
	},
	Collect: collectObjects,
	CheckSet: func(p *analyzer.SetPass) {
		objs := setObjects(p)
		bs := bindingsOf(objs)
		if len(bs) == 0 {
			return
		}
		rs := rolesOf(objs)
		accounts := map[[2]string]*account{}
		for _, o := range objs {
			if o.Account != nil {
				accounts[[2]string{o.Namespace, o.Ref.Name}] = o.Account
			}
		}
		// Most workloads of a namespace run as the same account.
		bound := map[[2]string][]boundTo{}
		for _, o := range objs {
			if o.Pod == nil {
				continue
			}
			key := [2]string{o.Namespace, o.Pod.Account}
			bt, ok := bound[key]
			if !ok {
				bt = bs.of(o.Namespace, o.Pod.Account)
				bound[key] = bt
			}
			for _, b := range bt {
				reportReach(p, o, b, rs, accounts)
			}
		}
	},
})

func reportReach(p *analyzer.SetPass, w *object, b boundTo, rs roles, accounts map[[2]string]*account) {
	bd := b.Binding.Binding
	grantNS := b.Binding.Namespace
	if b.Binding.Ref.Kind == "ClusterRoleBinding" {
		grantNS = ""
	}
	got := rs.resolve(bd.RoleKind, bd.RoleName, grantNS)
	if !got.Known || got.Powers == 0 {
		return
	}
	powers := got.Powers
	if powers&fullControl != 0 {
		powers = fullControl
	}
	where := "in every namespace"
	if b.Binding.Ref.Kind == "RoleBinding" {
		where = "in " + namespaceName(b.Binding.Namespace)
		if b.Binding.Namespace == "" {
			where = "in the namespace it is deployed to"
		}
	}
	via := ""
	if b.Via != "" {
		via = " (through " + b.Via + ")"
	}
	msg := describeObject(w.Ref) + ` runs as service account "` + w.Pod.Account + `", which ` + describeObject(b.Binding.Ref) + via +
		" binds to " + bd.RoleKind + ` "` + bd.RoleName + `": its pods can ` + powers.String() + " " + where
	if mounted(w, accounts) {
		msg += "; they mount the account's token (KS304: set automountServiceAccountToken: false if they do not call the API)"
	}
	rel := []analyzer.Related{{Location: b.Subject.At, Message: describeObject(b.Binding.Ref) + " names the account" + via}}
	if b.Subject.At.Lines == nil {
		rel[0].Location = b.Binding.At
	}
	if bd.RoleAt.Lines != nil {
		rel = append(rel, analyzer.Related{Location: bd.RoleAt, Message: "it grants " + bd.RoleKind + ` "` + bd.RoleName + `"`})
	}
	const maxGrants = 5
	for i, g := range got.At {
		if i == maxGrants {
			break
		}
		rel = append(rel, g)
	}
	p.Report(w.Pod.AccountAt, analyzer.Finding{Object: w.Ref, Related: rel, Message: msg})
}

// mounted tells whether a workload's pods mount their account's token:
// the pod's automountServiceAccountToken, else the account's, else yes.
func mounted(w *object, accounts map[[2]string]*account) bool {
	if a := w.Pod.Automount; a != nil {
		return *a
	}
	if acc := accounts[[2]string{w.Namespace, w.Pod.Account}]; acc != nil && acc.Automount != nil {
		return *acc.Automount
	}
	return true
}

package k8s

import (
	"sort"
	"strings"

	"hardline.dev/hardline/analyzer"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// What a pod's service account can do: the workload's account, the
// bindings whose subjects name it (directly, as a user name or through
// its groups), and the roles they grant, from the set or the built-in
// table, aggregation included. Indexes by subject and by role name keep
// it linear in the set.

// grant is one rule of a Role or ClusterRole.
type grant struct {
	Groups, Resources, Verbs set
	// Named: resourceNames narrow the rule to objects the role's author
	// chose (and a create is never named), so it is not judged.
	Named bool
	At    analyzer.Location
}

type role struct {
	Grants []grant
	Labels map[string]string
	// Aggregate are an aggregated ClusterRole's selectors: its rules are
	// those of every ClusterRole they select.
	Aggregate []selector
}

type binding struct {
	RoleKind, RoleName string
	RoleAt             analyzer.Location
	Subjects           []subject
}

type subject struct {
	Kind, Name, Namespace string
	At                    analyzer.Location
}

// account is a ServiceAccount's automountServiceAccountToken.
type account struct {
	Automount *bool
}

func roleFacts(p *analyzer.Pass, o *analyzer.Object) *role {
	r := &role{Labels: stringMap(analyzer.Get(o.Node, "metadata", "labels"))}
	for _, sel := range analyzer.Items(analyzer.Get(o.Node, "aggregationRule", "clusterRoleSelectors")) {
		r.Aggregate = append(r.Aggregate, selectorOf(sel))
	}
	for _, n := range analyzer.Items(analyzer.Get(o.Node, "rules")) {
		if n == nil || n.Kind != yaml.MappingNode {
			continue
		}
		pr := policyRule{Object: o, Node: n}
		vf, verbs, _ := pr.list("verbs")
		_, groups, _ := pr.list("apiGroups")
		_, resources, _ := pr.list("resources")
		_, named := analyzer.Lookup(pr.Node, "resourceNames")
		start, end := p.Doc.NodeStart(pr.Node), p.Doc.NodeStart(pr.Node)
		if vf.Key != nil {
			start, end = p.Doc.FieldSpan(vf)
		}
		r.Grants = append(r.Grants, grant{Groups: cloneSet(groups), Resources: cloneSet(resources), Verbs: cloneSet(verbs),
			Named: named && len(analyzer.Items(analyzer.Get(pr.Node, "resourceNames"))) > 0, At: p.Locate(start, end)})
	}
	return r
}

// cloneSet clones a set of strings of the text for a fact (factStr).
func cloneSet(s set) set {
	out := make(set, len(s))
	for k, v := range s {
		out[strings.Clone(k)] = v
	}
	return out
}

func bindingFacts(p *analyzer.Pass, o *analyzer.Object) *binding {
	b := &binding{}
	if f, ok := analyzer.Lookup(analyzer.Get(o.Node, "roleRef"), "name"); ok {
		b.RoleName = factStr(f.Value)
		start, end := p.Doc.FieldSpan(f)
		b.RoleAt = p.Locate(start, end)
	}
	b.RoleKind = factStr(analyzer.Get(o.Node, "roleRef", "kind"))
	for _, s := range analyzer.Items(analyzer.Get(o.Node, "subjects")) {
		sub := subject{Kind: factStr(analyzer.Get(s, "kind")), Namespace: factStr(analyzer.Get(s, "namespace"))}
		if f, ok := analyzer.Lookup(s, "name"); ok {
			sub.Name = factStr(f.Value)
			start, end := p.Doc.FieldSpan(f)
			sub.At = p.Locate(start, end)
		}
		if sub.Kind == "ServiceAccount" && sub.Namespace == "" && o.Kind == "RoleBinding" {
			// The authorizer reads a RoleBinding's namespace-less service
			// account as one of the binding's namespace.
			sub.Namespace = p.Namespace(o)
		}
		b.Subjects = append(b.Subjects, sub)
	}
	return b
}

func accountFacts(o *analyzer.Object) *account {
	a := &account{}
	if b, ok := analyzer.Bool(analyzer.Get(o.Node, "automountServiceAccountToken")); ok {
		a.Automount = &b
	}
	return a
}

// power is what a grant lets its holder do that matters for a workload.
type power uint

const (
	fullControl power = 1 << iota
	readSecrets
	createWorkloads
	execPods
	escalate
	mintTokens
	wildcards
)

var powerNames = []struct {
	p    power
	name string
}{
	{fullControl, "do anything"},
	{readSecrets, "read Secrets"},
	{createWorkloads, "create pods and workloads"},
	{execPods, "exec into pods"},
	{escalate, "bind, escalate or impersonate"},
	{mintTokens, "create service account tokens"},
	{wildcards, "use wildcard permissions"},
}

func (p power) String() string {
	var parts []string
	for _, n := range powerNames {
		if p&n.p != 0 {
			parts = append(parts, n.name)
		}
	}
	switch len(parts) {
	case 0:
		return ""
	case 1:
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

// allows tells whether the grant allows verb on resource of group, as the
// authorizer matches: "*" matches everything, "pods/*" every subresource.
func (g grant) allows(group, resource, verb string) bool {
	if !(g.Groups[group] || g.Groups["*"]) || !(g.Verbs[verb] || g.Verbs["*"]) {
		return false
	}
	if g.Resources[resource] || g.Resources["*"] {
		return true
	}
	if i := strings.IndexByte(resource, '/'); i > 0 {
		return g.Resources[resource[:i]+"/*"]
	}
	return false
}

var workloadResources = []struct{ group, resource string }{
	{"", "pods"}, {"", "replicationcontrollers"}, {"apps", "deployments"}, {"apps", "daemonsets"},
	{"apps", "statefulsets"}, {"apps", "replicasets"}, {"batch", "jobs"}, {"batch", "cronjobs"},
}

func (g grant) powers() power {
	if g.Named {
		return 0
	}
	var out power
	if g.Groups["*"] && g.Resources["*"] && g.Verbs["*"] {
		out |= fullControl
	}
	if (g.Verbs["*"] || g.Resources["*"]) && (g.Groups["*"] || g.Groups[""] || g.Groups["apps"] || g.Groups["batch"] || g.Groups[rbacGroup]) {
		// Wildcards over the API's own workloads, Secrets and roles; a
		// "*" over an operator's own custom resources is its business.
		out |= wildcards
	}
	for _, v := range []string{"get", "list", "watch"} {
		if g.allows("", "secrets", v) {
			out |= readSecrets
		}
	}
	for _, w := range workloadResources {
		if g.allows(w.group, w.resource, "create") {
			out |= createWorkloads
		}
	}
	if g.allows("", "pods/exec", "create") || g.allows("", "pods/attach", "create") {
		out |= execPods
	}
	if g.allows("", "serviceaccounts/token", "create") {
		out |= mintTokens
	}
	if g.Verbs["bind"] || g.Verbs["escalate"] || g.Verbs["impersonate"] {
		out |= escalate
	}
	return out
}

// roles resolves role references in a set: its Roles by namespace and
// name, its ClusterRoles and the built-in ones by name, aggregation
// followed.
type roles struct {
	byNS    map[[2]string]*object
	cluster map[string]*object
	// resolved remembers resolve's answers: every workload bound to a
	// role asks for it again (results are only read).
	resolved map[[3]string]resolved
}

func rolesOf(objs []*object) roles {
	r := roles{byNS: map[[2]string]*object{}, cluster: map[string]*object{}, resolved: map[[3]string]resolved{}}
	for _, o := range objs {
		switch {
		case o.Role == nil:
		case o.Ref.Kind == "ClusterRole":
			r.cluster[o.Ref.Name] = o
		default:
			r.byNS[[2]string{o.Namespace, o.Ref.Name}] = o
		}
	}
	return r
}

// resolved is what a role grants: its powers, and where the set shows
// them (the grants' lines).
type resolved struct {
	Known  bool
	Powers power
	At     []analyzer.Related
}

// resolve returns what the role a binding references grants. A role the
// set does not hold and hardline does not know is not judged.
func (r roles) resolve(kind, name, ns string) resolved {
	key := [3]string{kind, name, ns}
	if got, ok := r.resolved[key]; ok {
		return got
	}
	got := r.resolveNew(kind, name, ns)
	r.resolved[key] = got
	return got
}

func (r roles) resolveNew(kind, name, ns string) resolved {
	if kind == "Role" {
		o := r.byNS[[2]string{ns, name}]
		if o == nil {
			return resolved{}
		}
		return r.grants(o.Role, describeObject(o.Ref), nil)
	}
	if o := r.cluster[name]; o != nil {
		return r.grants(o.Role, describeObject(o.Ref), map[string]bool{name: true})
	}
	if b := builtinRoles[name]; b != nil {
		return r.grants(b, `ClusterRole "`+name+`"`, map[string]bool{name: true})
	}
	return resolved{}
}

func (r roles) grants(ro *role, name string, seen map[string]bool) resolved {
	out := resolved{Known: true}
	if len(ro.Aggregate) > 0 {
		// The aggregation controller replaces the role's rules with those
		// of the ClusterRoles its selectors pick, the set's and the
		// built-in ones.
		for _, cr := range r.aggregated(ro) {
			if seen[cr.name] {
				continue
			}
			seen[cr.name] = true
			sub := r.grants(cr.role, cr.desc, seen)
			out.Powers |= sub.Powers
			out.At = append(out.At, sub.At...)
		}
		return out
	}
	for _, g := range ro.Grants {
		pw := g.powers()
		if pw == 0 {
			continue
		}
		out.Powers |= pw
		if g.At.Lines != nil {
			out.At = append(out.At, analyzer.Related{Location: g.At, Message: name + " grants this: " + pw.String()})
		}
	}
	return out
}

type namedRole struct {
	name, desc string
	role       *role
}

// aggregated are the ClusterRoles an aggregated role's selectors pick, in
// name order (the set's shadow built-in ones of the same name).
func (r roles) aggregated(ro *role) []namedRole {
	var out []namedRole
	pick := func(name, desc string, c *role) {
		for _, sel := range ro.Aggregate {
			if len(sel.Labels)+len(sel.Exprs) > 0 && sel.matches(c.Labels) {
				out = append(out, namedRole{name, desc, c})
				return
			}
		}
	}
	for name, o := range r.cluster {
		pick(name, describeObject(o.Ref), o.Role)
	}
	for name, b := range builtinRoles {
		if r.cluster[name] == nil {
			pick(name, `ClusterRole "`+name+`"`, b)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// bindings indexes a set's bindings by the subjects they name.
type bindings map[subjectKey][]*object

type subjectKey struct{ kind, namespace, name string }

func bindingsOf(objs []*object) bindings {
	out := bindings{}
	for _, o := range objs {
		if o.Binding == nil {
			continue
		}
		for _, s := range o.Binding.Subjects {
			k := subjectKey{s.Kind, "", s.Name}
			if s.Kind == "ServiceAccount" {
				k.namespace = s.Namespace
			}
			if len(out[k]) == 0 || out[k][len(out[k])-1] != o {
				out[k] = append(out[k], o)
			}
		}
	}
	return out
}

// boundTo is a binding that applies to a service account, and how.
type boundTo struct {
	Binding *object
	Subject subject
	Via     string // "" directly; else the group or user name that matched
}

// of lists the bindings that apply to service account name of namespace ns.
func (b bindings) of(ns, name string) []boundTo {
	var out []boundTo
	add := func(k subjectKey, via string) {
		for _, o := range b[k] {
			for _, s := range o.Binding.Subjects {
				if s.Kind == k.kind && s.Name == k.name && (k.kind != "ServiceAccount" || s.Namespace == k.namespace) {
					out = append(out, boundTo{o, s, via})
					break
				}
			}
		}
	}
	add(subjectKey{"ServiceAccount", ns, name}, "")
	groups := []string{"system:serviceaccounts", "system:authenticated"}
	if ns != "" {
		add(subjectKey{"User", "", "system:serviceaccount:" + ns + ":" + name}, "user system:serviceaccount:"+ns+":"+name)
		groups = append(groups, "system:serviceaccounts:"+ns)
	}
	for _, g := range groups {
		add(subjectKey{"Group", "", g}, "group "+g)
	}
	return out
}

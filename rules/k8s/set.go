package k8s

import (
	"strings"

	"hardline.dev/hardline/analyzer"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// object is what set rules know of one object of the run: small values
// with located spans, not the parse tree (a run over a corpus keeps
// them all).
type object struct {
	Ref       analyzer.ObjectRef
	Namespace string // metadata.namespace; "" when unset (unset matches unset)
	// At is where findings on the object go: its kind line.
	At analyzer.Location
	// Pod is the pod a workload runs (nil for other kinds).
	Pod *pod
	// Policy is a NetworkPolicy's selection.
	Policy *netpol
	// Service is a Service's type and selector.
	Service *service
	// Backends are the Services an Ingress or a Gateway route sends to.
	Backends []backend
	// Custom: a custom resource that is not a workload hardline knows,
	// which an operator may turn into pods and Services the set does not
	// show.
	Custom bool
	// Role, Binding and Account are the RBAC objects' facts (reach.go).
	Role    *role
	Binding *binding
	Account *account
}

// builtinGroups are the API groups Kubernetes serves itself.
var builtinGroups = map[string]bool{
	"": true, "apps": true, "batch": true, "autoscaling": true, "policy": true, "extensions": true,
	"networking.k8s.io": true, "rbac.authorization.k8s.io": true, "storage.k8s.io": true, "apiextensions.k8s.io": true,
	"admissionregistration.k8s.io": true, "scheduling.k8s.io": true, "coordination.k8s.io": true, "node.k8s.io": true,
	"discovery.k8s.io": true, "certificates.k8s.io": true, "flowcontrol.apiserver.k8s.io": true,
	"apiregistration.k8s.io": true, "events.k8s.io": true, "resource.k8s.io": true, "authentication.k8s.io": true,
	"authorization.k8s.io": true, "internal.apiserver.k8s.io": true, "storagemigration.k8s.io": true,
}

// inert are custom resources that make no pods or Services: monitoring,
// certificates, secrets and traffic rules.
var inert = map[string]bool{
	"monitoring.coreos.com/ServiceMonitor": true, "monitoring.coreos.com/PodMonitor": true,
	"monitoring.coreos.com/PrometheusRule": true, "monitoring.coreos.com/Probe": true,
	"monitoring.coreos.com/ScrapeConfig": true, "monitoring.coreos.com/AlertmanagerConfig": true,
	"cert-manager.io/Certificate": true, "cert-manager.io/Issuer": true, "cert-manager.io/ClusterIssuer": true,
	"external-secrets.io/ExternalSecret": true, "external-secrets.io/SecretStore": true,
	"external-secrets.io/ClusterSecretStore": true, "bitnami.com/SealedSecret": true,
	"networking.istio.io/VirtualService": true, "networking.istio.io/DestinationRule": true,
	"networking.istio.io/ServiceEntry": true, "networking.istio.io/Sidecar": true,
	"security.istio.io/AuthorizationPolicy": true, "security.istio.io/PeerAuthentication": true,
	"security.istio.io/RequestAuthentication": true, "policy.linkerd.io/Server": true,
	"gateway.networking.k8s.io/HTTPRoute": true, "gateway.networking.k8s.io/GRPCRoute": true,
	"gateway.networking.k8s.io/TCPRoute": true, "gateway.networking.k8s.io/TLSRoute": true,
	"gateway.networking.k8s.io/UDPRoute": true, "gateway.networking.k8s.io/ReferenceGrant": true,
	"autoscaling.k8s.io/VerticalPodAutoscaler": true, "keda.sh/ScaledObject": true,
	"snapshot.storage.k8s.io/VolumeSnapshot": true, "cilium.io/CiliumNetworkPolicy": true,
	"crd.projectcalico.org/NetworkPolicy": true,
}

// operated tells whether a namespace of the set holds custom resources
// an operator may make pods and Services from (any but the inert ones):
// selectors there cannot be judged from the set.
func operated(objs []*object) map[string]bool {
	out := map[string]bool{}
	for _, o := range objs {
		if o.Custom && !inert[o.Ref.Group()+"/"+o.Ref.Kind] {
			out[o.Namespace] = true
		}
	}
	return out
}

type pod struct {
	Labels map[string]string
	// Risk says what lets the pod break out when exposed ("" for
	// nothing): a privileged container, a host namespace.
	Risk   string
	RiskAt analyzer.Location
	// Account is the pod's service account; AccountAt its
	// serviceAccountName line, or the object's kind line for the default.
	Account   string
	AccountAt analyzer.Location
	// Automount is the pod's automountServiceAccountToken (nil: unset).
	Automount *bool
}

type netpol struct {
	Selector        selector
	Ingress, Egress bool
}

type service struct {
	Type     string
	TypeAt   analyzer.Location
	Selector map[string]string // nil: no selector (an ExternalName, endpoints by hand)
}

type backend struct {
	Service string
	At      analyzer.Location
}

// runtimeLabels are labels controllers put on the pods they create, which
// no manifest shows: a selector on them cannot be judged from the set.
var runtimeLabels = map[string]bool{
	"pod-template-hash": true, "controller-revision-hash": true, "pod-template-generation": true,
	"statefulset.kubernetes.io/pod-name": true, "apps.kubernetes.io/pod-index": true,
	"job-name": true, "controller-uid": true, "batch.kubernetes.io/job-name": true,
	"batch.kubernetes.io/controller-uid": true, "batch.kubernetes.io/job-completion-index": true,
}

// judged tells whether a selector can be judged against the pods of the
// set: each key it selects on is a label some of those pods carry (keys,
// labelKeys of the pods: a selector on keys none of them has targets pods
// made elsewhere, by an operator at run time).
func (s selector) judged(keys map[string]bool) bool {
	for k := range s.Labels {
		if !keys[k] {
			return false
		}
	}
	for _, e := range s.Exprs {
		if !keys[e.Key] {
			return false
		}
	}
	return true
}

// labelKeys are the label keys some of pods carry.
func labelKeys(pods []*object) map[string]bool {
	keys := map[string]bool{}
	for _, w := range pods {
		for k := range w.Pod.Labels {
			keys[k] = true
		}
	}
	return keys
}

// selector is a label selector: matchLabels and matchExpressions.
type selector struct {
	Labels map[string]string
	Exprs  []expr
}

type expr struct {
	Key, Op string
	Values  []string
}

// matches tells whether the selector selects labels ({} selects all);
// labels controllers add at run time match.
func (s selector) matches(labels map[string]string) bool {
	for k, v := range s.Labels {
		if labels[k] != v && !runtimeLabels[k] {
			return false
		}
	}
	for _, e := range s.Exprs {
		if runtimeLabels[e.Key] {
			continue
		}
		v, has := labels[e.Key]
		in := false
		for _, x := range e.Values {
			in = in || x == v
		}
		switch e.Op {
		case "In":
			if !has || !in {
				return false
			}
		case "NotIn":
			if has && in {
				return false
			}
		case "Exists":
			if !has {
				return false
			}
		case "DoesNotExist":
			if has {
				return false
			}
		default:
			return false // an unknown operator selects nothing, as the API server refuses it
		}
	}
	return true
}

func selectorOf(n *yaml.Node) selector {
	s := selector{Labels: stringMap(analyzer.Get(n, "matchLabels"))}
	for _, it := range analyzer.Items(analyzer.Get(n, "matchExpressions")) {
		e := expr{Key: factStr(analyzer.Get(it, "key")), Op: factStr(analyzer.Get(it, "operator"))}
		for _, v := range analyzer.Items(analyzer.Get(it, "values")) {
			e.Values = append(e.Values, factStr(v))
		}
		s.Exprs = append(s.Exprs, e)
	}
	return s
}

// factStr reads a scalar as a fact: cloned, as facts outlive the text
// (Document.Text).
func factStr(n *yaml.Node) string { return strings.Clone(analyzer.Str(n)) }

// stringMap reads a mapping of strings (labels, a selector) as a fact:
// cloned, as facts outlive the text (Document.Text).
func stringMap(n *yaml.Node) map[string]string {
	out := map[string]string{}
	for _, f := range analyzer.Fields(n) {
		out[strings.Clone(f.Key.Value)] = factStr(f.Value)
	}
	return out
}

type objectsKey struct{}

// objects extracts the set facts of a document's objects, once per
// document for every set rule.
func objects(p *analyzer.Pass) []*object {
	return p.Memo(objectsKey{}, func() any {
		var out []*object
		pods := map[*analyzer.Object]*Workload{}
		for _, w := range workloads(p) {
			if _, ok := pods[w.Object]; !ok {
				pods[w.Object] = w
			}
		}
		d := p.Doc
		for _, o := range d.Objects {
			obj := &object{Ref: o.ObjectRef, Namespace: p.Namespace(o), Custom: !builtinGroups[o.Group()] && pods[o] == nil}
			// At the kind, else the object's first line.
			var at, end int
			if f, ok := analyzer.Lookup(o.Node, "kind"); ok {
				at, end = d.FieldSpan(f)
			} else {
				at = o.Start
				end = d.Lines.End(d.Lines.Line(at))
			}
			obj.At = p.Locate(at, end)
			switch {
			case pods[o] != nil:
				obj.Pod = podFacts(p, pods[o], obj.At)
			case o.Group() == rbacGroup && (o.Kind == "Role" || o.Kind == "ClusterRole"):
				obj.Role = roleFacts(p, o)
			case o.Group() == rbacGroup && (o.Kind == "RoleBinding" || o.Kind == "ClusterRoleBinding"):
				obj.Binding = bindingFacts(p, o)
			case o.Group() == "" && o.Kind == "ServiceAccount":
				obj.Account = accountFacts(o)
			case o.Kind == "NetworkPolicy" && o.Group() == "networking.k8s.io":
				obj.Policy = policyFacts(o)
			case o.Kind == "Service" && o.Group() == "":
				obj.Service = serviceFacts(p, o)
			case o.Kind == "Ingress" && (o.Group() == "networking.k8s.io" || o.Group() == "extensions"):
				obj.Backends = ingressBackends(p, o)
			case o.Group() == "gateway.networking.k8s.io" && strings.HasSuffix(o.Kind, "Route"):
				obj.Backends = routeBackends(p, o)
			}
			out = append(out, obj)
		}
		return out
	}).([]*object)
}

// collectObjects is the Collect of every set rule of the package: the
// facts are the same, memoized per document.
func collectObjects(p *analyzer.Pass) {
	for _, o := range objects(p) {
		p.AddFact(o)
	}
}

func podFacts(p *analyzer.Pass, w *Workload, at analyzer.Location) *pod {
	out := &pod{Labels: stringMap(analyzer.Get(w.Meta, "labels"))}
	if w.Meta == nil {
		// A Pod: its own labels.
		out.Labels = stringMap(analyzer.Get(w.Object.Node, "metadata", "labels"))
	}
	d := p.Doc
	out.Account, out.AccountAt = "default", at
	for _, key := range []string{"serviceAccount", "serviceAccountName"} { // the second wins, as in the API server
		if f, ok := analyzer.Lookup(w.Spec, key); ok && analyzer.Str(f.Value) != "" {
			start, end := d.FieldSpan(f)
			out.Account, out.AccountAt = factStr(f.Value), p.Locate(start, end)
		}
	}
	if f, ok := analyzer.Lookup(w.Spec, "automountServiceAccountToken"); ok {
		if b, ok := analyzer.Bool(f.Value); ok {
			out.Automount = &b
		}
	}
	for _, key := range []string{"hostNetwork", "hostPID", "hostIPC"} {
		if f, ok := analyzer.Lookup(w.Spec, key); ok {
			if b, ok := analyzer.Bool(f.Value); ok && b {
				start, end := d.FieldSpan(f)
				out.Risk, out.RiskAt = key+": true", p.Locate(start, end)
				return out
			}
		}
	}
	for _, c := range w.Containers {
		if c.List == "initContainers" {
			continue // done before the pod serves anything
		}
		if f, ok := c.Field("privileged"); ok {
			if b, ok := analyzer.Bool(f.Value); ok && b {
				start, end := d.FieldSpan(f)
				out.Risk, out.RiskAt = "privileged "+c.describe(), p.Locate(start, end)
				return out
			}
		}
	}
	return out
}

func policyFacts(o *analyzer.Object) *netpol {
	spec := analyzer.Get(o.Node, "spec")
	n := &netpol{Selector: selectorOf(analyzer.Get(spec, "podSelector"))}
	types := analyzer.Items(analyzer.Get(spec, "policyTypes"))
	if len(types) == 0 {
		// Without policyTypes a policy covers Ingress, and Egress only
		// when it has an egress section.
		n.Ingress = true
		n.Egress = analyzer.Get(spec, "egress") != nil
		return n
	}
	for _, t := range types {
		switch analyzer.Str(t) {
		case "Ingress":
			n.Ingress = true
		case "Egress":
			n.Egress = true
		}
	}
	return n
}

func serviceFacts(p *analyzer.Pass, o *analyzer.Object) *service {
	spec := analyzer.Get(o.Node, "spec")
	s := &service{Type: "ClusterIP"}
	if f, ok := analyzer.Lookup(spec, "type"); ok {
		s.Type = factStr(f.Value)
		start, end := p.Doc.FieldSpan(f)
		s.TypeAt = p.Locate(start, end)
	}
	if sel := analyzer.Get(spec, "selector"); sel != nil && sel.Kind == yaml.MappingNode && len(sel.Content) > 0 {
		s.Selector = stringMap(sel)
	}
	return s
}

func ingressBackends(p *analyzer.Pass, o *analyzer.Object) []backend {
	var out []backend
	add := func(b *yaml.Node) {
		// networking.k8s.io/v1: service.name; v1beta1: serviceName.
		if f, ok := analyzer.Lookup(analyzer.Get(b, "service"), "name"); ok {
			start, end := p.Doc.FieldSpan(f)
			out = append(out, backend{factStr(f.Value), p.Locate(start, end)})
		} else if f, ok := analyzer.Lookup(b, "serviceName"); ok {
			start, end := p.Doc.FieldSpan(f)
			out = append(out, backend{factStr(f.Value), p.Locate(start, end)})
		}
	}
	spec := analyzer.Get(o.Node, "spec")
	for _, k := range []string{"defaultBackend", "backend"} {
		if b := analyzer.Get(spec, k); b != nil {
			add(b)
		}
	}
	for _, rule := range analyzer.Items(analyzer.Get(spec, "rules")) {
		for _, path := range analyzer.Items(analyzer.Get(rule, "http", "paths")) {
			add(analyzer.Get(path, "backend"))
		}
	}
	return out
}

func routeBackends(p *analyzer.Pass, o *analyzer.Object) []backend {
	var out []backend
	for _, rule := range analyzer.Items(analyzer.Get(o.Node, "spec", "rules")) {
		for _, ref := range analyzer.Items(analyzer.Get(rule, "backendRefs")) {
			kind := analyzer.Str(analyzer.Get(ref, "kind"))
			if kind != "" && kind != "Service" {
				continue
			}
			if f, ok := analyzer.Lookup(ref, "name"); ok {
				start, end := p.Doc.FieldSpan(f)
				out = append(out, backend{factStr(f.Value), p.Locate(start, end)})
			}
		}
	}
	return out
}

// setObjects are the facts of a set pass, as objects.
func setObjects(p *analyzer.SetPass) []*object {
	out := make([]*object, 0, len(p.Facts))
	for _, f := range p.Facts {
		if o, ok := f.Value.(*object); ok {
			out = append(out, o)
		}
	}
	return out
}

// byNamespace indexes objects by namespace.
func byNamespace(objs []*object, keep func(*object) bool) map[string][]*object {
	out := map[string][]*object{}
	for _, o := range objs {
		if keep(o) {
			out[o.Namespace] = append(out[o.Namespace], o)
		}
	}
	return out
}

// describeObject names an object in messages: `Deployment "web"`.
func describeObject(r analyzer.ObjectRef) string {
	if r.Name == "" {
		return r.Kind
	}
	return r.Kind + ` "` + r.Name + `"`
}

// namespaceName names a namespace in messages.
func namespaceName(ns string) string {
	if ns == "" {
		return "the objects without a namespace"
	}
	return "namespace " + ns
}

// related points at objects, for a finding's related locations.
func related(objs []*object, message func(*object) string, limit int) []analyzer.Related {
	var out []analyzer.Related
	for i, o := range objs {
		if i == limit {
			break
		}
		out = append(out, analyzer.Related{Location: o.At, Message: message(o)})
	}
	return out
}

// pods indexes the workloads of a set by namespace, and knows where the
// set cannot judge a selector.
type pods struct {
	byNS     map[string][]*object
	operated map[string]bool
	// keys holds labelKeys of each namespace's pods, found once: every
	// Service of a namespace asks (a set of thousands of each).
	keys map[string]map[string]bool
}

func podsOf(objs []*object) pods {
	return pods{byNS: byNamespace(objs, func(o *object) bool { return o.Pod != nil }), operated: operated(objs),
		keys: map[string]map[string]bool{}}
}

// dangling tells whether sel selects none of the pods of namespace ns,
// when the set can judge it: the namespace has workloads, no operator may
// make others, and they carry the labels sel names.
func (x pods) dangling(ns string, sel selector) bool {
	in := x.byNS[ns]
	if x.operated[ns] || len(in) == 0 {
		return false
	}
	keys, ok := x.keys[ns]
	if !ok {
		keys = labelKeys(in)
		x.keys[ns] = keys
	}
	if !sel.judged(keys) {
		return false
	}
	for _, w := range in {
		if sel.matches(w.Pod.Labels) {
			return false
		}
	}
	return true
}

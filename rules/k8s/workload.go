// Package k8s holds the rules for Kubernetes objects, written once against
// a workload view that covers every kind that carries a pod spec.
package k8s

import (
	"fmt"
	"sync"

	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/fixes"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

var registered []*analyzer.Rule

// register adds a rule to the package's list; each rule's file calls it,
// so adding a rule touches one file.
func register(r *analyzer.Rule) *analyzer.Rule {
	r.Language = analyzer.Kubernetes
	registered = append(registered, r)
	return r
}

// Rules lists the package's rules.
func Rules() []*analyzer.Rule { return registered }

// shape says where a kind of object keeps its pods.
type shape struct {
	// template is the path to the pod template (a mapping with metadata
	// and spec); nil with podSpec nil: the object is the pod.
	template []string
	// podSpec is the path to a pod spec, for kinds without a template.
	podSpec []string
	// each is the path to a list whose items are pod specs of their own
	// (Argo Workflows' templates), with containers under singleContainers
	// and the usual lists.
	each             []string
	singleContainers []string
	containerLists   []string
	// core says the spec is a core PodSpec, whose fields HL002 knows;
	// custom resources extend it with fields of their own.
	core bool
}

var (
	coreLists     = []string{"initContainers", "containers", "ephemeralContainers"}
	templateShape = shape{template: []string{"spec", "template"}, containerLists: coreLists, core: true}
)

// workloadKey is an API group and a kind: kinds are matched with their
// group, never by name alone (Knative's Service is not the core Service).
type workloadKey struct{ group, kind string }

// workloadKinds says where each workload kind keeps its pods, under every
// API group that ever served it (KS601 reports the removed ones), and for
// well-known custom resources. Users declare more in the config's
// workloads key.
var workloadKinds = map[workloadKey]shape{
	{"", "Pod"}:                                {containerLists: coreLists, core: true},
	{"", "PodTemplate"}:                        {template: []string{"template"}, containerLists: coreLists, core: true},
	{"", "ReplicationController"}:              templateShape,
	{"apps", "Deployment"}:                     templateShape,
	{"extensions", "Deployment"}:               templateShape,
	{"apps", "ReplicaSet"}:                     templateShape,
	{"extensions", "ReplicaSet"}:               templateShape,
	{"apps", "DaemonSet"}:                      templateShape,
	{"extensions", "DaemonSet"}:                templateShape,
	{"apps", "StatefulSet"}:                    templateShape,
	{"batch", "Job"}:                           templateShape,
	{"extensions", "Job"}:                      templateShape,
	{"batch", "CronJob"}:                       {template: []string{"spec", "jobTemplate", "spec", "template"}, containerLists: coreLists, core: true},
	{"batch", "ScheduledJob"}:                  {template: []string{"spec", "jobTemplate", "spec", "template"}, containerLists: coreLists, core: true},
	{"argoproj.io", "Rollout"}:                 templateShape,
	{"apps.kruise.io", "CloneSet"}:             templateShape,
	{"apps.kruise.io", "StatefulSet"}:          templateShape,
	{"apps.kruise.io", "DaemonSet"}:            templateShape,
	{"keda.sh", "ScaledJob"}:                   {template: []string{"spec", "jobTargetRef", "template"}, containerLists: coreLists, core: true},
	{"serving.knative.dev", "Service"}:         {template: []string{"spec", "template"}, containerLists: coreLists},
	{"serving.knative.dev", "Configuration"}:   {template: []string{"spec", "template"}, containerLists: coreLists},
	{"argoproj.io", "Workflow"}:                argoTemplates("spec", "templates"),
	{"argoproj.io", "WorkflowTemplate"}:        argoTemplates("spec", "templates"),
	{"argoproj.io", "ClusterWorkflowTemplate"}: argoTemplates("spec", "templates"),
	{"argoproj.io", "CronWorkflow"}:            argoTemplates("spec", "workflowSpec", "templates"),
}

// argoTemplates is the shape of Argo Workflows' kinds: each template runs
// its own pod, with a container or a script, init containers and sidecars.
func argoTemplates(path ...string) shape {
	return shape{each: path, singleContainers: []string{"container", "script"}, containerLists: []string{"initContainers", "sidecars"}}
}

// shapeOf finds an object's shape: a declared workload kind first (the
// config can teach hardline a kind it knows differently), then the table.
func shapeOf(o *analyzer.Object, cfg *analyzer.Config) (shape, bool) {
	for _, w := range cfg.Workloads {
		if w.Kind == o.Kind && w.Group == o.Group() {
			return shape{template: w.Template, podSpec: w.PodSpec, containerLists: coreLists}, true
		}
	}
	sh, ok := workloadKinds[workloadKey{o.Group(), o.Kind}]
	return sh, ok
}

// Workload is the pod spec of one object, whatever its kind.
type Workload struct {
	Object *analyzer.Object
	// Meta is the pod's metadata (the template's for controllers).
	Meta *yaml.Node
	// SpecKey is the "spec" key whose value is the pod spec.
	SpecKey *yaml.Node
	Spec    *yaml.Node
	// SecurityContext is the pod-level securityContext, or nil.
	SecurityContext *yaml.Node
	// Windows: spec.os.name is windows; PSS exempts such pods from the
	// Linux-only restricted checks.
	Windows bool
	// UserNamespace: hostUsers is false, which relaxes several PSS checks.
	UserNamespace bool
	// Core says the spec is a core PodSpec (not a custom resource's
	// extension of it), whose every field HL002 knows.
	Core       bool
	Containers []*Container
}

// Container is one entry of initContainers, containers or ephemeralContainers.
type Container struct {
	Name string
	// List is the field holding it: "initContainers", "containers" or
	// "ephemeralContainers".
	List            string
	Node            *yaml.Node
	SecurityContext *yaml.Node
	// span caches the container's span, the scope of its findings (most
	// containers with findings have several); rules of a large document
	// ask concurrently (Pass.Memo).
	spanOnce           sync.Once
	spanStart, spanEnd int
	// anchor caches where its findings point (containerAnchor), and
	// description how messages name it (describe): a container has a
	// dozen findings, and these were a fifth of the rules' time.
	anchorOnce             sync.Once
	anchorStart, anchorEnd int
	description            string
}

func (c *Container) span(d *analyzer.Document) (int, int) {
	c.spanOnce.Do(func() { c.spanStart, c.spanEnd = d.Span(c.Node) })
	return c.spanStart, c.spanEnd
}

type workloadsKey struct{}

// workloads returns the document's workload view, built once per document
// and shared by every rule.
func workloads(p *analyzer.Pass) []*Workload {
	return p.Memo(workloadsKey{}, func() any {
		var out []*Workload
		for _, o := range p.Doc.Objects {
			sh, ok := shapeOf(o, p.Config)
			if !ok {
				continue
			}
			if sh.each == nil {
				if w := workloadOf(o, sh); w != nil {
					out = append(out, w)
				}
				continue
			}
			for _, item := range analyzer.Items(analyzer.Get(o.Node, sh.each...)) {
				if w := podOf(o, sh, nil, item, firstKey(item)); w != nil {
					out = append(out, w)
				}
			}
		}
		return out
	}).([]*Workload)
}

// workloadOf is the workload of an object with one pod template or spec.
func workloadOf(o *analyzer.Object, sh shape) *Workload {
	if sh.podSpec != nil {
		parent := o.Node
		if len(sh.podSpec) > 1 {
			parent = analyzer.Get(o.Node, sh.podSpec[:len(sh.podSpec)-1]...)
		}
		f, ok := analyzer.Lookup(parent, sh.podSpec[len(sh.podSpec)-1])
		if !ok {
			return nil
		}
		return podOf(o, sh, nil, f.Value, f.Key)
	}
	tmpl := o.Node
	if len(sh.template) > 0 {
		tmpl = analyzer.Get(o.Node, sh.template...)
	}
	f, ok := analyzer.Lookup(tmpl, "spec")
	if !ok {
		return nil
	}
	return podOf(o, sh, analyzer.Get(tmpl, "metadata"), f.Value, f.Key)
}

// podOf builds the view of one pod spec: its securityContext, what PSS
// relaxes for it, and its containers.
func podOf(o *analyzer.Object, sh shape, meta, spec, specKey *yaml.Node) *Workload {
	if spec == nil || spec.Kind != yaml.MappingNode || specKey == nil {
		return nil
	}
	w := &Workload{Object: o, Meta: meta, SpecKey: specKey, Spec: spec, Core: sh.core}
	if sc := analyzer.Get(w.Spec, "securityContext"); sc != nil && sc.Kind == yaml.MappingNode {
		w.SecurityContext = sc
	}
	w.Windows = analyzer.Str(analyzer.Get(w.Spec, "os", "name")) == "windows"
	if v, ok := analyzer.Bool(analyzer.Get(w.Spec, "hostUsers")); ok && !v {
		w.UserNamespace = true
	}
	add := func(list string, item *yaml.Node) {
		if item == nil || item.Kind != yaml.MappingNode {
			return
		}
		c := &Container{Name: analyzer.Str(analyzer.Get(item, "name")), List: list, Node: item}
		c.description = describeContainer(c.List, c.Name)
		if sc := analyzer.Get(item, "securityContext"); sc != nil && sc.Kind == yaml.MappingNode {
			c.SecurityContext = sc
		}
		w.Containers = append(w.Containers, c)
	}
	for _, key := range sh.singleContainers {
		add(key, analyzer.Get(w.Spec, key))
	}
	for _, list := range sh.containerLists {
		for _, item := range analyzer.Items(analyzer.Get(w.Spec, list)) {
			add(list, item)
		}
	}
	return w
}

// firstKey is a mapping's first key, where findings about the whole of a
// pod spec without a key of its own (an item of a list) point.
func firstKey(m *yaml.Node) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode || len(m.Content) < 2 {
		return nil
	}
	return m.Content[0]
}

// Level says where a security setting is made.
type Level int

const (
	Unset Level = iota
	PodLevel
	ContainerLevel
)

// Setting is the effective value of a securityContext field for one
// container: the container's own when it sets one, else the pod's, as the
// kubelet applies them. This is the one place inheritance is decided.
type Setting struct {
	Field analyzer.Field
	Level Level
}

// Set tells whether the field is set at either level.
func (s Setting) Set() bool { return s.Level != Unset }

// Effective resolves a field that both the pod and the container
// securityContext have (runAsNonRoot, runAsUser, seccompProfile,
// seLinuxOptions, appArmorProfile, windowsOptions, …). An explicit null is
// the same as absent, as in the API.
func (w *Workload) Effective(c *Container, key string) Setting {
	if f, ok := analyzer.Lookup(c.SecurityContext, key); ok && !analyzer.IsNull(f.Value) {
		return Setting{Field: f, Level: ContainerLevel}
	}
	if f, ok := analyzer.Lookup(w.SecurityContext, key); ok && !analyzer.IsNull(f.Value) {
		return Setting{Field: f, Level: PodLevel}
	}
	return Setting{}
}

// PodField is a field of the pod-level securityContext, when set.
func (w *Workload) PodField(key string) (analyzer.Field, bool) {
	f, ok := analyzer.Lookup(w.SecurityContext, key)
	return f, ok && !analyzer.IsNull(f.Value)
}

// ContainerField is a field of a container's securityContext, when set.
func (c *Container) Field(key string) (analyzer.Field, bool) {
	f, ok := analyzer.Lookup(c.SecurityContext, key)
	return f, ok && !analyzer.IsNull(f.Value)
}

// forWorkloads calls fn for each workload of the document.
func forWorkloads(p *analyzer.Pass, fn func(*Workload)) {
	for _, w := range workloads(p) {
		fn(w)
	}
}

// reportContainer reports a container-scoped finding at the offending
// field, or at the container's name entry when the problem is something
// missing.
func reportContainer(p *analyzer.Pass, w *Workload, c *Container, at *analyzer.Field, format string, args ...any) {
	reportFixable(p, w, c, at, nil, format, args...)
}

// reportPod reports a pod-scoped finding at the offending field, or at the
// pod spec's key when the problem is something missing.
func reportPod(p *analyzer.Pass, w *Workload, at *analyzer.Field, format string, args ...any) {
	reportFixable(p, w, nil, at, nil, format, args...)
}

// containerAnchor is where a container's findings point: its name.
func containerAnchor(d *analyzer.Document, c *Container) (int, int) {
	c.anchorOnce.Do(func() {
		switch f, ok := analyzer.Lookup(c.Node, "name"); {
		case ok:
			c.anchorStart, c.anchorEnd = d.FieldSpan(f)
		case len(c.Node.Content) >= 2:
			c.anchorStart, c.anchorEnd = d.FieldSpan(analyzer.Field{Key: c.Node.Content[0], Value: analyzer.Resolve(c.Node.Content[1])})
		default:
			c.anchorStart, c.anchorEnd = d.Span(c.Node)
		}
	})
	return c.anchorStart, c.anchorEnd
}

// describe names a container in messages.
func (c *Container) describe() string { return c.description }

// describeContainer names a container of list in messages.
func describeContainer(list, name string) string {
	kind := "container"
	switch list {
	case "initContainers":
		kind = "init container"
	case "ephemeralContainers":
		kind = "ephemeral container"
	}
	if name == "" {
		return kind
	}
	return fmt.Sprintf("%s %q", kind, name)
}

// setFix returns a fix (computed on demand) that makes path, below mapping
// at, hold v: the container's own mapping for a container-level change,
// the pod spec for a pod-level one.
func setFix(p *analyzer.Pass, w *Workload, at *yaml.Node, title string, safety fixes.Safety, path []string, v fixes.Value) func() []fixes.Fix {
	doc := p.Doc
	return func() []fixes.Fix {
		edit, err := doc.YAMLEditor(w.Object).Set(at, path, v)
		if err != nil {
			return nil
		}
		return []fixes.Fix{{Title: title, Safety: safety, Edits: []fixes.TextEdit{edit}}}
	}
}

// reportFixable is reportContainer or reportPod (c == nil) with a fix.
func reportFixable(p *analyzer.Pass, w *Workload, c *Container, at *analyzer.Field, fix func() []fixes.Fix, format string, args ...any) {
	var start, end int
	switch {
	case at != nil:
		start, end = p.Doc.FieldSpan(*at)
	case c != nil:
		start, end = containerAnchor(p.Doc, c)
	default:
		start, end = p.Doc.Span(w.SpecKey)
	}
	f := analyzer.Finding{Start: start, End: end, Object: w.Object.ObjectRef, Message: fmt.Sprintf(format, args...), Fix: fix,
		ScopeStart: w.Object.Start, ScopeEnd: w.Object.End}
	if c != nil {
		f.Container = c.Name
		f.ScopeStart, f.ScopeEnd = c.span(p.Doc)
	}
	p.Report(f)
}

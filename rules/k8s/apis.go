package k8s

import (
	"fmt"
	"strconv"
	"strings"

	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/fixes"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// apiChange is one row of the deprecated-API table: an apiVersion of some
// kinds, the Kubernetes minor (1.N) that deprecated it and the one that
// stopped serving it, and what replaces it. Source: the upstream
// "Deprecated API Migration Guide", cross-checked with Pluto's list.
type apiChange struct {
	apiVersion string
	kinds      []string
	deprecated int // minor version; the API is deprecated from 1.<deprecated>
	removed    int // minor version no longer serving it; 0 while still served
	// replacements, most preferred first; the first one available in the
	// target version is proposed.
	replacements []replacement
	// advice replaces "use X" when nothing replaces the API.
	advice string
}

// replacement is an apiVersion that serves the same kind, since 1.<since>,
// and how a manifest is migrated to it (nil: by hand, the fields differ).
type replacement struct {
	apiVersion string
	since      int
	migrate    migration
}

// migration builds the fix that moves an object to apiVersion.
type migration func(p *analyzer.Pass, o *analyzer.Object, apiVersion string) []fixes.Fix

var appsKinds = []string{"Deployment", "DaemonSet", "ReplicaSet", "StatefulSet"}

// apiChanges is the table, in release order. Kinds listed per row are the
// ones a manifest would hold (reviews and events are API calls, but a
// manifest naming them is still reported).
var apiChanges = []apiChange{
	// Removed before 1.16 (the oldest target), still found in old
	// manifests. extensions/v1beta1 Job: its autoSelector is batch/v1's
	// manualSelector inverted, so the move is by hand.
	{apiVersion: "extensions/v1beta1", kinds: []string{"Job"}, deprecated: 5, removed: 6,
		replacements: []replacement{{"batch/v1", 2, nil}}},
	{apiVersion: "batch/v2alpha1", kinds: []string{"ScheduledJob"}, deprecated: 5, removed: 8,
		advice: "it was renamed: use kind CronJob in batch/v1"},

	// Removed in 1.16.
	{apiVersion: "extensions/v1beta1", kinds: []string{"Deployment", "DaemonSet", "ReplicaSet"}, deprecated: 9, removed: 16,
		replacements: []replacement{{"apps/v1", 9, migrateApps(true)}}},
	{apiVersion: "apps/v1beta1", kinds: []string{"Deployment", "ReplicaSet", "StatefulSet"}, deprecated: 9, removed: 16,
		replacements: []replacement{{"apps/v1", 9, migrateApps(true)}}},
	{apiVersion: "apps/v1beta2", kinds: appsKinds, deprecated: 9, removed: 16,
		replacements: []replacement{{"apps/v1", 9, migrateApps(false)}}},
	{apiVersion: "extensions/v1beta1", kinds: []string{"NetworkPolicy"}, deprecated: 9, removed: 16,
		replacements: []replacement{{"networking.k8s.io/v1", 8, rename}}},
	{apiVersion: "extensions/v1beta1", kinds: []string{"PodSecurityPolicy"}, deprecated: 10, removed: 16,
		replacements: []replacement{{"policy/v1beta1", 10, rename}}},

	// Removed in 1.22.
	{apiVersion: "extensions/v1beta1", kinds: []string{"Ingress"}, deprecated: 14, removed: 22,
		replacements: []replacement{{"networking.k8s.io/v1", 19, migrateIngress}, {"networking.k8s.io/v1beta1", 14, rename}}},
	{apiVersion: "networking.k8s.io/v1beta1", kinds: []string{"Ingress"}, deprecated: 19, removed: 22,
		replacements: []replacement{{"networking.k8s.io/v1", 19, migrateIngress}}},
	{apiVersion: "networking.k8s.io/v1beta1", kinds: []string{"IngressClass"}, deprecated: 19, removed: 22,
		replacements: []replacement{{"networking.k8s.io/v1", 19, rename}}},
	{apiVersion: "admissionregistration.k8s.io/v1beta1", kinds: []string{"MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"}, deprecated: 16, removed: 22,
		replacements: []replacement{{"admissionregistration.k8s.io/v1", 16, nil}}},
	{apiVersion: "apiextensions.k8s.io/v1beta1", kinds: []string{"CustomResourceDefinition"}, deprecated: 16, removed: 22,
		replacements: []replacement{{"apiextensions.k8s.io/v1", 16, nil}}},
	{apiVersion: "apiregistration.k8s.io/v1beta1", kinds: []string{"APIService"}, deprecated: 19, removed: 22,
		replacements: []replacement{{"apiregistration.k8s.io/v1", 10, rename}}},
	{apiVersion: "authentication.k8s.io/v1beta1", kinds: []string{"TokenReview"}, deprecated: 19, removed: 22,
		replacements: []replacement{{"authentication.k8s.io/v1", 6, rename}}},
	{apiVersion: "authorization.k8s.io/v1beta1", kinds: []string{"LocalSubjectAccessReview", "SelfSubjectAccessReview", "SubjectAccessReview"}, deprecated: 19, removed: 22,
		replacements: []replacement{{"authorization.k8s.io/v1", 6, nil}}},
	{apiVersion: "certificates.k8s.io/v1beta1", kinds: []string{"CertificateSigningRequest"}, deprecated: 19, removed: 22,
		replacements: []replacement{{"certificates.k8s.io/v1", 19, nil}}},
	{apiVersion: "coordination.k8s.io/v1beta1", kinds: []string{"Lease"}, deprecated: 19, removed: 22,
		replacements: []replacement{{"coordination.k8s.io/v1", 14, rename}}},
	{apiVersion: "rbac.authorization.k8s.io/v1beta1", kinds: []string{"ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"}, deprecated: 17, removed: 22,
		replacements: []replacement{{"rbac.authorization.k8s.io/v1", 8, rename}}},
	{apiVersion: "scheduling.k8s.io/v1beta1", kinds: []string{"PriorityClass"}, deprecated: 14, removed: 22,
		replacements: []replacement{{"scheduling.k8s.io/v1", 14, rename}}},
	{apiVersion: "storage.k8s.io/v1beta1", kinds: []string{"CSIDriver", "StorageClass", "VolumeAttachment"}, deprecated: 19, removed: 22,
		replacements: []replacement{{"storage.k8s.io/v1", 19, rename}}},
	{apiVersion: "storage.k8s.io/v1beta1", kinds: []string{"CSINode"}, deprecated: 17, removed: 22,
		replacements: []replacement{{"storage.k8s.io/v1", 17, rename}}},

	// Removed in 1.21 (alpha).
	{apiVersion: "batch/v2alpha1", kinds: []string{"CronJob"}, deprecated: 8, removed: 21,
		replacements: []replacement{{"batch/v1", 21, rename}, {"batch/v1beta1", 8, rename}}},

	// Removed in 1.25.
	{apiVersion: "batch/v1beta1", kinds: []string{"CronJob"}, deprecated: 21, removed: 25,
		replacements: []replacement{{"batch/v1", 21, rename}}},
	{apiVersion: "discovery.k8s.io/v1beta1", kinds: []string{"EndpointSlice"}, deprecated: 21, removed: 25,
		replacements: []replacement{{"discovery.k8s.io/v1", 21, nil}}},
	{apiVersion: "events.k8s.io/v1beta1", kinds: []string{"Event"}, deprecated: 19, removed: 25,
		replacements: []replacement{{"events.k8s.io/v1", 19, nil}}},
	{apiVersion: "autoscaling/v2beta1", kinds: []string{"HorizontalPodAutoscaler"}, deprecated: 22, removed: 25,
		replacements: []replacement{{"autoscaling/v2", 23, nil}, {"autoscaling/v2beta2", 12, nil}}},
	{apiVersion: "policy/v1beta1", kinds: []string{"PodDisruptionBudget"}, deprecated: 21, removed: 25,
		replacements: []replacement{{"policy/v1", 21, migratePDB}}},
	{apiVersion: "policy/v1beta1", kinds: []string{"PodSecurityPolicy"}, deprecated: 21, removed: 25,
		advice: "nothing replaces it: enforce the Pod Security Standards with Pod Security Admission (namespace labels)"},
	{apiVersion: "node.k8s.io/v1beta1", kinds: []string{"RuntimeClass"}, deprecated: 20, removed: 25,
		replacements: []replacement{{"node.k8s.io/v1", 20, rename}}},

	// Removed in 1.26.
	{apiVersion: "flowcontrol.apiserver.k8s.io/v1beta1", kinds: []string{"FlowSchema"}, deprecated: 23, removed: 26,
		replacements: []replacement{{"flowcontrol.apiserver.k8s.io/v1", 29, rename}, {"flowcontrol.apiserver.k8s.io/v1beta3", 26, rename}, {"flowcontrol.apiserver.k8s.io/v1beta2", 23, rename}}},
	{apiVersion: "flowcontrol.apiserver.k8s.io/v1beta1", kinds: []string{"PriorityLevelConfiguration"}, deprecated: 23, removed: 26,
		replacements: []replacement{{"flowcontrol.apiserver.k8s.io/v1", 29, nil}, {"flowcontrol.apiserver.k8s.io/v1beta3", 26, nil}, {"flowcontrol.apiserver.k8s.io/v1beta2", 23, rename}}},
	{apiVersion: "autoscaling/v2beta2", kinds: []string{"HorizontalPodAutoscaler"}, deprecated: 23, removed: 26,
		replacements: []replacement{{"autoscaling/v2", 23, rename}}},

	// Removed in 1.27.
	{apiVersion: "storage.k8s.io/v1beta1", kinds: []string{"CSIStorageCapacity"}, deprecated: 24, removed: 27,
		replacements: []replacement{{"storage.k8s.io/v1", 24, rename}}},

	// Removed in 1.29.
	{apiVersion: "flowcontrol.apiserver.k8s.io/v1beta2", kinds: []string{"FlowSchema"}, deprecated: 26, removed: 29,
		replacements: []replacement{{"flowcontrol.apiserver.k8s.io/v1", 29, rename}, {"flowcontrol.apiserver.k8s.io/v1beta3", 26, rename}}},
	{apiVersion: "flowcontrol.apiserver.k8s.io/v1beta2", kinds: []string{"PriorityLevelConfiguration"}, deprecated: 26, removed: 29,
		replacements: []replacement{{"flowcontrol.apiserver.k8s.io/v1", 29, nil}, {"flowcontrol.apiserver.k8s.io/v1beta3", 26, nil}}},

	// Removed in 1.32.
	{apiVersion: "flowcontrol.apiserver.k8s.io/v1beta3", kinds: []string{"FlowSchema", "PriorityLevelConfiguration"}, deprecated: 29, removed: 32,
		replacements: []replacement{{"flowcontrol.apiserver.k8s.io/v1", 29, rename}}},
}

// apiIndex finds a row by apiVersion and kind.
var apiIndex = func() map[[2]string]*apiChange {
	m := map[[2]string]*apiChange{}
	for i := range apiChanges {
		c := &apiChanges[i]
		for _, k := range c.kinds {
			m[[2]string{c.apiVersion, k}] = c
		}
	}
	return m
}()

// apiStatus is what the table says of an apiVersion and kind at a target.
type apiStatus int

const (
	apiCurrent apiStatus = iota
	apiDeprecated
	apiRemoved
)

func (c *apiChange) status(target int) apiStatus {
	switch {
	case c.removed != 0 && target >= c.removed:
		return apiRemoved
	case target >= c.deprecated:
		return apiDeprecated
	}
	return apiCurrent
}

// replacementAt is the preferred replacement served by the target.
func (c *apiChange) replacementAt(target int) (replacement, bool) {
	for _, r := range c.replacements {
		if r.since <= target {
			return r, true
		}
	}
	return replacement{}, false
}

// targetMinor reads the config's "1.N" target version.
func targetMinor(cfg *analyzer.Config) int {
	v := cfg.KubernetesVersion
	if v == "" {
		v = analyzer.LatestKubernetesVersion
	}
	n, _ := strconv.Atoi(strings.TrimPrefix(v, "1."))
	return n
}

// checkAPIs reports the objects whose apiVersion has the status want at
// the target version (KS601 removed, KS602 deprecated).
func checkAPIs(p *analyzer.Pass, want apiStatus) {
	target := targetMinor(p.Config)
	for _, o := range p.Doc.Objects {
		c := apiIndex[[2]string{o.APIVersion, o.Kind}]
		if c == nil || c.status(target) != want {
			continue
		}
		f, ok := analyzer.Lookup(o.Node, "apiVersion")
		if !ok {
			continue
		}
		start, end := p.Doc.Span(f.Value)
		var msg string
		if want == apiRemoved {
			msg = fmt.Sprintf("%s %s is no longer served since Kubernetes 1.%d (target 1.%d)", o.Kind, o.APIVersion, c.removed, target)
		} else {
			msg = fmt.Sprintf("%s %s is deprecated since Kubernetes 1.%d", o.Kind, o.APIVersion, c.deprecated)
			if c.removed != 0 {
				msg += fmt.Sprintf(" and removed in 1.%d", c.removed)
			}
			msg += fmt.Sprintf(" (target 1.%d)", target)
		}
		var fix func() []fixes.Fix
		if r, ok := c.replacementAt(target); ok {
			msg += ": use " + r.apiVersion
			if r.migrate != nil {
				fix = func() []fixes.Fix { return r.migrate(p, o, r.apiVersion) }
			}
		} else if c.advice != "" {
			msg += ": " + c.advice
		}
		p.Report(analyzer.Finding{Start: start, End: end, Object: o.ObjectRef, Message: msg, Fix: fix, ScopeStart: o.Start, ScopeEnd: o.End})
	}
}

// rename is the migration where only apiVersion changes: the kind has the
// same fields and defaults in both versions.
func rename(p *analyzer.Pass, o *analyzer.Object, apiVersion string) []fixes.Fix {
	edit, ok := setAPIVersion(p, o, apiVersion)
	if !ok {
		return nil
	}
	return []fixes.Fix{{Title: "Change apiVersion to " + apiVersion, Safety: fixes.Safe, Edits: []fixes.TextEdit{edit}}}
}

func setAPIVersion(p *analyzer.Pass, o *analyzer.Object, apiVersion string) (fixes.TextEdit, bool) {
	f, ok := analyzer.Lookup(o.Node, "apiVersion")
	if !ok {
		return fixes.TextEdit{}, false
	}
	edit, err := p.Doc.YAMLEditor(o).SetScalar(f.Value, fixes.Str(apiVersion))
	return edit, err == nil
}

// migrateApps moves a Deployment, DaemonSet, ReplicaSet or StatefulSet to
// apps/v1: spec.selector is required there, and the old versions defaulted
// it to the template's labels, so those become the selector; fields apps/v1
// dropped are removed. From extensions/v1beta1 and apps/v1beta1 some
// defaults change (update strategy, history limit, surge), so that
// migration is unsafe; from apps/v1beta2 nothing changes.
func migrateApps(defaultsChange bool) migration {
	return func(p *analyzer.Pass, o *analyzer.Object, apiVersion string) []fixes.Fix {
		y := p.Doc.YAMLEditor(o)
		edit, ok := setAPIVersion(p, o, apiVersion)
		if !ok {
			return nil
		}
		edits := []fixes.TextEdit{edit}
		spec := analyzer.Get(o.Node, "spec")
		if spec == nil || spec.Kind != yaml.MappingNode {
			return nil
		}
		title := "Migrate to " + apiVersion
		if analyzer.Get(spec, "selector") == nil {
			labels := analyzer.Get(spec, "template", "metadata", "labels")
			var m fixes.Map
			for _, l := range analyzer.Fields(labels) {
				if l.Value.Kind != yaml.ScalarNode {
					return nil
				}
				m = append(m, fixes.KV{Key: l.Key.Value, Value: fixes.Str(l.Value.Value)})
			}
			if len(m) == 0 {
				return nil // no labels to select by: the selector is the user's call
			}
			e, err := y.InsertField(spec, "selector", fixes.Map{{Key: "matchLabels", Value: m}})
			if err != nil {
				return nil
			}
			edits = append(edits, e)
			title += ", with spec.selector from the template labels"
		}
		for _, gone := range []string{"rollbackTo", "templateGeneration"} {
			if _, ok := analyzer.Lookup(spec, gone); ok {
				e, err := y.Remove(spec, []string{gone})
				if err != nil {
					return nil
				}
				edits = append(edits, e)
				title += ", removing spec." + gone
			}
		}
		safety := fixes.Safe
		if defaultsChange {
			safety = fixes.Unsafe
			title += " (defaults for update strategy, history and surge change)"
		}
		return []fixes.Fix{{Title: title, Safety: safety, Edits: edits}}
	}
}

// migratePDB moves a PodDisruptionBudget to policy/v1, where an empty
// selector selects every pod of the namespace instead of none.
func migratePDB(p *analyzer.Pass, o *analyzer.Object, apiVersion string) []fixes.Fix {
	edit, ok := setAPIVersion(p, o, apiVersion)
	if !ok {
		return nil
	}
	sel := analyzer.Get(o.Node, "spec", "selector")
	if sel != nil && sel.Kind == yaml.MappingNode && len(sel.Content) > 0 {
		return []fixes.Fix{{Title: "Change apiVersion to " + apiVersion, Safety: fixes.Safe, Edits: []fixes.TextEdit{edit}}}
	}
	return []fixes.Fix{{Title: "Change apiVersion to " + apiVersion + ": its empty selector will then select every pod in the namespace",
		Safety: fixes.Unsafe, Edits: []fixes.TextEdit{edit}}}
}

// migrateIngress moves an Ingress to networking.k8s.io/v1: spec.backend
// becomes spec.defaultBackend, each backend's serviceName/servicePort
// becomes service.name and service.port.number (or .name), and each path
// gets pathType: ImplementationSpecific, which keeps the v1beta1 matching.
func migrateIngress(p *analyzer.Pass, o *analyzer.Object, apiVersion string) []fixes.Fix {
	y := p.Doc.YAMLEditor(o)
	edit, ok := setAPIVersion(p, o, apiVersion)
	if !ok {
		return nil
	}
	edits := []fixes.TextEdit{edit}
	spec := analyzer.Get(o.Node, "spec")
	if spec == nil {
		return nil
	}
	var backends []*yaml.Node
	if f, ok := analyzer.Lookup(spec, "backend"); ok {
		e, err := y.RenameKey(f.Key, "defaultBackend")
		if err != nil {
			return nil
		}
		edits = append(edits, e)
		backends = append(backends, f.Value)
	}
	for _, rule := range analyzer.Items(analyzer.Get(spec, "rules")) {
		for _, path := range analyzer.Items(analyzer.Get(rule, "http", "paths")) {
			if path.Kind != yaml.MappingNode {
				return nil
			}
			if b := analyzer.Get(path, "backend"); b != nil {
				backends = append(backends, b)
			}
			if analyzer.Get(path, "pathType") == nil {
				e, err := y.InsertField(path, "pathType", fixes.Lit("ImplementationSpecific"))
				if err != nil {
					return nil
				}
				edits = append(edits, e)
			}
		}
	}
	for _, b := range backends {
		e, ok := migrateBackend(y, b)
		if !ok {
			return nil
		}
		edits = append(edits, e...)
	}
	return []fixes.Fix{{Title: "Migrate to " + apiVersion + " (service.name/port backends, pathType: ImplementationSpecific)",
		Safety: fixes.Safe, Edits: edits}}
}

// migrateBackend rewrites {serviceName, servicePort} as service: {name,
// port: {number|name}} in place; a backend that names a resource stays.
func migrateBackend(y *fixes.YAML, b *yaml.Node) ([]fixes.TextEdit, bool) {
	if b.Kind != yaml.MappingNode {
		return nil, false
	}
	name, okName := analyzer.Lookup(b, "serviceName")
	port, okPort := analyzer.Lookup(b, "servicePort")
	if !okName {
		return nil, !okPort
	}
	svc := fixes.Map{{Key: "name", Value: fixes.Str(analyzer.Str(name.Value))}}
	if okPort {
		portKey, portVal := "name", fixes.Value(fixes.Str(analyzer.Str(port.Value)))
		if _, isInt := analyzer.Int(port.Value); isInt {
			portKey, portVal = "number", fixes.Lit(port.Value.Value)
		}
		svc = append(svc, fixes.KV{Key: "port", Value: fixes.Map{{Key: portKey, Value: portVal}}})
	}
	e, err := y.ReplaceField(b, "serviceName", "service", svc)
	if err != nil {
		return nil, false
	}
	edits := []fixes.TextEdit{e}
	if okPort {
		pe, err := y.Remove(b, []string{"servicePort"})
		if err != nil {
			return nil, false
		}
		edits = append(edits, pe)
	}
	return edits, true
}

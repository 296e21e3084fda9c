package k8s

import (
	"fmt"
	"sync"

	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/fixes"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// KS401–KS404 are one check on four keys of a container's resources. Their
// fixes are one manual snippet: it adds every key that an enabled rule of
// the four misses, with placeholders, so one action settles the container.

// resourceRule is one of the four keys and the rule that wants it.
type resourceRule struct {
	rule          *analyzer.Rule
	section, name string // "limits", "memory"
	placeholder   string
}

var resourceRules []*resourceRule

// registerResource registers a rule that wants resources.section.name set.
func registerResource(r *analyzer.Rule, section, name, placeholder string) {
	rr := &resourceRule{section: section, name: name, placeholder: placeholder}
	r.Check = func(p *analyzer.Pass) { checkResource(p, rr) }
	r.Doc.Fix = "Manual: adds the missing `resources` keys of the container that KS401–KS404 (as enabled) ask for, with placeholder values to replace."
	rr.rule = register(r)
	resourceRules = append(resourceRules, rr)
}

func init() {
	why := func(what string) string {
		return fmt.Sprintf("Without %s the scheduler and the kubelet cannot plan for the container. ", what)
	}
	registerResource(&analyzer.Rule{
		Code: "KS401", Name: "missing-memory-limit",
		Summary:  "Container has no memory limit",
		Severity: analyzer.Warning, Profile: analyzer.Restricted,
		Aliases: []string{"polaris:memoryLimitsMissing", "checkov:CKV_K8S_13", "trivy:KSV-0018"},
		Doc: analyzer.RuleDoc{
			Why: why("a memory limit") + "A leak or an attacker's workload in one container can take the node's memory, and the kernel then " +
				"kills processes of other pods. With a limit, only the offending container is killed.",
			Bad:  "resources:\n  requests:\n    memory: 128Mi",
			Good: "resources:\n  requests:\n    memory: 128Mi\n  limits:\n    memory: 256Mi",
		},
	}, "limits", "memory", "<e.g. 256Mi>")
	registerResource(&analyzer.Rule{
		Code: "KS402", Name: "missing-memory-request",
		Summary:  "Container has no memory request",
		Severity: analyzer.Warning, Profile: analyzer.Restricted,
		Aliases: []string{"polaris:memoryRequestsMissing", "checkov:CKV_K8S_12", "trivy:KSV-0016"},
		Doc: analyzer.RuleDoc{
			Why: why("a memory request") + "The pod may land on a node without the memory it needs, and it is among the first evicted " +
				"when the node runs short.",
			Bad:  "resources: {}",
			Good: "resources:\n  requests:\n    memory: 128Mi",
		},
	}, "requests", "memory", "<e.g. 128Mi>")
	registerResource(&analyzer.Rule{
		Code: "KS403", Name: "missing-cpu-request",
		Summary:  "Container has no CPU request",
		Severity: analyzer.Warning, Profile: analyzer.Restricted,
		Aliases: []string{"polaris:cpuRequestsMissing", "checkov:CKV_K8S_10", "trivy:KSV-0015"},
		Doc: analyzer.RuleDoc{
			Why: why("a CPU request") + "The container gets the smallest CPU share when the node is busy, so a noisy neighbour " +
				"(or an attacker's cryptominer in another pod) starves it.",
			Bad:  "resources: {}",
			Good: "resources:\n  requests:\n    cpu: 100m",
		},
	}, "requests", "cpu", "<e.g. 100m>")
	registerResource(&analyzer.Rule{
		Code: "KS404", Name: "missing-cpu-limit",
		Summary:  "Container has no CPU limit",
		Severity: analyzer.Info, Profile: analyzer.All,
		Aliases: []string{"polaris:cpuLimitsMissing", "checkov:CKV_K8S_11", "trivy:KSV-0011"},
		Doc: analyzer.RuleDoc{
			Why: why("a CPU limit") + "A runaway or hijacked container can use every core of the node. CPU limits also throttle " +
				"latency-sensitive applications, which is why this rule is only in the `all` profile.",
			Bad:  "resources:\n  requests:\n    cpu: 100m",
			Good: "resources:\n  requests:\n    cpu: 100m\n  limits:\n    cpu: 500m",
		},
	}, "limits", "cpu", "<e.g. 500m>")
}

func checkResource(p *analyzer.Pass, rr *resourceRule) {
	forWorkloads(p, func(w *Workload) {
		for _, c := range w.Containers {
			// Ephemeral containers may not set resources.
			if c.List == "ephemeralContainers" || !analyzer.IsNull(analyzer.Get(c.Node, "resources", rr.section, rr.name)) {
				continue
			}
			var at *analyzer.Field
			if f, ok := analyzer.Lookup(analyzer.Get(c.Node, "resources"), rr.section); ok {
				at = &f
			} else if f, ok := analyzer.Lookup(c.Node, "resources"); ok {
				at = &f
			}
			// One fix for the four rules' findings of a container,
			// computed once.
			fix := p.Memo(resourcesFixKey{c}, func() any { return onceFix(resourcesFix(p, w, c)) }).(func() []fixes.Fix)
			reportFixable(p, w, c, at, fix, "%s must set resources.%s.%s", c.describe(), rr.section, rr.name)
		}
	})
}

type resourcesFixKey struct{ c *Container }

// onceFix runs fix once and hands out its result every time.
func onceFix(fix func() []fixes.Fix) func() []fixes.Fix {
	var once sync.Once
	var out []fixes.Fix
	return func() []fixes.Fix {
		once.Do(func() { out = fix() })
		return out
	}
}

// resourcesFix adds, in one snippet, every resources key the enabled rules
// of KS401–KS404 miss: requests before limits, cpu before memory.
func resourcesFix(p *analyzer.Pass, w *Workload, c *Container) func() []fixes.Fix {
	doc, cfg := p.Doc, p.Config
	return func() []fixes.Fix {
		missing := map[string]fixes.Map{}
		for _, section := range []string{"requests", "limits"} {
			for _, name := range []string{"cpu", "memory"} {
				for _, rr := range resourceRules {
					if rr.section == section && rr.name == name && cfg.Enabled(rr.rule) &&
						analyzer.IsNull(analyzer.Get(c.Node, "resources", section, name)) {
						missing[section] = append(missing[section], fixes.KV{Key: name, Value: fixes.Str(rr.placeholder)})
					}
				}
			}
		}
		y := doc.YAMLEditor(w.Object)
		var edits []fixes.TextEdit
		ok := true
		add := func(e fixes.TextEdit, err error) {
			edits = append(edits, e)
			ok = ok && err == nil
		}
		resources := analyzer.Get(c.Node, "resources")
		if analyzer.IsNull(resources) || resources.Kind == yaml.MappingNode && len(resources.Content) == 0 {
			// One nested value for the whole field: two insertions of
			// "resources:" would make a duplicate key.
			var all fixes.Map
			for _, section := range []string{"requests", "limits"} {
				if m := missing[section]; len(m) > 0 {
					all = append(all, fixes.KV{Key: section, Value: m})
				}
			}
			if len(all) == 0 {
				return nil
			}
			if resources == nil || analyzer.IsNull(resources) {
				add(y.Set(c.Node, []string{"resources"}, all))
			} else {
				add(y.ReplaceField(c.Node, "resources", "resources", all))
			}
		} else {
			for _, section := range []string{"requests", "limits"} {
				m := missing[section]
				switch {
				case len(m) == 0:
				case analyzer.IsNull(analyzer.Get(resources, section)):
					add(y.Set(c.Node, []string{"resources", section}, m))
				default:
					for _, kv := range m {
						add(y.Set(c.Node, []string{"resources", section, kv.Key}, kv.Value))
					}
				}
			}
		}
		if !ok || len(edits) == 0 {
			return nil
		}
		joined, err := fixes.Join(edits...)
		if err != nil {
			return nil
		}
		return []fixes.Fix{{Title: "Add resource requests and limits", Safety: fixes.Manual, Edits: joined}}
	}
}

package k8s

import (
	"fmt"
	"strings"

	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/fixes"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

const (
	seccompPodAnnotation       = "seccomp.security.alpha.kubernetes.io/pod"
	seccompContainerAnnotation = "container.seccomp.security.alpha.kubernetes.io/"
)

var _ = register(&analyzer.Rule{
	Code: "KS603", Name: "deprecated-security-annotation",
	Summary:  "seccomp or AppArmor set by a deprecated annotation instead of the securityContext field",
	Severity: analyzer.Warning, Profile: analyzer.Restricted,
	Tag: analyzer.Deprecated,
	Doc: analyzer.RuleDoc{
		Why: "The seccomp annotations were replaced by `securityContext.seccompProfile` in Kubernetes 1.19 and the AppArmor annotations by " +
			"`securityContext.appArmorProfile` in 1.30. The kubelet ignores a seccomp annotation when the field is set, newer releases stop " +
			"honouring the annotations altogether, and the Pod Security Standards' restricted level only accepts the field: a pod that " +
			"looked confined can silently run without its profile.",
		Bad:  "metadata:\n  annotations:\n    seccomp.security.alpha.kubernetes.io/pod: runtime/default",
		Good: "spec:\n  securityContext:\n    seccompProfile:\n      type: RuntimeDefault",
		Fix: "Sets the field with the same profile (pod level for the pod annotation, the container's securityContext for a container's) " +
			"and removes the annotation; when the field is already set it wins, and only the annotation goes (safe). Only reported when " +
			"the target version (`kubernetesVersion`) has the field.",
	},
	Check: func(p *analyzer.Pass) {
		target := targetMinor(p.Config)
		forWorkloads(p, func(w *Workload) {
			annotations := analyzer.Get(w.Meta, "annotations")
			for _, a := range analyzer.Fields(annotations) {
				key := a.Key.Value
				field, since, container := "seccompProfile", 19, ""
				switch {
				case key == seccompPodAnnotation:
				case strings.HasPrefix(key, seccompContainerAnnotation):
					container = strings.TrimPrefix(key, seccompContainerAnnotation)
				case strings.HasPrefix(key, appArmorAnnotationPrefix):
					field, since, container = "appArmorProfile", 30, strings.TrimPrefix(key, appArmorAnnotationPrefix)
				default:
					continue
				}
				if target < since {
					continue
				}
				where := "the pod's securityContext"
				var c *Container
				if container != "" {
					where = fmt.Sprintf("container %q's securityContext", container)
					for _, cc := range w.Containers {
						if cc.Name == container {
							c = cc
						}
					}
				}
				start, end := p.Doc.FieldSpan(a)
				f := analyzer.Finding{Start: start, End: end, Object: w.Object.ObjectRef, Container: container,
					ScopeStart: w.Object.Start, ScopeEnd: w.Object.End,
					Message: fmt.Sprintf("annotation %s is deprecated: set %s in %s", key, field, where)}
				if profile, ok := profileOf(analyzer.Str(a.Value)); ok && (container == "" || c != nil) {
					f.Fix = func() []fixes.Fix { return annotationFix(p, w, c, annotations, a, field, profile) }
				}
				p.Report(f)
			}
		})
	},
})

// profileOf reads an annotation's profile as the field's value:
// runtime/default (docker/default) → RuntimeDefault, unconfined →
// Unconfined, localhost/NAME → Localhost with localhostProfile NAME.
func profileOf(v string) (fixes.Map, bool) {
	switch {
	case v == "runtime/default" || v == "docker/default":
		return fixes.Map{{Key: "type", Value: fixes.Lit("RuntimeDefault")}}, true
	case v == "unconfined":
		return fixes.Map{{Key: "type", Value: fixes.Lit("Unconfined")}}, true
	case strings.HasPrefix(v, "localhost/") && len(v) > len("localhost/"):
		return fixes.Map{{Key: "type", Value: fixes.Lit("Localhost")}, {Key: "localhostProfile", Value: fixes.Str(strings.TrimPrefix(v, "localhost/"))}}, true
	}
	return nil, false
}

// annotationFix sets the field where the annotation applied, unless it is
// set already, and removes the annotation.
func annotationFix(p *analyzer.Pass, w *Workload, c *Container, annotations *yaml.Node, a analyzer.Field, field string, profile fixes.Map) []fixes.Fix {
	y := p.Doc.YAMLEditor(w.Object)
	remove, err := y.Remove(annotations, []string{a.Key.Value})
	if err != nil {
		return nil
	}
	edits := []fixes.TextEdit{remove}
	title := "Remove the annotation: " + field + " is already set"
	set := true
	if c != nil {
		_, has := c.Field(field)
		set = !has
	} else {
		_, has := w.PodField(field)
		set = !has
	}
	if set {
		owner := w.Spec
		if c != nil {
			owner = c.Node
		}
		e, err := y.Set(owner, []string{"securityContext", field}, profile)
		if err != nil {
			return nil
		}
		edits = append(edits, e)
		title = "Move the annotation to securityContext." + field
	}
	return []fixes.Fix{{Title: title, Safety: fixes.Safe, Edits: edits}}
}

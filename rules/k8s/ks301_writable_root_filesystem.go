package k8s

import (
	"fmt"

	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/fixes"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

var _ = register(&analyzer.Rule{
	Code: "KS301", Name: "writable-root-filesystem",
	Summary:  "Container's root filesystem is writable (readOnlyRootFilesystem not true)",
	Severity: analyzer.Warning, Profile: analyzer.Restricted,
	Aliases: []string{"kube-linter:no-read-only-root-fs", "kube-score:container-security-context-readonlyrootfilesystem",
		"polaris:notReadOnlyRootFilesystem", "checkov:CKV_K8S_22", "trivy:KSV-0014"},
	Doc: analyzer.RuleDoc{
		Why: "A writable root filesystem lets an attacker who runs code in the container drop tools and binaries, change the application's files " +
			"and persist until the container restarts. With readOnlyRootFilesystem: true the image stays as it was built; the application writes " +
			"only to volumes it mounts on purpose (an emptyDir at /tmp for scratch files).",
		Bad:  "securityContext:\n  readOnlyRootFilesystem: false",
		Good: "securityContext:\n  readOnlyRootFilesystem: true",
		Fix: "Unsafe (an application that writes to its image's filesystem fails): sets `readOnlyRootFilesystem: true` in the container's " +
			"securityContext. A second fix does the same and mounts an `emptyDir` volume at `/tmp`, for applications that need scratch space.",
	},
	Check: func(p *analyzer.Pass) {
		forWorkloads(p, func(w *Workload) {
			// Windows containers have no such setting: the API rejects it.
			if w.Windows {
				return
			}
			for _, c := range w.Containers {
				f, ok := c.Field("readOnlyRootFilesystem")
				if isTrue(f, ok) {
					continue
				}
				var at *analyzer.Field
				if ok {
					at = &f
				}
				reportFixable(p, w, c, at, readOnlyFixes(p, w, c), "%s must set securityContext.readOnlyRootFilesystem: true", c.describe())
			}
		})
	},
})

// readOnlyFixes sets readOnlyRootFilesystem, then offers the same with an
// emptyDir at /tmp unless the container mounts something there already.
func readOnlyFixes(p *analyzer.Pass, w *Workload, c *Container) func() []fixes.Fix {
	doc := p.Doc
	return func() []fixes.Fix {
		y := doc.YAMLEditor(w.Object)
		set, err := y.Set(c.Node, []string{"securityContext", "readOnlyRootFilesystem"}, fixes.Lit("true"))
		if err != nil {
			return nil
		}
		out := []fixes.Fix{{Title: "Set readOnlyRootFilesystem: true", Safety: fixes.Unsafe, Edits: []fixes.TextEdit{set}}}
		if tmp := tmpVolumeEdits(y, w, c); tmp != nil {
			if edits, err := fixes.Join(append([]fixes.TextEdit{set}, tmp...)...); err == nil {
				out = append(out, fixes.Fix{Title: "Set readOnlyRootFilesystem: true and mount an emptyDir at /tmp", Safety: fixes.Unsafe, Edits: edits})
			}
		}
		return out
	}
}

// tmpVolumeEdits adds an emptyDir volume to the pod and mounts it at /tmp
// in the container, or returns nil when /tmp is mounted already or the
// lists cannot be edited where they are.
func tmpVolumeEdits(y *fixes.YAML, w *Workload, c *Container) []fixes.TextEdit {
	mounts := analyzer.Get(c.Node, "volumeMounts")
	for _, m := range analyzer.Items(mounts) {
		if analyzer.Str(analyzer.Get(m, "mountPath")) == "/tmp" {
			return nil
		}
	}
	volumes := analyzer.Get(w.Spec, "volumes")
	used := map[string]bool{}
	for _, v := range analyzer.Items(volumes) {
		used[analyzer.Str(analyzer.Get(v, "name"))] = true
	}
	name := "tmp"
	for i := 2; used[name]; i++ {
		name = fmt.Sprintf("tmp-%d", i)
	}
	volume := fixes.Map{{Key: "name", Value: fixes.Str(name)}, {Key: "emptyDir", Value: fixes.Map{}}}
	mount := fixes.Map{{Key: "name", Value: fixes.Str(name)}, {Key: "mountPath", Value: fixes.Str("/tmp")}}
	var edits []fixes.TextEdit
	for _, add := range []struct {
		parent, list *yaml.Node
		key          string
		item         fixes.Value
	}{{c.Node, mounts, "volumeMounts", mount}, {w.Spec, volumes, "volumes", volume}} {
		var e fixes.TextEdit
		var err error
		if add.list != nil && add.list.Kind == yaml.SequenceNode && (len(add.list.Content) > 0 || add.list.Style&yaml.FlowStyle != 0) {
			e, err = y.Append(add.list, add.item)
		} else {
			e, err = y.Set(add.parent, []string{add.key}, fixes.Seq{add.item})
		}
		if err != nil {
			return nil
		}
		edits = append(edits, e)
	}
	return edits
}

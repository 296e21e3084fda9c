package k8s

import (
	"strings"

	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/fixes"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

const dropAllTitle = `Add "ALL" to securityContext.capabilities.drop`

// dropAllFix adds "ALL" to an existing drop list, or creates the list.
// Removing forbidden added capabilities is left to a human: the app may
// need them, and only its author can tell.
func dropAllFix(p *analyzer.Pass, w *Workload, c *Container, drop analyzer.Field, hasDrop bool) func() []fixes.Fix {
	if hasDrop && drop.Value.Kind == yaml.SequenceNode {
		doc := p.Doc
		return func() []fixes.Fix {
			edit, err := doc.YAMLEditor(w.Object).Append(drop.Value, fixes.Str("ALL"))
			if err != nil {
				return nil
			}
			return []fixes.Fix{{Title: dropAllTitle, Safety: fixes.Unsafe, Edits: []fixes.TextEdit{edit}}}
		}
	}
	return setFix(p, w, c.Node, dropAllTitle, fixes.Unsafe,
		[]string{"securityContext", "capabilities", "drop"}, fixes.Seq{fixes.Str("ALL")})
}

var _ = register(&analyzer.Rule{
	Code: "KS202", Name: "capabilities-not-dropped",
	Summary:  "Container does not drop ALL capabilities, or adds any but NET_BIND_SERVICE",
	Severity: analyzer.Error, Profile: analyzer.Restricted,
	Aliases: []string{"pss:capabilities_restricted"},
	Doc: analyzer.RuleDoc{
		Why: "Containers start with a default set of capabilities (CHOWN, DAC_OVERRIDE, SETUID, NET_RAW, …) that most applications never use. " +
			"NET_RAW alone allows ARP and DNS spoofing of neighbouring pods. Dropping ALL and adding back only NET_BIND_SERVICE when needed removes them.",
		Bad:  "securityContext:\n  capabilities:\n    drop: [\"NET_RAW\"]",
		Good: "securityContext:\n  capabilities:\n    drop: [\"ALL\"]",
		Fix:  "Unsafe (images that setuid or chown at start need some capabilities back): adds `\"ALL\"` to `capabilities.drop`, creating the list when missing. Added capabilities are left for a human to remove.",
	},
	Check: func(p *analyzer.Pass) {
		forWorkloads(p, func(w *Workload) {
			if w.Windows {
				return
			}
			for _, c := range w.Containers {
				capsField, hasCaps := c.Field("capabilities")
				dropField, hasDrop := analyzer.Lookup(capsField.Value, "drop")
				addField, hasAdd := analyzer.Lookup(capsField.Value, "add")
				droppedAll := false
				for _, d := range analyzer.Items(dropField.Value) {
					if analyzer.Str(d) == "ALL" {
						droppedAll = true
					}
				}
				var added []string
				for _, a := range analyzer.Items(addField.Value) {
					if name := analyzer.Str(a); name != "NET_BIND_SERVICE" {
						added = append(added, name)
					}
				}
				if droppedAll && len(added) == 0 {
					continue
				}
				var why []string
				if !droppedAll {
					why = append(why, `must set securityContext.capabilities.drop: ["ALL"]`)
				}
				if len(added) > 0 {
					why = append(why, "must not add "+quoteList(added))
				}
				var at *analyzer.Field
				switch {
				case len(added) > 0 && hasAdd:
					at = &addField
				case hasDrop:
					at = &dropField
				case hasCaps:
					at = &capsField
				}
				var fix func() []fixes.Fix
				if !droppedAll && len(added) == 0 {
					fix = dropAllFix(p, w, c, dropField, hasDrop)
				}
				reportFixable(p, w, c, at, fix, "%s %s", c.describe(), strings.Join(why, " and "))
			}
		})
	},
})

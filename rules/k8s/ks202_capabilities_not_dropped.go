package k8s

import (
	"strings"

	"hardline.dev/hardline/analyzer"
)

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
				reportContainer(p, w, c, at, "%s %s", c.describe(), strings.Join(why, " and "))
			}
		})
	},
})

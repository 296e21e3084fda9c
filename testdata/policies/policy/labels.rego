# Every Deployment needs a team label. conftest style (Rego v0): no "if",
# no "contains"; the finding points at the object's kind.
package main

warn_team_label[msg] {
	input.kind == "Deployment"
	not input.metadata.labels.team
	msg := sprintf("Deployment %s has no team label", [input.metadata.name])
}

# conftest exceptions: the legacy namespace is exempt from the label rule.
exception[rules] {
	input.metadata.namespace == "legacy"
	rules := ["team_label"]
}

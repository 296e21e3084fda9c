# Images must come from one of our registries (data/registries.yaml).
# Rego v1; the result names the offending field with "path".
package main

deny contains result if {
	some kind in {"Deployment", "StatefulSet", "DaemonSet", "Job"}
	input.kind == kind
	some i
	image := input.spec.template.spec.containers[i].image
	not from_allowed_registry(image)
	result := {
		"msg": sprintf("container %q: image %q is not from an allowed registry (%s)", [input.spec.template.spec.containers[i].name, image, concat(", ", data.registries)]),
		"path": sprintf("spec.template.spec.containers[%d].image", [i]),
	}
}

from_allowed_registry(image) if {
	some registry in data.registries
	startswith(image, concat("", [registry, "/"]))
}

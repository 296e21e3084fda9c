# Dockerfiles in conftest's input shape: input[i].Cmd, .Value, .Stage.
package main

import rego.v1

deny contains result if {
	some i
	input[i].Cmd == "from"
	image := input[i].Value[0]
	endswith(image, ":latest")
	result := {"msg": sprintf("FROM %s: pin a version, not latest", [image]), "code": "DOCKER-LATEST"}
}

warn contains msg if {
	some i
	input[i].Cmd == "run"
	contains(input[i].Value[0], "curl")
	msg := "RUN uses curl: prefer ADD --checksum"
}

# Takes seconds on objects labelled slow: "yes"; the time limit cuts it off.
package main

deny contains msg if {
	input.metadata.labels.slow == "yes"
	n := count({[a, b, c] | some a in numbers.range(1, 300); some b in numbers.range(1, 300); some c in numbers.range(1, 300)})
	msg := sprintf("%d combinations", [n])
}

// Package rules is the registry of hardline's built-in rules.
package rules

import (
	"sort"

	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/rules/dockerfile"
	"hardline.dev/hardline/rules/general"
	"hardline.dev/hardline/rules/k8s"
	"hardline.dev/hardline/rules/policy"
)

// All returns every built-in rule, sorted by code.
func All() []*analyzer.Rule {
	var all []*analyzer.Rule
	all = append(all, general.Rules()...)
	all = append(all, k8s.Rules()...)
	all = append(all, dockerfile.Rules()...)
	all = append(all, policy.Rules()...)
	sort.Slice(all, func(i, j int) bool { return all[i].Code < all[j].Code })
	return all
}

package k8s

import (
	"sort"
	"strings"

	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/fixes"
)

type set map[string]bool

func newSet(items ...string) set {
	s := make(set, len(items))
	for _, it := range items {
		s[it] = true
	}
	return s
}

// quoteList renders names for messages: "a", "b".
func quoteList(items []string) string {
	items = append([]string(nil), items...)
	sort.Strings(items)
	return `"` + strings.Join(items, `", "`) + `"`
}

// isTrue tells whether a field is set to boolean true.
func isTrue(f analyzer.Field, ok bool) bool {
	if !ok {
		return false
	}
	v, isBool := analyzer.Bool(f.Value)
	return isBool && v
}

// plural picks a word form for n.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// explain is a finding's fix when none can be applied: a manual fix
// without edits whose title says why (editors show it disabled).
func explain(why string) func() []fixes.Fix {
	return func() []fixes.Fix { return []fixes.Fix{{Title: why, Safety: fixes.Manual}} }
}

// Package image reads container image references the way the image rules
// and pinning need: what a build tool fills in later is not an image.
package image

import "strings"

// Placeholder tells whether a reference is something a tool replaces
// before anything runs, not an image to judge: variables and templates
// (${IMAGE}, {{ .image }}), a tool's scheme (ko://github.com/org/cmd), and
// whole-reference placeholders such as REPLACE-ME, BASEIMAGE or ARG_FROM
// (a registry's repository paths are lower case, so upper case there
// cannot name a real image).
func Placeholder(ref string) bool {
	ref = strings.TrimSpace(ref)
	switch {
	case ref == "":
		return true
	case strings.ContainsAny(ref, "${}<> "), strings.Contains(ref, "://"):
		return true
	}
	name := ref
	if i := strings.IndexByte(name, '@'); i >= 0 {
		name = name[:i]
	}
	if i := strings.LastIndexByte(name, ':'); i > strings.LastIndexByte(name, '/') {
		name = name[:i]
	}
	// The first component is a registry host (case-insensitive) when it
	// has a dot or a port, or is localhost; the rest is the repository.
	if host, rest, ok := strings.Cut(name, "/"); ok && (strings.ContainsAny(host, ".:") || host == "localhost") {
		name = rest
	}
	return strings.ToLower(name) != name
}

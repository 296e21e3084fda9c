// Package analyzer is hardline's framework, the part that knows no single
// rule: it parses files and editor buffers into Documents (YAML streams
// into Kubernetes objects with positions, Dockerfiles into stages and
// instructions), defines the Rule, Finding and Pass vocabulary rules are
// written in, runs rules in an Engine under a Config (profiles,
// severities, suppressions, limits) and verifies the fixes rules offer
// before anyone sees them. The rules live in package rules; the CLI and
// the language server only call the Engine, so both report the same
// findings for the same input.
package analyzer

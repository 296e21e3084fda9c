// Package report writes lint results in the CLI's output formats.
package report

import (
	"bufio"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/fixes"
)

// Formats lists the supported --format values.
var Formats = []string{"full", "text", "json", "sarif", "github", "gitlab"}

// Options carry what formats with rule metadata need.
type Options struct {
	// Rules are the rules of the run, for SARIF's rule table.
	Rules []*analyzer.Rule
	// Version and InformationURI describe hardline itself.
	Version, InformationURI string
	// DocsURL is the configured base of rule documentation links.
	DocsURL string
	// Style is how the terminal formats (full, text) look.
	Style Style
}

// Write renders results in format.
func Write(w io.Writer, format string, results []analyzer.FileResult, o Options) error {
	switch format {
	case "full":
		return Full(w, results, o.Style)
	case "text":
		return TextStyled(w, results, o.Style)
	case "json":
		return JSON(w, results)
	case "sarif":
		return SARIF(w, results, o)
	case "github":
		return GitHub(w, results)
	case "gitlab":
		return GitLab(w, results)
	}
	return fmt.Errorf("unknown format %q (want %s)", format, strings.Join(Formats, ", "))
}

func itoa(n int) string { return strconv.Itoa(n) }

// Text writes one line per finding, like a compiler:
// path:line:col: severity CODE name: message, then " (source: path)" for
// rendered input that names its source.
func Text(w io.Writer, results []analyzer.FileResult) error { return TextStyled(w, results, Style{}) }

// jsonSource names where a rendered finding's object came from; the chart
// and kustomization rendering adds chart, values and kustomization.
type jsonSource struct {
	Path          string   `json:"path,omitempty"`
	Chart         string   `json:"chart,omitempty"`
	Values        []string `json:"values,omitempty"`
	Kustomization string   `json:"kustomization,omitempty"`
	Renders       []string `json:"renders,omitempty"`
}

func sourceOf(s *analyzer.Source) *jsonSource {
	if s == nil {
		return nil
	}
	return &jsonSource{Path: s.Path, Chart: filepath.ToSlash(s.Chart), Values: s.Values, Kustomization: filepath.ToSlash(s.Kustomization), Renders: s.Renders}
}

// jsonRelated is another place a set rule's finding involves.
type jsonRelated struct {
	Path    string         `json:"path"`
	Range   analyzer.Range `json:"range"`
	Message string         `json:"message"`
}

func relatedOf(rs []analyzer.Related) []jsonRelated {
	var out []jsonRelated
	for _, r := range rs {
		out = append(out, jsonRelated{Path: r.Path, Range: r.Range, Message: r.Message})
	}
	return out
}

type jsonObject struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Namespace  string `json:"namespace"`
	Name       string `json:"name"`
}

type jsonFinding struct {
	Path        string         `json:"path"`
	Range       analyzer.Range `json:"range"`
	Rule        string         `json:"rule"`
	Name        string         `json:"name"`
	Severity    string         `json:"severity"`
	Message     string         `json:"message"`
	Aliases     []string       `json:"aliases"`
	Fixes       []jsonFix      `json:"fixes"`
	Fingerprint string         `json:"fingerprint"`
	Source      *jsonSource    `json:"source,omitempty"`
	Related     []jsonRelated  `json:"related,omitempty"`
	Object      *jsonObject    `json:"object,omitempty"`
	Container   string         `json:"container,omitempty"`
}

type jsonFix struct {
	Title  string     `json:"title"`
	Safety string     `json:"safety"`
	Edits  []jsonEdit `json:"edits"`
}

type jsonEdit struct {
	Range   analyzer.Range `json:"range"`
	NewText string         `json:"newText"`
}

// jsonFixes renders fixes with positions in the same units as findings.
func jsonFixes(lines *analyzer.Lines, fs []fixes.Fix) []jsonFix {
	out := []jsonFix{}
	for _, fx := range fs {
		jf := jsonFix{Title: fx.Title, Safety: fx.Safety.String(), Edits: []jsonEdit{}}
		for _, e := range fixes.Sorted(fx.Edits) {
			jf.Edits = append(jf.Edits, jsonEdit{Range: lines.Range(e.Start, e.End), NewText: e.NewText})
		}
		out = append(out, jf)
	}
	return out
}

type jsonSummary struct {
	Files    int `json:"files"`
	Findings int `json:"findings"`
	Error    int `json:"error"`
	Warning  int `json:"warning"`
	Info     int `json:"info"`
}

// located is a finding with the result of the file it is in.
type located struct {
	r *analyzer.FileResult
	f *analyzer.Finding
}

// findingsOf lists the findings of results in order, for the reports that
// encode them in parallel (jsonStream.list).
func findingsOf(results []analyzer.FileResult) []located {
	var out []located
	for i := range results {
		for j := range results[i].Findings {
			out = append(out, located{&results[i], &results[i].Findings[j]})
		}
	}
	return out
}

// JSON writes the machine-readable report DESIGN.md specifies, a finding
// at a time (see jsonStream).
func JSON(w io.Writer, results []analyzer.FileResult) error {
	var summary jsonSummary
	out := jsonStream{w: bufio.NewWriterSize(w, 64<<10)}
	out.raw("{\n  \"version\": 1,\n  \"findings\": [")
	all := findingsOf(results)
	for _, r := range results {
		if r.Err == nil {
			summary.Files++
		}
	}
	for _, at := range all {
		summary.Findings++
		switch at.f.Severity {
		case analyzer.Error:
			summary.Error++
		case analyzer.Warning:
			summary.Warning++
		case analyzer.Info:
			summary.Info++
		}
	}
	out.list(len(all), "\n    ", "    ", func(i int) any {
		r, f := all[i].r, all[i].f
		jf := jsonFinding{
			Path: r.Path, Range: f.Range, Rule: f.Rule.Code, Name: f.Rule.Name, Severity: f.Severity.String(),
			Message: f.Message, Aliases: append([]string{}, f.Rule.Aliases...), Fixes: jsonFixes(r.Lines, f.Fixes),
			Fingerprint: f.Fingerprint, Container: f.Container,
		}
		jf.Source = sourceOf(f.Source)
		jf.Related = relatedOf(f.Related)
		if o := f.Object; o.Kind != "" {
			jf.Object = &jsonObject{APIVersion: o.APIVersion, Kind: o.Kind, Namespace: o.Namespace, Name: o.Name}
		}
		return jf
	})
	if summary.Findings > 0 {
		out.raw("\n  ")
	}
	out.raw("],\n  \"summary\": ")
	out.indented(summary, "  ")
	out.raw("\n}\n")
	return out.flush()
}

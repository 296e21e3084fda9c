package report

import (
	"bufio"
	"io"
	"net/url"
	"path/filepath"
	"slices"
	"strings"

	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/fixes"
)

// SARIF 2.1.0, the format GitHub code scanning and most security
// dashboards import. Only the properties hardline fills are modelled; the
// log and its one run are written by SARIF itself, around the results.

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifText struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifRule struct {
	ID                   string            `json:"id"`
	Name                 string            `json:"name"`
	ShortDescription     sarifText         `json:"shortDescription"`
	FullDescription      sarifText         `json:"fullDescription"`
	Help                 sarifText         `json:"help"`
	HelpURI              string            `json:"helpUri"`
	DefaultConfiguration sarifRuleConfig   `json:"defaultConfiguration"`
	Properties           sarifRuleProperty `json:"properties"`
}

type sarifRuleConfig struct {
	Level string `json:"level"`
}

type sarifRuleProperty struct {
	Tags []string `json:"tags"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifText         `json:"message"`
	Locations           []sarifLocation   `json:"locations"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	Fixes               []sarifFix        `json:"fixes,omitempty"`
	// RelatedLocations are the other objects a set rule's finding
	// involves.
	RelatedLocations []sarifRelated `json:"relatedLocations,omitempty"`
	// Properties carries the source of a rendered object (JSON's source).
	Properties *sarifResultProperties `json:"properties,omitempty"`
}

type sarifResultProperties struct {
	Source jsonSource `json:"source"`
}

type sarifFix struct {
	Description     sarifText           `json:"description"`
	ArtifactChanges []sarifArtifactEdit `json:"artifactChanges"`
}

type sarifArtifactEdit struct {
	ArtifactLocation sarifArtifact      `json:"artifactLocation"`
	Replacements     []sarifReplacement `json:"replacements"`
}

type sarifReplacement struct {
	DeletedRegion   sarifRegion `json:"deletedRegion"`
	InsertedContent sarifText   `json:"insertedContent"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifRelated struct {
	ID               int           `json:"id"`
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
	Message          sarifText     `json:"message"`
}

func sarifRelatedOf(rs []analyzer.Related) []sarifRelated {
	var out []sarifRelated
	for i, r := range rs {
		out = append(out, sarifRelated{ID: i + 1, Message: sarifText{Text: r.Message}, PhysicalLocation: sarifPhysical{
			ArtifactLocation: sarifArtifact{URI: sarifURI(r.Path)},
			Region: sarifRegion{StartLine: r.Range.Start.Line, StartColumn: r.Range.Start.Column,
				EndLine: r.Range.End.Line, EndColumn: r.Range.End.Column},
		}})
	}
	return out
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           sarifRegion   `json:"region"`
}

type sarifArtifact struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn"`
	EndLine     int `json:"endLine"`
	EndColumn   int `json:"endColumn"`
}

func sarifLevel(s analyzer.Severity) string {
	switch s {
	case analyzer.Error:
		return "error"
	case analyzer.Warning:
		return "warning"
	}
	return "note"
}

// FingerprintKey names hardline's fingerprint among a result's partial
// fingerprints; the version lets the scheme change without confusing
// dashboards that compare results across runs.
const FingerprintKey = "hardline/v2"

// SARIF writes one run with every rule's metadata and one result per finding.
func SARIF(w io.Writer, results []analyzer.FileResult, o Options) error {
	driver := sarifDriver{Name: "hardline", Version: o.Version, InformationURI: o.InformationURI, Rules: []sarifRule{}}
	index := map[*analyzer.Rule]int{}
	rules := o.Rules
	// Policy rules exist only where policies produced findings.
	for _, res := range results {
		for _, f := range res.Findings {
			if f.Rule.Policy && !slices.Contains(rules, f.Rule) {
				rules = append(rules[:len(rules):len(rules)], f.Rule)
			}
		}
	}
	for i, r := range rules {
		index[r] = i
		driver.Rules = append(driver.Rules, sarifRule{
			ID: r.Code, Name: r.Name,
			ShortDescription:     sarifText{Text: r.Summary},
			FullDescription:      sarifText{Text: r.Doc.Why},
			Help:                 sarifText{Text: r.Doc.Why, Markdown: analyzer.RuleMarkdown(r)},
			HelpURI:              analyzer.RuleURL(o.DocsURL, r),
			DefaultConfiguration: sarifRuleConfig{Level: sarifLevel(r.Severity)},
			Properties:           sarifRuleProperty{Tags: append([]string{"security"}, r.Aliases...)},
		})
	}
	// The log is written a result at a time, compact (SARIF is read by
	// tools): encoding a large log whole grew one buffer the size of it,
	// and indenting it cost as much again.
	out := jsonStream{w: bufio.NewWriterSize(w, 64<<10)}
	out.raw(`{"$schema":"https://json.schemastore.org/sarif-2.1.0.json","version":"2.1.0","runs":[{"tool":`)
	out.value(sarifTool{Driver: driver})
	out.raw(`,"columnKind":"unicodeCodePoints","results":[`)
	all := findingsOf(results)
	// Each file's URI once, not at each finding and fix.
	uris := make(map[*analyzer.FileResult]string, len(results))
	for i := range results {
		uris[&results[i]] = sarifURI(results[i].Path)
	}
	out.list(len(all), "", "", func(i int) any {
		res, f := all[i].r, all[i].f
		uri := uris[res]
		return &sarifResult{
			RuleID: f.Rule.Code, RuleIndex: index[f.Rule], Level: sarifLevel(f.Severity),
			Message: sarifText{Text: f.Message},
			Locations: []sarifLocation{{PhysicalLocation: sarifPhysical{
				ArtifactLocation: sarifArtifact{URI: uri},
				Region: sarifRegion{
					StartLine: f.Range.Start.Line, StartColumn: f.Range.Start.Column,
					EndLine: f.Range.End.Line, EndColumn: f.Range.End.Column,
				},
			}}},
			PartialFingerprints: map[string]string{FingerprintKey: f.Fingerprint},
			Fixes:               sarifFixes(res.Lines, uri, f.Fixes),
			RelatedLocations:    sarifRelatedOf(f.Related),
			Properties:          sarifSource(f.Source),
		}
	})
	out.raw("]}]}\n")
	return out.flush()
}

func sarifSource(source *analyzer.Source) *sarifResultProperties {
	if source == nil {
		return nil
	}
	return &sarifResultProperties{Source: *sourceOf(source)}
}

// sarifFixes renders fixes as SARIF replacements. Manual fixes have
// placeholders and are left out: SARIF consumers may apply fixes blindly.
func sarifFixes(lines *analyzer.Lines, uri string, fs []fixes.Fix) []sarifFix {
	var out []sarifFix
	for _, fx := range fs {
		if fx.Safety == fixes.Manual {
			continue
		}
		change := sarifArtifactEdit{ArtifactLocation: sarifArtifact{URI: uri}}
		for _, e := range fixes.Sorted(fx.Edits) {
			r := lines.Range(e.Start, e.End)
			change.Replacements = append(change.Replacements, sarifReplacement{
				DeletedRegion:   sarifRegion{StartLine: r.Start.Line, StartColumn: r.Start.Column, EndLine: r.End.Line, EndColumn: r.End.Column},
				InsertedContent: sarifText{Text: e.NewText},
			})
		}
		out = append(out, sarifFix{Description: sarifText{Text: fx.Title + " (" + fx.Safety.String() + ")"}, ArtifactChanges: []sarifArtifactEdit{change}})
	}
	return out
}

// sarifURI turns a path into a URI reference: relative paths stay
// relative (code scanning resolves them against the checkout).
func sarifURI(path string) string {
	u := url.URL{Path: strings.TrimPrefix(filepath.ToSlash(path), "./")}
	if filepath.IsAbs(path) {
		u.Scheme = "file"
	}
	return u.String()
}

// GitHub writes workflow commands, which GitHub Actions turns into
// annotations on the pull request's diff.
func GitHub(w io.Writer, results []analyzer.FileResult) error {
	for _, res := range results {
		for _, f := range res.Findings {
			level := "error"
			switch f.Severity {
			case analyzer.Warning:
				level = "warning"
			case analyzer.Info:
				level = "notice"
			}
			props := []string{
				"file=" + ghProperty(filepath.ToSlash(res.Path)),
				"line=" + itoa(f.Range.Start.Line), "col=" + itoa(f.Range.Start.Column),
				"endLine=" + itoa(f.Range.End.Line), "endColumn=" + itoa(f.Range.End.Column),
				"title=" + ghProperty(f.Rule.Code+" "+f.Rule.Name),
			}
			if _, err := io.WriteString(w, "::"+level+" "+strings.Join(props, ",")+"::"+ghData(f.Message)+"\n"); err != nil {
				return err
			}
		}
	}
	return nil
}

// The escapes of workflow commands, built once: a replacer's first use
// builds its tables, which cost more than escaping one finding's strings.
var (
	ghDataEscapes     = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	ghPropertyEscapes = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
)

// ghData escapes a workflow command's message.
func ghData(s string) string { return ghDataEscapes.Replace(s) }

// ghProperty escapes a workflow command's property value.
func ghProperty(s string) string { return ghPropertyEscapes.Replace(s) }

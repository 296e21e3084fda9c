// Package baseline records the findings a repository has today so that lint
// reports only new ones: big repositories adopt hardline without fixing
// everything first, and CI still fails on every finding added later.
//
// Findings are matched by fingerprint (rule, path, object, container and the
// offending lines' text; see analyzer), so a recorded finding stays
// recorded when lines above it move, and becomes new when its own lines or
// its object change.
package baseline

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"

	"hardline.dev/hardline/analyzer"
)

// Version is the file format's version. Version 2 fingerprints hash paths
// relative to the repository root; version 1's hashed them as given, and
// are still read.
const Version = 2

// file is the baseline file: fingerprints, with rule, path and message so a
// reviewer can read what was accepted.
type file struct {
	Version  int     `json:"version"`
	Findings []entry `json:"findings"`
}

type entry struct {
	Fingerprint string `json:"fingerprint"`
	Rule        string `json:"rule"`
	Path        string `json:"path"`
	Message     string `json:"message"`
}

// Baseline is a set of accepted findings.
type Baseline struct {
	known map[string]bool
	// legacy: a version 1 file, whose fingerprints hashed paths as given.
	legacy bool
}

// Write records every finding of results and says how many.
func Write(w io.Writer, results []analyzer.FileResult) (int, error) {
	out := file{Version: Version, Findings: []entry{}}
	for _, r := range results {
		for _, f := range r.Findings {
			out.Findings = append(out.Findings, entry{
				Fingerprint: f.Fingerprint, Rule: f.Rule.Code,
				Path: filepath.ToSlash(filepath.Clean(r.Path)), Message: f.Message,
			})
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return len(out.Findings), enc.Encode(out)
}

// Read parses a baseline file; name is for error messages.
func Read(r io.Reader, name string) (*Baseline, error) {
	var in file
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return nil, fmt.Errorf("%s: not a hardline baseline: %v", name, err)
	}
	if in.Version != 1 && in.Version != Version {
		return nil, fmt.Errorf("%s: baseline version %d, want 1 or %d", name, in.Version, Version)
	}
	b := &Baseline{known: make(map[string]bool, len(in.Findings)), legacy: in.Version == 1}
	for i, e := range in.Findings {
		if e.Fingerprint == "" {
			return nil, fmt.Errorf("%s: finding %d has no fingerprint", name, i+1)
		}
		b.known[e.Fingerprint] = true
	}
	return b, nil
}

// Match says how a baseline met a run: findings it dropped, and how many
// of its recorded fingerprints matched at all.
type Match struct {
	Dropped, Matched, Recorded int
}

// Filter drops the recorded findings from results, leaving results itself
// unchanged.
func (b *Baseline) Filter(results []analyzer.FileResult) ([]analyzer.FileResult, Match) {
	out := make([]analyzer.FileResult, len(results))
	m := Match{Recorded: len(b.known)}
	matched := map[string]bool{}
	for i, r := range results {
		fps := make([]string, len(r.Findings))
		for j, f := range r.Findings {
			fps[j] = f.Fingerprint
		}
		if b.legacy && r.Lines != nil {
			fps = analyzer.Fingerprints(filepath.ToSlash(filepath.Clean(r.Path)), r.Lines, r.Findings)
		}
		kept := make([]analyzer.Finding, 0, len(r.Findings))
		for j, f := range r.Findings {
			if b.known[fps[j]] {
				m.Dropped++
				matched[fps[j]] = true
				continue
			}
			kept = append(kept, f)
		}
		r.Findings = kept
		out[i] = r
	}
	m.Matched = len(matched)
	return out, m
}

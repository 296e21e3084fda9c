package report

import (
	"encoding/json"
	"io"
	"path/filepath"

	"hardline.dev/hardline/analyzer"
)

// GitLab Code Quality (a subset of Code Climate's issue format): what the
// merge request widget reads from artifacts:reports:codequality.
type gitlabIssue struct {
	Type        string         `json:"type"`
	CheckName   string         `json:"check_name"`
	Description string         `json:"description"`
	Categories  []string       `json:"categories"`
	Severity    string         `json:"severity"`
	Fingerprint string         `json:"fingerprint"`
	Location    gitlabLocation `json:"location"`
}

type gitlabLocation struct {
	Path      string          `json:"path"`
	Positions gitlabPositions `json:"positions"`
}

type gitlabPositions struct {
	Begin gitlabPosition `json:"begin"`
	End   gitlabPosition `json:"end"`
}

type gitlabPosition struct {
	Line   int `json:"line"`
	Column int `json:"column"`
}

// gitlabSeverity maps severities onto GitLab's scale (info, minor, major,
// critical, blocker).
func gitlabSeverity(s analyzer.Severity) string {
	switch s {
	case analyzer.Error:
		return "critical"
	case analyzer.Warning:
		return "major"
	}
	return "info"
}

// GitLab writes a Code Quality report: a JSON array of issues, with the
// fingerprint that baselines and SARIF use, so GitLab tracks a finding
// across commits as code scanning does.
func GitLab(w io.Writer, results []analyzer.FileResult) error {
	issues := []gitlabIssue{}
	for _, r := range results {
		// GitLab links paths relative to the repository root.
		path := filepath.ToSlash(filepath.Clean(r.Path))
		for _, f := range r.Findings {
			issues = append(issues, gitlabIssue{
				Type:        "issue",
				CheckName:   f.Rule.Code + " " + f.Rule.Name,
				Description: f.Rule.Code + ": " + f.Message,
				Categories:  []string{"Security"},
				Severity:    gitlabSeverity(f.Severity),
				Fingerprint: f.Fingerprint,
				Location: gitlabLocation{Path: path, Positions: gitlabPositions{
					Begin: gitlabPosition{f.Range.Start.Line, f.Range.Start.Column},
					End:   gitlabPosition{f.Range.End.Line, f.Range.End.Column},
				}},
			})
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(issues)
}

package report

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestSARIFResultEncoding: the hand-written encoding of SARIF results is
// encoding/json's, byte for byte: field order, nulls, omitted fields (the
// quoting of strings is internal/jsonenc's, tested there).
func TestSARIFResultEncoding(t *testing.T) {
	var results []*sarifResult
	for i, s := range []string{"", "plain", "<&> \"q\" \\ \t\n \x01 \u2028 \xff é", "x", "y", "z", "w", "v"} {
		r := &sarifResult{RuleID: s, RuleIndex: i, Level: "error", Message: sarifText{Text: s, Markdown: s},
			Locations:           []sarifLocation{{PhysicalLocation: sarifPhysical{ArtifactLocation: sarifArtifact{URI: s}, Region: sarifRegion{1, 2, 3, i}}}},
			PartialFingerprints: map[string]string{FingerprintKey: s, "b": "x", "a": s}}
		switch i % 4 {
		case 0:
			r.Locations, r.PartialFingerprints = nil, nil
		case 1:
			r.Fixes = []sarifFix{{Description: sarifText{Text: s}, ArtifactChanges: []sarifArtifactEdit{
				{ArtifactLocation: sarifArtifact{URI: s}, Replacements: []sarifReplacement{{DeletedRegion: sarifRegion{4, 5, 6, 7}, InsertedContent: sarifText{Text: s}}}},
				{ArtifactLocation: sarifArtifact{URI: s}}}}}
			r.Locations = []sarifLocation{}
		case 2:
			r.RelatedLocations = []sarifRelated{{ID: 1, Message: sarifText{Text: s}}, {ID: 2}}
			r.Properties = &sarifResultProperties{Source: jsonSource{Path: s, Chart: s, Values: []string{s, "v"}, Renders: []string{s}}}
		case 3:
			r.Fixes = []sarifFix{{Description: sarifText{Text: s}}}
			r.RelatedLocations = []sarifRelated{}
		}
		results = append(results, r)
	}
	for _, r := range results {
		want, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(string(want), string(r.appendJSON(nil))); diff != "" {
			t.Errorf("result %q (-encoding/json +ours):\n%s", r.RuleID, diff)
		}
	}
}

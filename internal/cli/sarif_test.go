package cli

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
)

// sarifShape is the SARIF 2.1.0 schema's structure for the objects
// hardline writes: each object's required properties, and the properties
// the schema allows (it sets additionalProperties: false on all of them).
var sarifShape = map[string]struct{ required, allowed []string }{
	"log":        {[]string{"version", "runs"}, []string{"$schema", "version", "runs", "inlineExternalProperties", "properties"}},
	"run":        {[]string{"tool"}, []string{"tool", "columnKind", "results", "invocations", "artifacts", "originalUriBaseIds", "properties"}},
	"tool":       {[]string{"driver"}, []string{"driver", "extensions", "properties"}},
	"driver":     {[]string{"name"}, []string{"name", "version", "semanticVersion", "informationUri", "rules", "properties"}},
	"rule":       {[]string{"id"}, []string{"id", "name", "shortDescription", "fullDescription", "help", "helpUri", "defaultConfiguration", "properties"}},
	"text":       {[]string{"text"}, []string{"text", "markdown", "properties"}},
	"ruleConfig": {nil, []string{"enabled", "level", "rank", "parameters", "properties"}},
	"result":     {[]string{"message"}, []string{"ruleId", "ruleIndex", "level", "message", "locations", "relatedLocations", "partialFingerprints", "fingerprints", "fixes", "properties"}},
	"location":   {nil, []string{"id", "physicalLocation", "message", "properties"}},
	"physical":   {[]string{"artifactLocation"}, []string{"artifactLocation", "region", "contextRegion", "properties"}},
	"artifact":   {nil, []string{"uri", "uriBaseId", "index", "properties"}},
	"region":     {nil, []string{"startLine", "startColumn", "endLine", "endColumn", "charOffset", "charLength", "properties"}},
	"fix":        {[]string{"artifactChanges"}, []string{"description", "artifactChanges", "properties"}},
	"change":     {[]string{"artifactLocation", "replacements"}, []string{"artifactLocation", "replacements", "properties"}},
	"replace":    {[]string{"deletedRegion"}, []string{"deletedRegion", "insertedContent", "properties"}},
	"content":    {nil, []string{"text", "binary", "rendered", "properties"}},
}

type sarifChecker struct {
	t    *testing.T
	errs []string
}

func (c *sarifChecker) object(kind, at string, v any) map[string]any {
	m, ok := v.(map[string]any)
	if !ok {
		c.errs = append(c.errs, fmt.Sprintf("%s: want an object (%s)", at, kind))
		return nil
	}
	shape := sarifShape[kind]
	for _, r := range shape.required {
		if _, ok := m[r]; !ok {
			c.errs = append(c.errs, fmt.Sprintf("%s: %s lacks required %q", at, kind, r))
		}
	}
	for k := range m {
		if !contains(shape.allowed, k) {
			c.errs = append(c.errs, fmt.Sprintf("%s: %s has property %q the schema does not allow", at, kind, k))
		}
	}
	return m
}

func (c *sarifChecker) array(at string, v any) []any {
	a, ok := v.([]any)
	if !ok {
		c.errs = append(c.errs, at+": want an array")
	}
	return a
}

func (c *sarifChecker) positive(at string, m map[string]any, keys ...string) {
	for _, k := range keys {
		if n, ok := m[k].(float64); !ok || n < 1 || n != float64(int(n)) {
			c.errs = append(c.errs, fmt.Sprintf("%s.%s = %v: want an integer ≥ 1", at, k, m[k]))
		}
	}
}

// TestSARIFSchema checks the SARIF output of every rule fixture against
// the schema's structure, enums and bounds.
func TestSARIFSchema(t *testing.T) {
	_, out, errOut := runCLI(t, "", "lint", "--profile", "all", "--format", "sarif", "testdata/rules")
	var log any
	if err := json.Unmarshal([]byte(out), &log); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, errOut)
	}
	c := &sarifChecker{t: t}
	root := c.object("log", "$", log)
	if root["version"] != "2.1.0" {
		c.errs = append(c.errs, "version must be 2.1.0")
	}
	results, fixes := 0, 0
	for i, r := range c.array("runs", root["runs"]) {
		at := fmt.Sprintf("runs[%d]", i)
		run := c.object("run", at, r)
		if ck := run["columnKind"]; ck != "unicodeCodePoints" {
			c.errs = append(c.errs, at+".columnKind must be unicodeCodePoints (columns count code points)")
		}
		tool := c.object("tool", at+".tool", run["tool"])
		driver := c.object("driver", at+".tool.driver", tool["driver"])
		rules := c.array(at+".rules", driver["rules"])
		ids := map[string]int{}
		for j, rv := range rules {
			rat := fmt.Sprintf("%s.rules[%d]", at, j)
			rule := c.object("rule", rat, rv)
			ids[fmt.Sprint(rule["id"])] = j
			for _, k := range []string{"shortDescription", "fullDescription", "help"} {
				c.object("text", rat+"."+k, rule[k])
			}
			cfg := c.object("ruleConfig", rat+".defaultConfiguration", rule["defaultConfiguration"])
			if !contains([]string{"none", "note", "warning", "error"}, fmt.Sprint(cfg["level"])) {
				c.errs = append(c.errs, rat+": bad level")
			}
			if u, _ := rule["helpUri"].(string); !strings.HasPrefix(u, "https://") {
				c.errs = append(c.errs, rat+": helpUri must be an absolute URI")
			}
		}
		for j, rv := range c.array(at+".results", run["results"]) {
			results++
			rat := fmt.Sprintf("%s.results[%d]", at, j)
			res := c.object("result", rat, rv)
			c.object("text", rat+".message", res["message"])
			if !contains([]string{"none", "note", "warning", "error"}, fmt.Sprint(res["level"])) {
				c.errs = append(c.errs, rat+": bad level")
			}
			if idx, ok := res["ruleIndex"].(float64); !ok || ids[fmt.Sprint(res["ruleId"])] != int(idx) {
				c.errs = append(c.errs, rat+": ruleIndex does not point at ruleId")
			}
			if fp, _ := res["partialFingerprints"].(map[string]any); fp["hardline/v2"] == nil {
				c.errs = append(c.errs, rat+": no partial fingerprint")
			}
			if res["fixes"] != nil {
				for k, fv := range c.array(rat+".fixes", res["fixes"]) {
					fixes++
					fat := fmt.Sprintf("%s.fixes[%d]", rat, k)
					fx := c.object("fix", fat, fv)
					c.object("text", fat+".description", fx["description"])
					changes := c.array(fat+".artifactChanges", fx["artifactChanges"])
					if len(changes) == 0 {
						c.errs = append(c.errs, fat+": artifactChanges needs at least one item")
					}
					for m, cv := range changes {
						cat := fmt.Sprintf("%s.artifactChanges[%d]", fat, m)
						ch := c.object("change", cat, cv)
						c.object("artifact", cat+".artifactLocation", ch["artifactLocation"])
						reps := c.array(cat+".replacements", ch["replacements"])
						if len(reps) == 0 {
							c.errs = append(c.errs, cat+": replacements needs at least one item")
						}
						for n, rv := range reps {
							rpat := fmt.Sprintf("%s.replacements[%d]", cat, n)
							rep := c.object("replace", rpat, rv)
							c.positive(rpat+".deletedRegion", c.object("region", rpat+".deletedRegion", rep["deletedRegion"]), "startLine", "startColumn", "endLine", "endColumn")
							c.object("content", rpat+".insertedContent", rep["insertedContent"])
						}
					}
				}
			}
			locations := c.array(rat+".locations", res["locations"])
			if rel, ok := res["relatedLocations"]; ok {
				locations = append(locations, c.array(rat+".relatedLocations", rel)...)
			}
			for k, lv := range locations {
				lat := fmt.Sprintf("%s.locations[%d]", rat, k)
				loc := c.object("location", lat, lv)
				phys := c.object("physical", lat+".physicalLocation", loc["physicalLocation"])
				art := c.object("artifact", lat+".artifactLocation", phys["artifactLocation"])
				if u, _ := art["uri"].(string); u == "" || strings.Contains(u, "\\") {
					c.errs = append(c.errs, lat+": bad uri")
				}
				region := c.object("region", lat+".region", phys["region"])
				c.positive(lat+".region", region, "startLine", "startColumn", "endLine", "endColumn")
			}
		}
	}
	if results < 30 || fixes < 5 {
		c.errs = append(c.errs, fmt.Sprintf("only %d results and %d fixes for the fixtures", results, fixes))
	}
	sort.Strings(c.errs)
	for _, e := range c.errs {
		t.Error(e)
	}
}

// TestFingerprintsSurviveLineShifts: blank lines above a finding change
// its range, not its fingerprint.
func TestFingerprintsSurviveLineShifts(t *testing.T) {
	fingerprints := func(text string) map[string]string {
		_, out, _ := runCLI(t, text, "lint", "--format", "json", "--stdin-filename", "pod.yaml", "-")
		var rep struct {
			Findings []struct {
				Rule, Fingerprint, Container string
				Range                        struct{ Start struct{ Line int } }
			}
		}
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, f := range rep.Findings {
			got[f.Rule+"/"+f.Container+fmt.Sprint("@", f.Range.Start.Line)] = f.Fingerprint
		}
		return got
	}
	before := fingerprints(privilegedPod)
	after := fingerprints("\n\n\n" + strings.Replace(privilegedPod, "spec:\n", "\nspec:\n\n", 1))
	if len(before) == 0 || len(before) != len(after) {
		t.Fatalf("findings differ: %v vs %v", before, after)
	}
	byFP := map[string]bool{}
	for _, fp := range after {
		byFP[fp] = true
	}
	for k, fp := range before {
		if !byFP[fp] {
			t.Errorf("%s: fingerprint %s changed after inserting blank lines", k, fp)
		}
	}
	for k := range before {
		if _, same := after[k]; same {
			t.Errorf("%s: the range did not move, so the test proves nothing", k)
		}
	}
}

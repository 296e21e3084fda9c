package report

import (
	"encoding/json"
	"sort"
	"strconv"

	"hardline.dev/hardline/internal/jsonenc"
)

// SARIF results are appended by hand: encoding/json's reflection was most
// of the time of writing a log of many results, and SARIF is what CI asks
// for. The bytes are encoding/json's (TestSARIFResultEncoding): the same
// field order, nulls for nil slices and maps, omitted empty fields, and
// strings escaped as it escapes them.

type jsonAppender interface {
	appendJSON(b []byte) []byte
}

func appendJSONInt(b []byte, key string, v int) []byte {
	return strconv.AppendInt(append(b, key...), int64(v), 10)
}

func (t sarifText) appendJSON(b []byte) []byte {
	b = jsonenc.AppendString(append(b, `{"text":`...), t.Text)
	if t.Markdown != "" {
		b = jsonenc.AppendString(append(b, `,"markdown":`...), t.Markdown)
	}
	return append(b, '}')
}

func (r sarifRegion) appendJSON(b []byte) []byte {
	b = appendJSONInt(b, `{"startLine":`, r.StartLine)
	b = appendJSONInt(b, `,"startColumn":`, r.StartColumn)
	b = appendJSONInt(b, `,"endLine":`, r.EndLine)
	return append(appendJSONInt(b, `,"endColumn":`, r.EndColumn), '}')
}

func (a sarifArtifact) appendJSON(b []byte) []byte {
	return append(jsonenc.AppendString(append(b, `{"uri":`...), a.URI), '}')
}

func (p sarifPhysical) appendJSON(b []byte) []byte {
	b = p.ArtifactLocation.appendJSON(append(b, `{"artifactLocation":`...))
	return append(p.Region.appendJSON(append(b, `,"region":`...)), '}')
}

// appendJSONList appends a list as encoding/json does: null when nil.
func appendJSONList[T jsonAppender](b []byte, list []T) []byte {
	if list == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, v := range list {
		if i > 0 {
			b = append(b, ',')
		}
		b = v.appendJSON(b)
	}
	return append(b, ']')
}

func (l sarifLocation) appendJSON(b []byte) []byte {
	return append(l.PhysicalLocation.appendJSON(append(b, `{"physicalLocation":`...)), '}')
}

func (r sarifReplacement) appendJSON(b []byte) []byte {
	b = r.DeletedRegion.appendJSON(append(b, `{"deletedRegion":`...))
	return append(r.InsertedContent.appendJSON(append(b, `,"insertedContent":`...)), '}')
}

func (e sarifArtifactEdit) appendJSON(b []byte) []byte {
	b = e.ArtifactLocation.appendJSON(append(b, `{"artifactLocation":`...))
	return append(appendJSONList(append(b, `,"replacements":`...), e.Replacements), '}')
}

func (f sarifFix) appendJSON(b []byte) []byte {
	b = f.Description.appendJSON(append(b, `{"description":`...))
	return append(appendJSONList(append(b, `,"artifactChanges":`...), f.ArtifactChanges), '}')
}

func (r sarifRelated) appendJSON(b []byte) []byte {
	b = appendJSONInt(b, `{"id":`, r.ID)
	b = r.PhysicalLocation.appendJSON(append(b, `,"physicalLocation":`...))
	return append(r.Message.appendJSON(append(b, `,"message":`...)), '}')
}

func (r *sarifResult) appendJSON(b []byte) []byte {
	b = jsonenc.AppendString(append(b, `{"ruleId":`...), r.RuleID)
	b = appendJSONInt(b, `,"ruleIndex":`, r.RuleIndex)
	b = jsonenc.AppendString(append(b, `,"level":`...), r.Level)
	b = r.Message.appendJSON(append(b, `,"message":`...))
	b = appendJSONList(append(b, `,"locations":`...), r.Locations)
	b = append(b, `,"partialFingerprints":`...)
	if r.PartialFingerprints == nil {
		b = append(b, "null"...)
	} else {
		keys := make([]string, 0, len(r.PartialFingerprints))
		for k := range r.PartialFingerprints {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b = append(b, '{')
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = jsonenc.AppendString(append(jsonenc.AppendString(b, k), ':'), r.PartialFingerprints[k])
		}
		b = append(b, '}')
	}
	if len(r.Fixes) > 0 {
		b = appendJSONList(append(b, `,"fixes":`...), r.Fixes)
	}
	if len(r.RelatedLocations) > 0 {
		b = appendJSONList(append(b, `,"relatedLocations":`...), r.RelatedLocations)
	}
	if r.Properties != nil {
		// Rendered findings only: not worth encoding by hand.
		props, err := json.Marshal(r.Properties)
		if err != nil {
			panic(err) // strings and string slices always encode
		}
		b = append(append(b, `,"properties":`...), props...)
	}
	return append(b, '}')
}

package lsp

import (
	"encoding/json"
	"strconv"

	protocol "github.com/tliron/glsp/protocol_3_16"

	"hardline.dev/hardline/internal/jsonenc"
)

// Diagnostics are published after every debounced edit, hundreds at a
// time: encoding/json's reflection (and a Marshaler call per code) was a
// quarter of the server's time per keystroke. They are appended by hand,
// byte for byte as encoding/json writes them (TestDiagnosticsEncoding);
// a diagnostic with data of another shape than diagData goes through
// encoding/json.

func appendPosition(b []byte, p protocol.Position) []byte {
	b = strconv.AppendUint(append(b, `{"line":`...), uint64(p.Line), 10)
	return append(strconv.AppendUint(append(b, `,"character":`...), uint64(p.Character), 10), '}')
}

func appendRange(b []byte, r protocol.Range) []byte {
	b = appendPosition(append(b, `{"start":`...), r.Start)
	return append(appendPosition(append(b, `,"end":`...), r.End), '}')
}

func appendDiagnostic(b []byte, d *protocol.Diagnostic) []byte {
	code, codeOK := "", d.Code == nil
	if d.Code != nil {
		code, codeOK = d.Code.Value.(string)
	}
	data, dataOK := d.Data.(diagData)
	if !codeOK || d.Data != nil && !dataOK {
		out, err := json.Marshal(d)
		if err != nil {
			panic(err) // the protocol's types always encode
		}
		return append(b, out...)
	}
	b = appendRange(append(b, `{"range":`...), d.Range)
	if d.Severity != nil {
		b = strconv.AppendInt(append(b, `,"severity":`...), int64(*d.Severity), 10)
	}
	if d.Code != nil {
		b = jsonenc.AppendString(append(b, `,"code":`...), code)
	}
	if d.CodeDescription != nil {
		b = append(jsonenc.AppendString(append(b, `,"codeDescription":{"href":`...), d.CodeDescription.HRef), '}')
	}
	if d.Source != nil {
		b = jsonenc.AppendString(append(b, `,"source":`...), *d.Source)
	}
	b = jsonenc.AppendString(append(b, `,"message":`...), d.Message)
	if len(d.Tags) > 0 {
		b = append(b, `,"tags":[`...)
		for i, t := range d.Tags {
			if i > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendInt(b, int64(t), 10)
		}
		b = append(b, ']')
	}
	if len(d.RelatedInformation) > 0 {
		b = append(b, `,"relatedInformation":[`...)
		for i, r := range d.RelatedInformation {
			if i > 0 {
				b = append(b, ',')
			}
			b = jsonenc.AppendString(append(b, `{"location":{"uri":`...), r.Location.URI)
			b = appendRange(append(b, `,"range":`...), r.Location.Range)
			b = append(jsonenc.AppendString(append(b, `},"message":`...), r.Message), '}')
		}
		b = append(b, ']')
	}
	if d.Data != nil {
		b = strconv.AppendInt(append(b, `,"data":{"version":`...), int64(data.Version), 10)
		b = jsonenc.AppendString(append(b, `,"id":`...), data.ID)
		b = append(jsonenc.AppendString(append(b, `,"rule":`...), data.Rule), '}')
	}
	return append(b, '}')
}

// appendPublishParams appends textDocument/publishDiagnostics' params.
func appendPublishParams(b []byte, p *protocol.PublishDiagnosticsParams) []byte {
	b = jsonenc.AppendString(append(b, `{"uri":`...), p.URI)
	if p.Version != nil {
		b = strconv.AppendUint(append(b, `,"version":`...), uint64(*p.Version), 10)
	}
	b = append(b, `,"diagnostics":`...)
	if p.Diagnostics == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range p.Diagnostics {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendDiagnostic(b, &p.Diagnostics[i])
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

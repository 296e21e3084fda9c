package report

import (
	"bufio"
	"bytes"
	"encoding/json"
)

// jsonStream writes a JSON document piece by piece — literal text, and
// values encoded as encoding/json would encode them inside the whole — so
// that a large report is encoded a finding at a time, not grown into one
// buffer the size of the report (and indented in a second one).
type jsonStream struct {
	w   *bufio.Writer
	buf bytes.Buffer
	enc *json.Encoder
	err error
}

func (s *jsonStream) raw(text string) {
	if s.err == nil {
		_, s.err = s.w.WriteString(text)
	}
}

// value writes v compact.
func (s *jsonStream) value(v any) { s.indented(v, "") }

// indented writes v indented by two spaces per level, its lines after the
// first starting with prefix (where v sits in the document); compact when
// prefix is "" and indent is off.
func (s *jsonStream) indented(v any, prefix string) {
	if s.err != nil {
		return
	}
	if s.enc == nil {
		s.enc = json.NewEncoder(&s.buf)
	}
	if prefix == "" {
		s.enc.SetIndent("", "")
	} else {
		s.enc.SetIndent(prefix, "  ")
	}
	s.buf.Reset()
	if s.err = s.enc.Encode(v); s.err == nil {
		_, s.err = s.w.Write(bytes.TrimSuffix(s.buf.Bytes(), []byte("\n")))
	}
}

func (s *jsonStream) flush() error {
	if s.err != nil {
		return s.err
	}
	return s.w.Flush()
}

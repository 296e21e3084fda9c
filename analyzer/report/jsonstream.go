package report

import (
	"bufio"
	"bytes"
	"encoding/json"

	"hardline.dev/hardline/analyzer"
)

// jsonStream writes a JSON document piece by piece — literal text, and
// values encoded as encoding/json would encode them inside the whole — so
// that a large report is encoded a finding at a time, not grown into one
// buffer the size of the report (and indented in a second one).
type jsonStream struct {
	w   *bufio.Writer
	buf bytes.Buffer
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
	s.buf.Reset()
	if s.err = encodeJSON(&s.buf, v, prefix); s.err == nil {
		_, s.err = s.w.Write(bytes.TrimSuffix(s.buf.Bytes(), []byte("\n")))
	}
}

// encodeJSON appends v to b as encoding/json writes it inside a document,
// its lines after the first starting with prefix (compact when "").
func encodeJSON(b *bytes.Buffer, v any, prefix string) error {
	enc := json.NewEncoder(b)
	if prefix != "" {
		enc.SetIndent(prefix, "  ")
	}
	return enc.Encode(v)
}

func (s *jsonStream) flush() error {
	if s.err != nil {
		return s.err
	}
	return s.w.Flush()
}

// listWindow is how many values list encodes at once: enough to keep every
// core busy, few enough that the encoded window stays small.
const listWindow = 256

// list writes n values as the elements of an array whose brackets the
// caller writes: each after a comma (but the first) and before, encoded
// with lines after the first starting with prefix ("" for compact). The
// values are built and encoded in parallel, a window at a time, and
// written in order: encoding is most of the time of writing a report,
// and item(i) must be safe to call concurrently.
func (s *jsonStream) list(n int, before, prefix string, item func(i int) any) {
	bufs := make([]bytes.Buffer, min(n, listWindow))
	errs := make([]error, len(bufs))
	for start := 0; start < n && s.err == nil; start += len(bufs) {
		m := min(len(bufs), n-start)
		analyzer.Parallel(m, func(i int) {
			b := &bufs[i]
			b.Reset()
			v := item(start + i)
			if a, ok := v.(jsonAppender); ok && prefix == "" {
				b.Write(a.appendJSON(b.AvailableBuffer()))
				errs[i] = nil
				return
			}
			errs[i] = encodeJSON(b, v, prefix)
		})
		for i := range m {
			if start+i > 0 {
				s.raw(",")
			}
			s.raw(before)
			if s.err == nil {
				s.err = errs[i]
			}
			if s.err == nil {
				_, s.err = s.w.Write(bytes.TrimSuffix(bufs[i].Bytes(), []byte("\n")))
			}
		}
	}
}

// Package jsonenc appends JSON by hand where encoding/json's reflection is
// most of a hot path's time (SARIF results, the language server's
// diagnostics), byte for byte as encoding/json writes it.
package jsonenc

import (
	"unicode/utf8"

	"hardline.dev/hardline/internal/ascii8"
)

const hexDigits = "0123456789abcdef"

// AppendString appends s quoted as encoding/json quotes it: HTML's
// <, > and & escaped, control characters escaped, invalid UTF-8 replaced
// by U+FFFD, U+2028 and U+2029 escaped.
func AppendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		// Most of a message, a path or a fix's text needs no escaping:
		// eight such bytes are passed at once.
		for i+8 <= len(s) && safe8(s[i:i+8]) {
			i += 8
		}
		if i == len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(append(b, s[start:i]...), `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(append(b, s[start:i]...), '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	return append(append(b, s[start:]...), '"')
}

// safe8 tells whether eight bytes are ASCII that JSON writes as they are:
// no control character, '"', '\\', '<', '>' or '&'.
func safe8(s string) bool {
	x, ok := ascii8.Word(s)
	return ok && ascii8.Control(x)|ascii8.Equal(x, '"')|ascii8.Equal(x, '\\')|ascii8.Equal(x, '<')|ascii8.Equal(x, '>')|ascii8.Equal(x, '&') == 0
}

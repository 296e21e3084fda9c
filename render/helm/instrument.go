package helm

import (
	"regexp"
	"strconv"
	"strings"
)

// Helm keeps no source map, so hardline renders each chart twice: as
// written, and with markers in the text of its manifest templates that
// say where each run of text and each action's output came from. The
// markers are private-use runes, which no YAML, JSON or quoting function
// changes. Only the templates' own top level is marked: the bodies of
// defines feed functions (trunc, eq, fromYaml) whose results markers
// would change, and their output is attributed to the action that
// includes them. Lines whose marked render, with the markers taken out,
// differs from the plain render are not trusted (see align).
const (
	textMark   = '\uE000' // then file.offset of the text in its template, then markEnd
	actionMark = '\uE001' // then file.index of the action, then markEnd
	actionEnd  = '\uE002'
	markEnd    = '\uE003'
)

// action is one {{ … }} of a template.
type action struct {
	start, end int // the span of the action, delimiters included
	// inner is the text between the delimiters, without trim markers.
	inner               string
	trimLeft, trimRight bool
	// values is the values path the action's output comes from, when
	// it reads one (.Values.a.b, or . inside `with .Values.a.b`).
	values []string
	// output: the action writes to the output (not a keyword, an
	// assignment or a comment).
	output bool
}

// scanActions finds the actions of a template. An unterminated action
// ends the scan: Helm reports that template's parse error.
func scanActions(src string) []action {
	var out []action
	for i := 0; ; {
		k := strings.Index(src[i:], "{{")
		if k < 0 {
			return out
		}
		a := action{start: i + k}
		p := a.start + 2
		if strings.HasPrefix(src[p:], "- ") || strings.HasPrefix(src[p:], "-\t") || strings.HasPrefix(src[p:], "-\n") || strings.HasPrefix(src[p:], "-\r") {
			a.trimLeft = true
			p++
		}
		innerStart := p
		end := closeAction(src, p)
		if end < 0 {
			return out
		}
		a.end = end + 2
		innerEnd := end
		if end-1 >= innerStart && src[end-1] == '-' && end-2 >= innerStart && isSpace(src[end-2]) {
			a.trimRight = true
			innerEnd = end - 1
		}
		a.inner = strings.TrimSpace(src[innerStart:innerEnd])
		out = append(out, a)
		i = a.end
	}
}

// closeAction returns the offset of the "}}" that closes the action whose
// body starts at p, skipping comments and quoted strings; -1 when none.
func closeAction(src string, p int) int {
	body := strings.TrimLeft(src[p:], " \t\r\n")
	if strings.HasPrefix(body, "/*") {
		c := strings.Index(src[p:], "*/")
		if c < 0 {
			return -1
		}
		e := strings.Index(src[p+c:], "}}")
		if e < 0 {
			return -1
		}
		return p + c + e
	}
	for i := p; i < len(src); i++ {
		switch src[i] {
		case '"', '\'':
			q := src[i]
			for i++; i < len(src) && src[i] != q; i++ {
				if src[i] == '\\' {
					i++
				}
			}
		case '`':
			e := strings.IndexByte(src[i+1:], '`')
			if e < 0 {
				return -1
			}
			i += e + 1
		case '}':
			if i+1 < len(src) && src[i+1] == '}' {
				return i
			}
		}
	}
	return -1
}

func isSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\r' || b == '\n' }

var (
	// valuesRef finds the first .Values path of a pipeline ($.Values too).
	valuesRef = regexp.MustCompile(`(?:^|[\s(|])(?:\$[A-Za-z0-9_]*)?\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)*)`)
	// dotRef finds a path relative to the dot (". ", ".a.b") as the
	// first argument of a pipeline's command.
	dotRef  = regexp.MustCompile(`(?:^|[\s(|])\.((?:[A-Za-z_][A-Za-z0-9_]*)?(?:\.[A-Za-z_][A-Za-z0-9_]*)*)(?:$|[\s)|])`)
	keyword = regexp.MustCompile(`^(if|else|end|range|with|define|block|break|continue)\b`)
	assign  = regexp.MustCompile(`^\$[A-Za-z0-9_]*\s*:?=`)
)

// frame is an open block of the template: what the dot is inside it.
type frame struct {
	kind string
	dot  []string // values path of the dot; nil when unknown
}

// instrument returns src, the template numbered file, with markers, and
// its actions with their values paths. The bodies of defines are left
// alone unless mark says a define's output only ever goes straight into
// the output (blockDefines).
func instrument(src string, file int, mark func(define string) bool) (string, []action) {
	actions := scanActions(src)
	var b strings.Builder
	b.Grow(len(src) + len(src)/4)
	stack := []frame{{kind: "top"}}
	unmarked := 0 // open define bodies that are not marked
	last := 0
	for i := range actions {
		a := &actions[i]
		if unmarked == 0 {
			markText(&b, src, file, last, a.start)
		} else {
			b.WriteString(src[last:a.start])
		}
		last = a.end
		cur := stack[len(stack)-1]
		word := keyword.FindString(a.inner)
		switch {
		case strings.HasPrefix(a.inner, "/*") || assign.MatchString(a.inner):
		case word == "define" || word == "block":
			f := frame{kind: word}
			if m := defineName.FindStringSubmatch(a.inner); word == "define" && m != nil && mark(m[1]) {
				f.kind = "marked define"
			} else {
				unmarked++
			}
			stack = append(stack, f)
		case word == "if" || word == "range" || word == "with":
			f := frame{kind: word, dot: cur.dot}
			switch word {
			case "range":
				f.dot = nil
			case "with":
				f.dot = pathOf(strings.TrimPrefix(a.inner, "with"), cur)
			}
			stack = append(stack, f)
		case word == "else":
			if len(stack) > 1 {
				outer := stack[len(stack)-2]
				f := &stack[len(stack)-1]
				rest := strings.TrimSpace(strings.TrimPrefix(a.inner, "else"))
				if strings.HasPrefix(rest, "with ") {
					f.dot = pathOf(strings.TrimPrefix(rest, "with "), outer)
				} else if f.kind == "with" || f.kind == "range" {
					f.dot = outer.dot
				}
			}
		case word == "end":
			if len(stack) > 1 {
				if k := stack[len(stack)-1].kind; k == "define" || k == "block" {
					unmarked--
				}
				stack = stack[:len(stack)-1]
			}
		case word == "break" || word == "continue":
		default:
			a.output = true
			a.values = pathOf(a.inner, cur)
		}
		if !a.output || unmarked > 0 {
			b.WriteString(src[a.start:a.end])
			continue
		}
		// {{- "mark" }}{{ inner }}{{ "end" -}}: the trims move to the
		// marker actions, which write nothing but markers.
		b.WriteString("{{")
		if a.trimLeft {
			b.WriteString("- ")
		}
		b.WriteString(` "` + string(actionMark) + strconv.Itoa(file) + "." + strconv.Itoa(i) + string(markEnd) + `" }}{{ `)
		b.WriteString(a.inner)
		b.WriteString(` }}{{ "` + string(actionEnd) + `" `)
		if a.trimRight {
			b.WriteString("-")
		}
		b.WriteString("}}")
	}
	if unmarked == 0 {
		markText(&b, src, file, last, len(src))
	} else {
		b.WriteString(src[last:])
	}
	return b.String(), actions
}

var (
	defineName = regexp.MustCompile(`^define\s+"([^"]+)"`)
	// includeUse finds the includes of a template and what follows them.
	includeUse = regexp.MustCompile(`\binclude\s+"([^"]+)"`)
	// blockUse is an action that writes an include as a block:
	// include "name" ARG | nindent N (or indent), nothing else.
	blockUse = regexp.MustCompile(`^include\s+"([^"]+)"\s+[^|()]+\|\s*n?indent\s+\d+$`)
)

// blockDefines returns the defines whose output goes straight into the
// output: every include of them, in any template, is a whole action
// `include "name" . | nindent N`. Their bodies can carry markers (a pod
// spec written in _helpers.tpl); the others feed functions (trunc, eq,
// fromYaml) that markers would change.
func blockDefines(templates []string) map[string]bool {
	block, inline := map[string]bool{}, map[string]bool{}
	for _, src := range templates {
		for _, a := range scanActions(src) {
			// Most actions neither include nor call a template: the
			// regular expressions, which cost more, only run on those that
			// name them.
			if strings.Contains(a.inner, "include") {
				uses := includeUse.FindAllStringSubmatch(a.inner, -1)
				if m := blockUse.FindStringSubmatch(a.inner); m != nil && len(uses) == 1 {
					block[m[1]] = true
					continue
				}
				for _, u := range uses {
					inline[u[1]] = true
				}
			}
			// A define that templates call by name writes to the output
			// directly, but the same name may be included elsewhere.
			if strings.HasPrefix(a.inner, "template") {
				if m := templateUse.FindStringSubmatch(a.inner); m != nil {
					inline[m[1]] = true
				}
			}
		}
	}
	for name := range inline {
		delete(block, name)
	}
	return block
}

var templateUse = regexp.MustCompile(`^template\s+"([^"]+)"`)

// markText writes src[from:to], a run of template text, with a text mark
// before the first non-blank character of each of its lines. Marks stand only before
// non-blank characters, so trim markers ({{- and -}}) remove exactly
// the blanks they removed before.
func markText(b *strings.Builder, src string, file, from, to int) {
	at := from
	mark := func(p int) {
		b.WriteString(src[at:p])
		b.WriteRune(textMark)
		b.WriteString(strconv.Itoa(file) + "." + strconv.Itoa(p))
		b.WriteRune(markEnd)
		at = p
	}
	lineStart := true
	for p := from; p < to; p++ {
		c := src[p]
		switch {
		case c == '\n':
			lineStart = true
		case c == ' ' || c == '\t' || c == '\r':
		default:
			if lineStart {
				mark(p)
				lineStart = false
			}
		}
	}
	b.WriteString(src[at:to])
}

// pathOf returns the values path a pipeline reads first: .Values.a.b, or
// a path relative to the dot where the dot is a values path.
func pathOf(pipeline string, cur frame) []string {
	if !strings.Contains(pipeline, ".") {
		return nil // neither .Values nor a path from the dot
	}
	if m := valuesRef.FindStringSubmatch(pipeline); m != nil {
		return splitPath(m[1])
	}
	if cur.dot == nil {
		return nil
	}
	// An include's output is the define's, not the dot's.
	if p := strings.TrimSpace(pipeline); strings.HasPrefix(p, "include ") || strings.HasPrefix(p, "template ") || strings.HasPrefix(p, "tpl ") {
		return nil
	}
	if m := dotRef.FindStringSubmatch(pipeline); m != nil {
		return append(append([]string(nil), cur.dot...), splitPath(m[1])...)
	}
	return nil
}

func splitPath(p string) []string {
	out := []string{}
	for _, s := range strings.Split(p, ".") {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

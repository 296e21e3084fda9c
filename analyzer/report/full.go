package report

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/fixes"
)

// Style is how the terminal formats look: with ANSI colours or without.
type Style struct {
	Color bool
}

// ANSI escapes; paint leaves text alone without colour.
const (
	reset  = "\x1b[0m"
	bold   = "\x1b[1m"
	red    = "\x1b[1;31m"
	yellow = "\x1b[1;33m"
	cyan   = "\x1b[1;36m"
	blue   = "\x1b[34m"
	green  = "\x1b[32m"
	dim    = "\x1b[2m"
)

func (s Style) paint(code, text string) string {
	if !s.Color || text == "" {
		return text
	}
	return code + text + reset
}

func (s Style) severity(sev analyzer.Severity) string { return s.paint(colorOf(sev), sev.String()) }

// TextStyled is the text format, one line per finding, with colour when
// the style asks for it (a terminal); piped, it is Text's exact output.
func TextStyled(w io.Writer, results []analyzer.FileResult, st Style) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	// Appended piece by piece: a report of many findings spent most of
	// its time in Fprintf.
	var line []byte
	for _, r := range results {
		path := st.paint(bold, r.Path)
		for _, f := range r.Findings {
			line = append(line[:0], path...)
			line = append(strconv.AppendInt(append(line, ':'), int64(f.Range.Start.Line), 10), ':')
			line = append(strconv.AppendInt(line, int64(f.Range.Start.Column), 10), ": "...)
			line = append(append(line, st.severity(f.Severity)...), ' ')
			line = append(append(line, st.paint(bold, f.Rule.Code)...), ' ')
			line = append(append(line, f.Rule.Name...), ": "...)
			line = append(append(append(line, f.Message...), sourceNote(f.Source)...), '\n')
			bw.Write(line)
		}
	}
	return bw.Flush()
}

// sourceNote says where a rendered object came from: the file its input
// named, or the chart or kustomization hardline rendered and which
// renders reported the finding.
func sourceNote(s *analyzer.Source) string {
	switch {
	case s == nil:
		return ""
	case s.Chart != "":
		note := " (chart " + s.Chart
		if s.Path != "" {
			note += ": " + s.Path
		}
		switch {
		case len(s.Renders) > 1 && len(s.Renders) == s.Of:
			return note + fmt.Sprintf("; all %d renders)", s.Of)
		case len(s.Renders) > 1:
			return note + "; renders " + strings.Join(s.Renders, ", ") + ")"
		case len(s.Values) > 0:
			return note + "; values " + strings.Join(s.Values, ", ") + ")"
		}
		return note + ")"
	case s.Kustomization != "":
		if len(s.Renders) > 1 {
			return " (kustomizations " + strings.Join(s.Renders, ", ") + ")"
		}
		return " (kustomization " + s.Kustomization + ")"
	}
	return " (source: " + s.Path + ")"
}

// Full writes each finding with the source lines it points at, the range
// underlined, and its fix, like ruff or rustc. Findings that start and end
// at the same place (a container's name, where every "missing" finding of
// the container points) share one frame. Files come in order, findings in
// position order within them.
func Full(w io.Writer, results []analyzer.FileResult, st Style) error {
	bw := bufio.NewWriter(w)
	for _, r := range results {
		fs := r.Findings
		for i := 0; i < len(fs); {
			j := i + 1
			for j < len(fs) && fs[j].Range == fs[i].Range {
				j++
			}
			frame(bw, r, fs[i:j], st)
			i = j
		}
	}
	return bw.Flush()
}

// maxFrameLines bounds the source lines a frame shows.
const maxFrameLines = 4

func frame(w *bufio.Writer, r analyzer.FileResult, group []analyzer.Finding, st Style) {
	rng := group[0].Range
	fmt.Fprintf(w, "%s:%d:%d\n", st.paint(bold, r.Path), rng.Start.Line, rng.Start.Column)
	if r.Lines != nil && rng.Start.Line >= 1 && rng.Start.Line <= r.Lines.Count() {
		last := min(rng.End.Line, r.Lines.Count(), rng.Start.Line+maxFrameLines-1)
		if rng.End.Line > rng.Start.Line && rng.End.Column == 1 {
			last = min(last, rng.End.Line-1) // a range ending at a line's start does not show that line
		}
		last = max(last, rng.Start.Line)
		width := len(fmt.Sprint(last))
		gutter := st.paint(blue, strings.Repeat(" ", width)+" |")
		fmt.Fprintln(w, gutter)
		for n := rng.Start.Line; n <= last; n++ {
			text := strings.TrimRight(string(r.Lines.Text(n)), "\r")
			fmt.Fprintf(w, "%s %s\n", st.paint(blue, fmt.Sprintf("%*d |", width, n)), expandTabs(text))
			from, to := 1, utf8.RuneCountInString(text)+1
			if n == rng.Start.Line {
				from = rng.Start.Column
			}
			if n == rng.End.Line {
				to = rng.End.Column
			}
			if n != rng.Start.Line {
				// Continuation lines are underlined from their first
				// character, not their indentation.
				from = max(from, 1+utf8.RuneCountInString(text)-utf8.RuneCountInString(strings.TrimLeft(text, " \t")))
			}
			if to <= from {
				to = from + 1
			}
			pad := displayWidth(text, from-1)
			carets := max(displayWidth(text, to-1)-pad, 1)
			fmt.Fprintf(w, "%s %s%s\n", gutter, strings.Repeat(" ", pad), st.paint(worst(group), strings.Repeat("^", carets)))
		}
		if last < rng.End.Line && !(rng.End.Line == last+1 && rng.End.Column == 1) {
			fmt.Fprintf(w, "%s %s\n", gutter, st.paint(dim, "…"))
		}
	}
	for _, f := range group {
		fmt.Fprintf(w, "  %s %s %s: %s%s\n", st.severity(f.Severity), st.paint(bold, f.Rule.Code), f.Rule.Name, f.Message, sourceNote(f.Source))
		if h := f.Hint; h != nil {
			fmt.Fprintf(w, "    %s\n", st.paint(green, hintText(h)))
		}
		for _, r := range f.Related {
			fmt.Fprintf(w, "    %s %s:%d:%d: %s\n", st.paint(dim, "related"), r.Path, r.Range.Start.Line, r.Range.Start.Column, r.Message)
		}
	}
	fmt.Fprintln(w)
}

// hintText says what fixing a finding takes.
func hintText(h *analyzer.FixHint) string {
	switch {
	case h.Explanation:
		return h.Title
	case h.Safety == fixes.Safe:
		return "fix available: " + h.Title
	case h.Safety == fixes.Unsafe:
		return "unsafe fix available: " + h.Title
	}
	return "manual fix (fill in the placeholders): " + h.Title
}

// worst is the colour of a group's most severe finding.
func worst(group []analyzer.Finding) string {
	sev := analyzer.Info
	for _, f := range group {
		sev = max(sev, f.Severity)
	}
	return colorOf(sev)
}

// tabWidth is how wide a tab is shown in frames.
const tabWidth = 4

func expandTabs(s string) string { return strings.ReplaceAll(s, "\t", strings.Repeat(" ", tabWidth)) }

// displayWidth is the width of the first n code points of s, tabs
// expanded.
func displayWidth(s string, n int) int {
	w := 0
	for _, r := range s {
		if n <= 0 {
			break
		}
		if r == '\t' {
			w += tabWidth
		} else {
			w++
		}
		n--
	}
	return w + max(n, 0)
}

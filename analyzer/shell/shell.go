// Package shell turns shell text (a Dockerfile RUN) into the simple
// commands it runs, with their words' byte spans, so rules can ask "is
// there an `apt-get install` without this flag" wherever the command sits:
// after `&&`, inside `if`, in a pipeline, in `$(…)` or in `sh -c '…'`.
// Parsing is mvdan.cc/sh's; this package only flattens its tree.
package shell

import (
	"path"
	"strings"
	"sync"

	"mvdan.cc/sh/v3/syntax"
)

// Word is one word of a command.
type Word struct {
	// Value is the word with quotes removed; Literal is false when it has
	// expansions ($VAR, $(…), globs are literal), and Value is then only
	// its literal parts.
	Value   string
	Literal bool
	// Start and End are byte offsets in the text the caller parsed, plus
	// its base.
	Start, End int
}

// Assign is a NAME=value of a command prefix or of export/declare.
type Assign struct {
	Name  string
	Value Word
	// Start and End span the whole assignment.
	Start, End int
}

// Command is one simple command.
type Command struct {
	// Name is the base name of the first word ("apt-get" for
	// /usr/bin/apt-get), or "" when it is not literal. For export and
	// declare it is that keyword.
	Name    string
	Args    []Word // Args[0] is the command itself
	Assigns []Assign
	// Pipeline numbers the pipeline the command is an element of (1, 2,
	// …; 0: none) and PipeIndex its position there.
	Pipeline, PipeIndex int
	// In is the index of the command that runs this one: the command
	// whose word holds the $(…) or <(…) it is in, or the shell whose -c
	// script it is; -1 for a top-level command.
	In int
	// Start and End span the command.
	Start, End int
}

// Flag tells whether the command has the long flag ("--no-cache") or a
// short one ("-k", also inside a group such as "-fsSk"); words after "--"
// are not flags.
func (c *Command) Flag(names ...string) bool { return c.FlagWord(names...) != nil }

// FlagWord is the word that holds the first of the flags, or nil.
func (c *Command) FlagWord(names ...string) *Word {
	for i := 1; i < len(c.Args); i++ {
		v := c.Args[i].Value
		if v == "--" {
			return nil
		}
		for _, n := range names {
			switch {
			case strings.HasPrefix(n, "--"):
				if v == n || strings.HasPrefix(v, n+"=") {
					return &c.Args[i]
				}
			case len(n) == 2 && n[0] == '-':
				if len(v) >= 2 && v[0] == '-' && v[1] != '-' && strings.IndexByte(v[1:], n[1]) >= 0 {
					return &c.Args[i]
				}
			}
		}
	}
	return nil
}

// Operands are the words after the command that are not flags (they do
// not start with "-"); valued lists the flags that take the next word as
// their value ("-t", "--target-release"), which is then skipped too.
func (c *Command) Operands(valued ...string) []Word {
	var out []Word
	for i := 1; i < len(c.Args); i++ {
		v := c.Args[i].Value
		if strings.HasPrefix(v, "-") && len(v) > 1 {
			for _, f := range valued {
				if v == f {
					i++
					break
				}
			}
			continue
		}
		out = append(out, c.Args[i])
	}
	return out
}

// Sub is the subcommand: the first operand ("install" of "apt-get -y
// install x"), or "".
func (c *Command) Sub(valued ...string) string {
	if ops := c.Operands(valued...); len(ops) > 0 {
		return ops[0].Value
	}
	return ""
}

// Script is the commands of a shell text, in text order.
type Script struct {
	Commands  []Command
	pipelines int // pipelines numbered so far
}

// Shells are the POSIX-like shells whose -c script is parsed too.
var Shells = map[string]bool{"sh": true, "bash": true, "dash": true, "ash": true, "zsh": true, "ksh": true, "mksh": true}

// Parse parses src as bash; positions are base plus the offset in src.
func Parse(src string, base int) (*Script, error) {
	s := &Script{}
	if err := s.parse(src, base, -1, nil); err != nil {
		return nil, err
	}
	return s, nil
}

// FromWords is the script of one command given as words (a Dockerfile's
// exec form, ["sh", "-c", "…"]).
func FromWords(words []Word) *Script {
	s := &Script{}
	if len(words) == 0 {
		return s
	}
	s.Commands = append(s.Commands, Command{Name: baseName(words[0]), Args: words, In: -1, Start: words[0].Start, End: words[len(words)-1].End})
	s.nested(0, nil)
	return s
}

// parsers are reused: a parser's buffers cost more than most RUNs' text,
// and a Dockerfile can have thousands of RUNs. Parse resets a parser.
var parsers = sync.Pool{New: func() any { return syntax.NewParser(syntax.Variant(syntax.LangBash)) }}

// parse adds the commands of src; in is the command that runs them, and
// clamp, when set, is the span every position is reported as (a script
// whose text is not where its offsets say, such as a quoted -c argument
// with escapes).
func (s *Script) parse(src string, base, in int, clamp *Word) error {
	p := parsers.Get().(*syntax.Parser)
	f, err := p.Parse(strings.NewReader(src), "")
	parsers.Put(p)
	if err != nil {
		return err
	}
	first := len(s.Commands)
	w := walker{s: s, src: src, base: base, in: in, clamp: clamp, pipes: map[*syntax.CallExpr][2]int{}, inner: map[*syntax.CallExpr]int{}, seen: map[*syntax.BinaryCmd]bool{}}
	syntax.Walk(f, w.visit)
	if clamp != nil {
		for i := first; i < len(s.Commands); i++ {
			c := &s.Commands[i]
			c.Start, c.End = clamp.Start, clamp.End
			for j := range c.Args {
				c.Args[j].Start, c.Args[j].End = clamp.Start, clamp.End
			}
			for j := range c.Assigns {
				a := &c.Assigns[j]
				a.Start, a.End, a.Value.Start, a.Value.End = clamp.Start, clamp.End, clamp.Start, clamp.End
			}
		}
	}
	return nil
}

type walker struct {
	s     *Script
	src   string
	base  int
	in    int
	clamp *Word
	pipes map[*syntax.CallExpr][2]int // pipeline and index
	inner map[*syntax.CallExpr]int    // the command whose word holds it
	seen  map[*syntax.BinaryCmd]bool  // pipes already flattened
}

func (w *walker) visit(n syntax.Node) bool {
	switch n := n.(type) {
	case *syntax.BinaryCmd:
		if (n.Op == syntax.Pipe || n.Op == syntax.PipeAll) && !w.seen[n] {
			w.pipeline(n)
		}
	case *syntax.Stmt:
		// A bare here-document (`RUN <<EOF`) is a script of its own.
		if n.Cmd == nil {
			for _, r := range n.Redirs {
				if (r.Op == syntax.Hdoc || r.Op == syntax.DashHdoc) && r.Hdoc != nil && r.Word != nil {
					w.heredoc(r.Hdoc, w.word(r.Word).Value)
				}
			}
		}
	case *syntax.CallExpr:
		w.call(n)
	case *syntax.DeclClause:
		c := Command{Name: n.Variant.Value, In: w.in, Start: w.pos(n.Pos()), End: w.pos(n.End())}
		for _, a := range n.Args {
			c.Assigns = append(c.Assigns, w.assign(a))
		}
		w.add(c, nil)
	}
	return true
}

// pipeline numbers the simple commands that are elements of the pipe.
func (w *walker) pipeline(n *syntax.BinaryCmd) {
	var stmts []*syntax.Stmt
	var flatten func(st *syntax.Stmt)
	flatten = func(st *syntax.Stmt) {
		if b, ok := st.Cmd.(*syntax.BinaryCmd); ok && (b.Op == syntax.Pipe || b.Op == syntax.PipeAll) {
			w.seen[b] = true
			flatten(b.X)
			flatten(b.Y)
			return
		}
		stmts = append(stmts, st)
	}
	w.seen[n] = true
	flatten(n.X)
	flatten(n.Y)
	w.s.pipelines++
	id := w.s.pipelines
	for i, st := range stmts {
		if call, ok := st.Cmd.(*syntax.CallExpr); ok {
			w.pipes[call] = [2]int{id, i}
		}
	}
}

func (w *walker) call(n *syntax.CallExpr) {
	c := Command{In: w.in, Start: w.pos(n.Pos()), End: w.pos(n.End())}
	if in, ok := w.inner[n]; ok {
		c.In = in
	}
	if p, ok := w.pipes[n]; ok {
		c.Pipeline, c.PipeIndex = p[0], p[1]
	}
	for _, a := range n.Assigns {
		c.Assigns = append(c.Assigns, w.assign(a))
	}
	for _, a := range n.Args {
		c.Args = append(c.Args, w.word(a))
	}
	if len(c.Args) > 0 {
		c.Name = baseName(c.Args[0])
	}
	w.add(c, n)
}

// add appends c; commands inside its words' substitutions are marked as
// run by it, and a shell's -c script is parsed as its own.
func (w *walker) add(c Command, n *syntax.CallExpr) {
	i := len(w.s.Commands)
	w.s.Commands = append(w.s.Commands, c)
	if n != nil {
		for _, a := range n.Args {
			syntax.Walk(a, func(m syntax.Node) bool {
				if call, ok := m.(*syntax.CallExpr); ok {
					if _, marked := w.inner[call]; !marked {
						w.inner[call] = i
					}
				}
				return true
			})
		}
	}
	w.s.nested(i, w.clamp)
}

// nested parses the -c script of command i when it is a shell.
func (s *Script) nested(i int, clamp *Word) {
	c := s.Commands[i]
	if !Shells[c.Name] {
		return
	}
	for j := 1; j < len(c.Args); j++ {
		v := c.Args[j].Value
		if !strings.HasPrefix(v, "-") || strings.HasPrefix(v, "--") || !strings.Contains(v, "c") {
			continue
		}
		// The script is the first operand after the flags.
		for k := j + 1; k < len(c.Args); k++ {
			script := c.Args[k]
			if strings.HasPrefix(script.Value, "-") {
				continue
			}
			if !script.Literal {
				return
			}
			at, inner := script.Start, clamp
			if inner == nil {
				// The script's text is where the word is, one quote in,
				// unless escapes or quoting changed its length.
				if script.End-script.Start == len(script.Value) {
					at = script.Start
				} else if script.End-script.Start == len(script.Value)+2 {
					at = script.Start + 1
				} else {
					inner = &c.Args[k]
				}
			}
			_ = s.parse(script.Value, at, i, inner) // a broken -c script is the shell's problem at run time
			return
		}
		return
	}
}

// heredoc parses a here-document's body as a script, unless a shebang
// names another interpreter.
func (w *walker) heredoc(body *syntax.Word, delim string) {
	start, end := int(body.Pos().Offset()), int(body.End().Offset())
	if start < 0 || end > len(w.src) || start >= end {
		return
	}
	text := w.src[start:end]
	// The body's span may reach over its closing delimiter line.
	trimmed := strings.TrimRight(text, "\n")
	if i := strings.LastIndexByte(trimmed, '\n'); strings.TrimLeft(trimmed[i+1:], "\t") == delim {
		text = trimmed[:i+1]
	}
	if strings.HasPrefix(text, "#!") {
		line, _, _ := strings.Cut(text, "\n")
		fields := strings.Fields(line[2:])
		if len(fields) == 0 {
			return
		}
		interp := path.Base(fields[0])
		if interp == "env" && len(fields) > 1 {
			interp = fields[1]
		}
		if !Shells[interp] {
			return
		}
	}
	_ = w.s.parse(text, w.base+start, w.in, w.clamp) // as a broken -c script: nothing to report here
}

func (w *walker) assign(a *syntax.Assign) Assign {
	out := Assign{Start: w.pos(a.Pos()), End: w.pos(a.End())}
	if a.Name != nil {
		out.Name = a.Name.Value
	}
	if a.Value != nil {
		out.Value = w.word(a.Value)
	} else {
		out.Value = Word{Literal: true, Start: out.End, End: out.End}
	}
	return out
}

func (w *walker) word(x *syntax.Word) Word {
	out := Word{Literal: true, Start: w.pos(x.Pos()), End: w.pos(x.End())}
	var b strings.Builder
	var parts func(ps []syntax.WordPart)
	parts = func(ps []syntax.WordPart) {
		for _, p := range ps {
			switch p := p.(type) {
			case *syntax.Lit:
				b.WriteString(unescape(p.Value))
			case *syntax.SglQuoted:
				b.WriteString(p.Value)
			case *syntax.DblQuoted:
				parts(p.Parts)
			default:
				out.Literal = false
			}
		}
	}
	parts(x.Parts)
	out.Value = b.String()
	return out
}

// unescape drops the backslashes of an unquoted literal ("\$" is "$").
func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func (w *walker) pos(p syntax.Pos) int { return w.base + int(p.Offset()) }

func baseName(w Word) string {
	if !w.Literal {
		return ""
	}
	return path.Base(w.Value)
}

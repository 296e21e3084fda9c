package analyzer

import (
	"bytes"
	"errors"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

// DockerfileAST is a parsed Dockerfile: its instructions in order, grouped
// into build stages.
type DockerfileAST struct {
	Escape       rune
	Instructions []*Instruction
	// GlobalArgs are the ARG instructions before the first FROM.
	GlobalArgs []*Instruction
	Stages     []*Stage
	// BuildChecks are the warnings of BuildKit's own checks that parsing
	// runs (the linter hook of its instructions package, and the parser's
	// warnings), minus those a `# check=skip=…` directive turns off.
	BuildChecks []BuildCheck
}

// BuildCheck is one BuildKit check warning.
type BuildCheck struct {
	Rule, Message string
	Line          int
}

// Instruction is one Dockerfile instruction with its typed form.
type Instruction struct {
	// Keyword is the instruction's name in lower case ("from", "run", …).
	Keyword string
	Node    *parser.Node
	// Command is the typed instruction from buildkit's instructions
	// package (*instructions.Stage for FROM); nil if it did not parse.
	Command any
	// StartLine and EndLine are 1-based, continuation lines included.
	StartLine, EndLine int
	// Start and End span the first line from the keyword to the line's end.
	Start, End int
}

// Stage is a FROM and the instructions up to the next FROM.
type Stage struct {
	Index int
	// From is the stage's FROM; nil for the implicit stage of
	// instructions before any FROM (a fragment, which BuildKit refuses):
	// they are analyzed as if a stage began there.
	From         *Instruction
	Name         string // the AS name, lower case; "" if none
	BaseName     string // the image or stage reference as written
	Instructions []*Instruction
}

func parseDockerfile(d *Document) {
	res, err := parser.Parse(bytes.NewReader(d.Text))
	if err != nil {
		line := 1
		var le *parser.LocationError
		if errors.As(err, &le) && len(le.Locations) > 0 && len(le.Locations[0]) > 0 {
			line = max(le.Locations[0][0].Start.Line, 1)
		}
		start, end := d.LineSpan(line)
		d.problem(SyntaxProblem, start, end, "Dockerfile: "+cleanErr(err))
		// Analyze what comes before the broken instruction.
		if line > 1 {
			res, err = parser.Parse(bytes.NewReader(d.Text[:d.Lines.Start(line)]))
		}
		if err != nil || res == nil {
			return
		}
	}
	ast := &DockerfileAST{Escape: res.EscapeToken}
	lint := buildLinter(d.Text, ast)
	for _, w := range res.Warnings {
		// The parser's only warning is the empty continuation line.
		if w.Location != nil && !skipped(lint, linter.RuleNoEmptyContinuation.Name) {
			ast.BuildChecks = append(ast.BuildChecks, BuildCheck{Rule: linter.RuleNoEmptyContinuation.Name, Message: w.Short, Line: w.Location.Start.Line})
		}
	}
	var stage *Stage
	sawFrom := false
	for _, n := range res.AST.Children {
		in := &Instruction{Keyword: strings.ToLower(n.Value), Node: n, StartLine: n.StartLine, EndLine: n.EndLine}
		in.Start, in.End = d.LineSpan(n.StartLine)
		cmd, err := instructions.ParseInstructionWithLinter(n, lint)
		if err != nil {
			d.problem(SyntaxProblem, in.Start, in.End, "Dockerfile: "+cleanErr(err))
		} else {
			in.Command = cmd
		}
		ast.Instructions = append(ast.Instructions, in)
		if in.Keyword == "from" {
			sawFrom = true
			stage = &Stage{Index: len(ast.Stages), From: in}
			if s, ok := cmd.(*instructions.Stage); ok {
				stage.Name, stage.BaseName = strings.ToLower(s.Name), s.BaseName
			} else if n.Next != nil {
				stage.BaseName = n.Next.Value
			}
			ast.Stages = append(ast.Stages, stage)
			continue
		}
		if stage == nil && in.Keyword == "arg" {
			ast.GlobalArgs = append(ast.GlobalArgs, in)
			continue
		}
		if stage == nil {
			// Only ARG may come before the first FROM. Rather than
			// check nothing, analyze what follows as a stage.
			stage = &Stage{Index: len(ast.Stages)}
			ast.Stages = append(ast.Stages, stage)
			d.problem(SyntaxProblem, in.Start, in.End, "Dockerfile: "+strings.ToUpper(in.Keyword)+
				" before the first FROM: BuildKit refuses it (no build stage in current context); analyzed as if a stage began here")
		}
		stage.Instructions = append(stage.Instructions, in)
	}
	if !sawFrom && len(ast.Stages) == 0 {
		start, end := d.LineSpan(1)
		d.problem(SyntaxProblem, start, end, "Dockerfile: no FROM instruction: BuildKit refuses a Dockerfile without a build stage")
	}
	d.Dockerfile = ast
}

// Fragment tells whether the Dockerfile has no FROM at all: rules about
// the final stage (what the image runs as, its health check) do not apply.
func (ast *DockerfileAST) Fragment() bool {
	return len(ast.Stages) == 0 || ast.Stages[len(ast.Stages)-1].From == nil
}

// buildLinter collects BuildKit's check warnings into ast, configured by
// the file's `# check=` directive as docker build --check would be.
func buildLinter(text []byte, ast *DockerfileAST) *linter.Linter {
	cfg := &linter.Config{}
	if opts, _, _, ok := parser.ParseDirective("check", text); ok {
		if c, err := linter.ParseLintOptions(opts); err == nil {
			cfg = c
		}
	}
	cfg.Warn = func(rule, _, _, msg string, loc []parser.Range) {
		line := 0
		if len(loc) > 0 {
			line = loc[0].Start.Line
		}
		ast.BuildChecks = append(ast.BuildChecks, BuildCheck{Rule: rule, Message: msg, Line: line})
	}
	return linter.New(cfg)
}

func skipped(l *linter.Linter, rule string) bool {
	_, skip := l.SkippedRules[rule]
	return l.SkipAll || skip
}

// StageSpan is a stage's span: from its FROM to the end of its last
// instruction.
func (d *Document) StageSpan(s *Stage) (int, int) {
	first, last := s.From, s.From
	if n := len(s.Instructions); n > 0 {
		last = s.Instructions[n-1]
		if first == nil {
			first = s.Instructions[0]
		}
	}
	return first.Start, d.Lines.End(last.EndLine)
}

// cleanErr drops the stack and location decorations buildkit adds.
func cleanErr(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, "\n"); i >= 0 {
		msg = msg[:i]
	}
	return msg
}

// WordSpan finds the first whole occurrence of word in the instruction's
// text after its keyword, for rules about one word. ok is false when the
// word is not literally there (e.g. it came from a variable).
func (d *Document) WordSpan(in *Instruction, word string) (start, end int, ok bool) {
	from := in.Start + len(in.Keyword)
	to := d.Lines.End(in.EndLine)
	if word == "" || from > to {
		return 0, 0, false
	}
	seg := d.Text[from:to]
	for i := 0; ; {
		j := bytes.Index(seg[i:], []byte(word))
		if j < 0 {
			return 0, 0, false
		}
		s, e := i+j, i+j+len(word)
		before := s == 0 || isWordSep(seg[s-1])
		after := e == len(seg) || isWordSep(seg[e])
		if before && after {
			return from + s, from + e, true
		}
		i = s + 1
	}
}

func isWordSep(b byte) bool {
	switch b {
	case ' ', '\t', '\r', '\n', '=', '"', '\'', ';', '&', '|', '(', ')', '[', ']', ',':
		return true
	}
	return false
}

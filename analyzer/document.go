package analyzer

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"unicode/utf8"

	"hardline.dev/hardline/analyzer/yamlfast"
	"hardline.dev/hardline/fixes"
)

// Language is what a document is analyzed as.
type Language string

const (
	Kubernetes Language = "kubernetes"
	Dockerfile Language = "dockerfile"
	Unknown    Language = "unknown"
)

// LanguageOf tells by a file's name what it holds: Dockerfiles by the names
// Docker and Podman use, Kubernetes manifests by the YAML and JSON endings.
func LanguageOf(path string) Language {
	base := filepath.Base(path)
	lower := strings.ToLower(base)
	switch {
	case base == "Dockerfile", base == "Containerfile",
		strings.HasPrefix(base, "Dockerfile."), strings.HasPrefix(base, "Dockerfile-"),
		strings.HasPrefix(base, "Containerfile."),
		strings.HasSuffix(lower, ".dockerfile"), strings.HasSuffix(lower, ".containerfile"):
		return Dockerfile
	case strings.HasSuffix(lower, ".yaml"), strings.HasSuffix(lower, ".yml"), strings.HasSuffix(lower, ".json"):
		return Kubernetes
	}
	return Unknown
}

// dockerfileKeywords are the instructions a Dockerfile's first line can
// start with.
var dockerfileKeywords = map[string]bool{"from": true, "arg": true, "run": true, "cmd": true, "label": true, "maintainer": true,
	"expose": true, "env": true, "add": true, "copy": true, "entrypoint": true, "volume": true, "user": true, "workdir": true,
	"onbuild": true, "stopsignal": true, "healthcheck": true, "shell": true}

// Sniff tells a Dockerfile from YAML or JSON by content, for input that
// has no name (stdin): a Dockerfile's first line that is not blank or a
// comment starts with an instruction and a space.
func Sniff(text []byte) Language {
	for len(text) > 0 {
		line := text
		if i := bytes.IndexByte(text, '\n'); i >= 0 {
			line, text = text[:i], text[i+1:]
		} else {
			text = nil
		}
		line = bytes.TrimLeft(line, " \t\r\ufeff")
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		word, _, found := bytes.Cut(line, []byte(" "))
		if !found {
			word, _, found = bytes.Cut(line, []byte("\t"))
		}
		if found && dockerfileKeywords[strings.ToLower(string(word))] {
			return Dockerfile
		}
		return Kubernetes
	}
	return Kubernetes
}

// ProblemKind separates what the parsers found wrong with a file.
type ProblemKind int

const (
	// SyntaxProblem: the text does not parse (rule HL001 reports it).
	SyntaxProblem ProblemKind = iota
	// SkippedProblem: the file is deliberately not analyzed (HL003).
	SkippedProblem
	// LimitProblem: part of the file exceeds an input limit (an alias
	// bomb, nesting too deep) and is not analyzed (HL004).
	LimitProblem
	// RenderProblem: a chart or kustomization does not render (HL008).
	RenderProblem
)

// Problem is something the parser, not a rule, found; rules turn problems
// into findings so that the framework knows no rule codes.
type Problem struct {
	Kind       ProblemKind
	Start, End int // byte span
	Message    string
}

// Document is one parsed file or editor buffer. It is immutable once
// parsed, so rules may read it concurrently.
type Document struct {
	Path     string
	Language Language
	// Text is never modified after Parse: the YAML trees' strings share
	// its memory. What outlives the document (findings, set facts) must
	// not (Clone): one such string would keep the whole text alive.
	Text  []byte
	Lines *Lines

	// Objects are the Kubernetes objects of a YAML or JSON stream, one per
	// document and one per item of a List, in text order.
	Objects []*Object
	// Dockerfile is the parsed Dockerfile; nil for other languages or when
	// nothing could be parsed.
	Dockerfile *DockerfileAST

	Problems []Problem

	// Stats says what parsing cost: an editor's trace shows it, tests of
	// the parse cache read it.
	Stats ParseStats

	limits Limits
	// interned holds the clones of the strings many objects repeat
	// (apiVersion, kind, namespace), made once per document.
	interned interner
	// abs is the file's absolute path when the caller resolved it.
	abs string
	// skim: ParseOptions.Skim, which fixed versions are parsed with too.
	skim bool

	// sourceScan: how far object sources were looked for (sourceBefore).
	sourceScan sourceScan
	// objectIndex: objects by document and reference (objectIn).
	objectIndexOnce sync.Once
	objectIndex     map[objectKey]*Object
	// editors caches YAMLEditor's editors by document root; fixes are computed
	// concurrently (verification, the language server).
	editors sync.Map
	// arena: ParseOptions'; moreArenas hold the trees of the parts
	// decoded in parallel (decodeParallel).
	arena      *yamlfast.Arena
	moreArenas []*yamlfast.Arena
	// dockerfileEditor is DockerfileEditor's, made once: learning the
	// file's style reads every instruction and line break.
	dockerfileEditor     *fixes.Dockerfile
	dockerfileEditorOnce sync.Once
}

// ParseStats counts the YAML documents of a stream and how many of them
// were decoded (the others came from the ParseCache).
type ParseStats struct {
	Documents, Decoded int
}

// ParseOptions carry what the text alone cannot tell.
type ParseOptions struct {
	// Language overrides detection by name (editors know the languageId).
	Language Language
	// KustomizePatch marks a file that a kustomization lists as a patch:
	// a partial object, so it is skipped rather than misreported.
	KustomizePatch bool
	// Cache, when set, reuses the unchanged documents of a YAML stream
	// parsed before with the same cache (one per editor buffer).
	Cache *ParseCache
	// Limits bound what hostile input can cost; nil means the defaults.
	Limits *Limits
	// Skip, when set, says why the file is not analyzed at all (it is too
	// large to read, say): the document is only that HL003 finding.
	Skip string
	// Skim leaves out of the trees what no built-in rule reads: the
	// schemas that make up most of a CustomResourceDefinition. They are
	// still parsed and checked (syntax, duplicate keys, limits), and the
	// objects keep their spans, but a Rego policy could read them: set it
	// only where the configuration has no policies. No effect with Cache.
	Skim bool
	// arena, when set, lends the YAML trees memory that earlier trees
	// used: for a caller that resets it once it drops the document.
	arena *yamlfast.Arena
}

// Parse parses text as the language its path (or opts) says. It never
// panics on bad input: what does not parse becomes a Problem.
func Parse(path string, text []byte, opts ParseOptions) *Document {
	lang := opts.Language
	if lang == "" {
		lang = LanguageOf(path)
	}
	d := &Document{Path: path, Language: lang, Text: text, Lines: NewLines(text), limits: DefaultConfig().Limits,
		arena: opts.arena, skim: opts.Skim && opts.Cache == nil}
	if opts.Limits != nil {
		d.limits = *opts.Limits
	}
	// A parser bug on hostile input must not take the process down: the
	// file becomes a syntax error at its first line instead.
	defer func() {
		if v := recover(); v != nil {
			d.Objects, d.Dockerfile = nil, nil
			start, end := d.LineSpan(1)
			d.problem(SyntaxProblem, start, end, fmt.Sprintf("the %s parser failed on this file: %v", lang, v))
		}
	}()
	if lang != Unknown {
		if opts.Skip == "" {
			opts.Skip = d.unreadable()
		}
		if opts.Skip != "" {
			d.skip(0, opts.Skip)
			return d
		}
	}
	switch lang {
	case Kubernetes:
		if !LooksLikeManifest(text) {
			return d // not ours (values, Compose, a JSON patch, CI files): nothing to read
		}
		if opts.KustomizePatch {
			d.skip(0, "kustomize patch (a partial object listed in a kustomization): lint the kustomize build output instead")
			return d
		}
		parseYAML(d, opts.Cache)
	case Dockerfile:
		parseDockerfile(d)
	}
	return d
}

// unreadable says why a text cannot be a manifest or a Dockerfile: too
// large, binary (a NUL byte, as git decides), or not UTF-8.
func (d *Document) unreadable() string {
	if max := d.limits.MaxFileBytes; max > 0 && int64(len(d.Text)) > max {
		return TooLarge(int64(len(d.Text)), max)
	}
	if bytes.IndexByte(d.Text[:min(len(d.Text), 8000)], 0) >= 0 {
		return "binary file: not analyzed"
	}
	if !utf8.Valid(d.Text) {
		return "not UTF-8 text (Kubernetes and Docker read UTF-8): not analyzed"
	}
	return ""
}

// TooLarge is the HL003 message of a file over limits.maxFileBytes.
func TooLarge(size, limit int64) string {
	return fmt.Sprintf("file of %s, over limits.maxFileBytes (%s): not analyzed", byteSize(size), byteSize(limit))
}

func byteSize(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d bytes", n)
}

func (d *Document) problem(kind ProblemKind, start, end int, msg string) {
	d.Problems = append(d.Problems, Problem{Kind: kind, Start: start, End: end, Message: msg})
}

// skip records that the file is not analyzed, pointing at the line of off.
func (d *Document) skip(off int, msg string) {
	start, end := d.LineSpan(d.Lines.Line(off))
	d.problem(SkippedProblem, start, end, msg)
}

// LineSpan is the span of line n's content from its first non-blank
// character, for problems that only know a line.
func (d *Document) LineSpan(n int) (int, int) {
	start, end := d.Lines.Start(n), d.Lines.End(n)
	for start < end && (d.Text[start] == ' ' || d.Text[start] == '\t') {
		start++
	}
	for end > start && (d.Text[end-1] == ' ' || d.Text[end-1] == '\t') {
		end--
	}
	return start, end
}

package lsp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/tliron/glsp"
	protocol "github.com/tliron/glsp/protocol_3_16"

	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/fixes"
	"hardline.dev/hardline/pin"
)

const (
	// kindFixAll is a sub-kind of source.fixAll, so editors that fix on
	// save ("source.fixAll") run it: it applies safe fixes only.
	kindFixAll = "source.fixAll.hardline"
	// kindFixAllUnsafe is deliberately not under source.fixAll, so that
	// fix-on-save never applies fixes that may change behaviour.
	kindFixAllUnsafe = "source.hardline.fixAllUnsafe"
	// commandFixScope applies the fixes of one container, object or
	// Dockerfile stage (the code lens).
	commandFixScope = "hardline.fixScope"
	// commandPinImage pins the image of a KS502 or DF103 finding to its
	// digest, asking the registry.
	commandPinImage = "hardline.pinImage"
)

// diagData travels with each diagnostic so that a code action finds its
// finding again without trusting the client's copy of the rest
// (glsp drops Diagnostic.code when decoding).
type diagData struct {
	Version int32  `json:"version"`
	ID      string `json:"id"`
	Rule    string `json:"rule"`
}

func (s *Server) publish(uri string, version *int32, diags []protocol.Diagnostic) {
	p := protocol.PublishDiagnosticsParams{URI: uri, Diagnostics: diags}
	if version != nil {
		v := protocol.UInteger(*version)
		p.Version = &v
	}
	_ = s.conn.notifyEncoded(string(protocol.ServerTextDocumentPublishDiagnostics), appendPublishParams(nil, &p))
}

func (s *Server) diagnostics(a *analysis) []protocol.Diagnostic {
	out := []protocol.Diagnostic{}
	if a.configErr != nil {
		return append(out, configDiagnostic(a.lines, a.configErr))
	}
	for i := range a.findings {
		out = append(out, diagnostic(a.doc.Lines, &a.findings[i], a.version, a.cfg.DocsURL))
	}
	return out
}

func diagnostic(lines *analyzer.Lines, f *analyzer.Finding, version int32, docsURL string) protocol.Diagnostic {
	sev := severity(f.Severity)
	d := protocol.Diagnostic{
		Range:           rangeOf(lines, f.Start, f.End),
		Severity:        &sev,
		Code:            &protocol.IntegerOrString{Value: f.Rule.Code},
		CodeDescription: &protocol.CodeDescription{HRef: analyzer.RuleURL(docsURL, f.Rule)},
		Source:          ptr("hardline"),
		Message:         f.Message,
		Data:            diagData{Version: version, ID: f.Fingerprint, Rule: f.Rule.Code},
	}
	for _, r := range f.Related {
		if r.Lines == nil {
			continue
		}
		abs, err := filepath.Abs(r.Path)
		if err != nil {
			continue
		}
		d.RelatedInformation = append(d.RelatedInformation, protocol.DiagnosticRelatedInformation{
			Location: protocol.Location{URI: pathURI(abs), Range: rangeOf(r.Lines, r.Start, r.End)},
			Message:  r.Message,
		})
	}
	switch f.Rule.Tag {
	case analyzer.Unnecessary:
		d.Tags = []protocol.DiagnosticTag{protocol.DiagnosticTagUnnecessary}
	case analyzer.Deprecated:
		d.Tags = []protocol.DiagnosticTag{protocol.DiagnosticTagDeprecated}
	}
	return d
}

func severity(s analyzer.Severity) protocol.DiagnosticSeverity {
	switch s {
	case analyzer.Error:
		return protocol.DiagnosticSeverityError
	case analyzer.Warning:
		return protocol.DiagnosticSeverityWarning
	}
	return protocol.DiagnosticSeverityInformation
}

// configDiagnostic places a config file's error at its line and column.
func configDiagnostic(lines *analyzer.Lines, err error) protocol.Diagnostic {
	start, msg := 0, err.Error()
	var ce *analyzer.ConfigError
	if errors.As(err, &ce) {
		start, msg = lines.Offset(max(ce.Line, 1), max(ce.Col, 1)), ce.Msg
	}
	sev := protocol.DiagnosticSeverityError
	return protocol.Diagnostic{
		Range:    rangeOf(lines, start, lines.End(lines.Line(start))),
		Severity: &sev,
		Code:     &protocol.IntegerOrString{Value: "config"},
		Source:   ptr("hardline"),
		Message:  msg,
	}
}

func rangeOf(lines *analyzer.Lines, start, end int) protocol.Range {
	return protocol.Range{Start: position(lines, start), End: position(lines, end)}
}

func position(lines *analyzer.Lines, off int) protocol.Position {
	l, c := lines.UTF16(off)
	return protocol.Position{Line: protocol.UInteger(l), Character: protocol.UInteger(c)}
}

func offset(lines *analyzer.Lines, p protocol.Position) int {
	return lines.OffsetUTF16(int(p.Line), int(p.Character))
}

// workspaceEdit wraps edits of the analyzed version of a document; the
// version makes the client refuse them if the buffer moved on.
func (s *Server) workspaceEdit(d *document, a *analysis, edits []fixes.TextEdit) *protocol.WorkspaceEdit {
	return s.versionedEdit(d.uri, a.doc.Lines, a.version, edits)
}

// versionedEdit wraps edits of text (as lines indexes it) of version of
// the document at uri.
func (s *Server) versionedEdit(uri string, lines *analyzer.Lines, version int32, edits []fixes.TextEdit) *protocol.WorkspaceEdit {
	out := make([]protocol.TextEdit, len(edits))
	for i, e := range edits {
		out[i] = protocol.TextEdit{Range: rangeOf(lines, e.Start, e.End), NewText: e.NewText}
	}
	s.mu.Lock()
	versioned := s.caps.documentChanges
	s.mu.Unlock()
	if !versioned {
		return &protocol.WorkspaceEdit{Changes: map[protocol.DocumentUri][]protocol.TextEdit{uri: out}}
	}
	list := make([]any, len(out))
	for i, e := range out {
		list[i] = e
	}
	v := protocol.Integer(version)
	return &protocol.WorkspaceEdit{DocumentChanges: []any{protocol.TextDocumentEdit{
		TextDocument: protocol.OptionalVersionedTextDocumentIdentifier{
			TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: uri}, Version: &v,
		},
		Edits: list,
	}}}
}

// fixKey identifies a fix by its title and edits, to offer equal ones once.
func fixKey(fx fixes.Fix) string {
	var b strings.Builder
	b.WriteString(fixTitle(fx))
	for _, e := range fixes.Sorted(fx.Edits) {
		fmt.Fprintf(&b, "\x00%d:%d:%s", e.Start, e.End, e.NewText)
	}
	return b.String()
}

func wants(only []protocol.CodeActionKind, kind string) bool {
	if len(only) == 0 {
		return true
	}
	for _, o := range only {
		if kind == o || strings.HasPrefix(kind, o+".") {
			return true
		}
	}
	return false
}

func (s *Server) codeAction(ctx *glsp.Context, p *protocol.CodeActionParams) (any, error) {
	actions := []protocol.CodeAction{}
	d, a := s.snapshot(ctx.Context, p.TextDocument.URI)
	if a != nil && a.grouped && wants(p.Context.Only, protocol.CodeActionKindQuickFix) {
		return s.renderedActions(ctx.Context, d, a, p), nil
	}
	if a == nil || a.doc == nil {
		return actions, nil
	}
	lines := a.doc.Lines
	from, to := offset(lines, p.Range.Start), offset(lines, p.Range.End)
	selected := map[int]bool{}
	for i, f := range a.findings {
		if f.Start <= to && from <= f.End {
			selected[i] = true
		}
	}
	for _, diag := range p.Context.Diagnostics {
		if i := a.find(diag); i >= 0 {
			selected[i] = true
		}
	}
	var order []int
	for i := range selected {
		order = append(order, i)
	}
	sort.Ints(order)
	s.mu.Lock()
	showDisabled := s.caps.disabledActions
	s.mu.Unlock()
	if wants(p.Context.Only, protocol.CodeActionKindQuickFix) {
		// The selected findings' fixes, verified in one batch (equal edits,
		// such as one resources snippet for KS401–KS404, once).
		selectedFindings := make([]analyzer.Finding, len(order))
		for k, i := range order {
			selectedFindings[k] = a.findings[i]
		}
		s.engine.AttachFixes(ctx.Context, a.doc, a.cfg, selectedFindings)
		if err := ctx.Context.Err(); err != nil {
			return nil, err
		}
		// An action several findings share (the same title and edits) is
		// offered once, for all of them.
		merged := map[string]int{}
		offer := func(key string, ca protocol.CodeAction) {
			if k, ok := merged[key]; ok && key != "" {
				actions[k].Diagnostics = append(actions[k].Diagnostics, ca.Diagnostics...)
				return
			}
			merged[key] = len(actions)
			actions = append(actions, ca)
		}
		for k, i := range order {
			f := &a.findings[i]
			diag := diagnostic(lines, f, a.version, a.cfg.DocsURL)
			for j, fix := range selectedFindings[k].Fixes {
				if len(fix.Edits) == 0 {
					// A manual fix that explains why none can be applied.
					if showDisabled {
						offer("disabled\x00"+fix.Title, protocol.CodeAction{
							Title: fix.Title, Kind: ptr(protocol.CodeActionKindQuickFix),
							Diagnostics: []protocol.Diagnostic{diag},
							Disabled: &struct {
								Reason string `json:"reason"`
							}{Reason: fix.Title},
						})
					}
					continue
				}
				offer(fixKey(fix), protocol.CodeAction{
					Title: fixTitle(fix), Kind: ptr(protocol.CodeActionKindQuickFix),
					Diagnostics: []protocol.Diagnostic{diag},
					IsPreferred: ptr(j == 0 && fix.Safety == fixes.Safe),
					Edit:        s.workspaceEdit(d, a, fix.Edits),
				})
			}
			if a.cfg.Network && pin.Fixes(f.Rule) {
				// The lookup runs only when the action is chosen.
				actions = append(actions, protocol.CodeAction{
					Title: "Pin to digest (asks the registry)", Kind: ptr(protocol.CodeActionKindQuickFix),
					Diagnostics: []protocol.Diagnostic{diag},
					Command: &protocol.Command{
						Title: "Pin to digest", Command: commandPinImage,
						Arguments: []any{scopeArgs{URI: d.uri, Version: a.version, Offset: f.Start}},
					},
				})
			}
			if fix, ok := s.engine.IgnoreFix(ctx.Context, a.doc, a.cfg, f); ok {
				actions = append(actions, protocol.CodeAction{
					Title: fix.Title, Kind: ptr(protocol.CodeActionKindQuickFix),
					Diagnostics: []protocol.Diagnostic{diag},
					Edit:        s.workspaceEdit(d, a, fix.Edits),
				})
			}
		}
	}
	fixable := false
	for _, f := range a.findings {
		fixable = fixable || f.Fix != nil
	}
	if !fixable {
		return actions, nil
	}
	for _, unsafe := range []bool{false, true} {
		kind := kindFixAll
		if unsafe {
			kind = kindFixAllUnsafe
		}
		if !wants(p.Context.Only, kind) {
			continue
		}
		if err := ctx.Context.Err(); err != nil {
			return nil, err
		}
		if action, ok := s.fixAllAction(ctx.Context, d, a, unsafe); ok {
			actions = append(actions, action)
		}
	}
	return actions, nil
}

// find is the index of the finding a diagnostic came from, or -1.
func (a *analysis) find(diag protocol.Diagnostic) int {
	raw, err := json.Marshal(diag.Data)
	if err != nil {
		return -1
	}
	var data diagData
	if json.Unmarshal(raw, &data) != nil || data.ID == "" {
		return -1
	}
	for i, f := range a.findings {
		if f.Fingerprint == data.ID && f.Rule.Code == data.Rule {
			return i
		}
	}
	return -1
}

func fixTitle(f fixes.Fix) string {
	switch f.Safety {
	case fixes.Unsafe:
		return f.Title + " (unsafe: may change behaviour)"
	case fixes.Manual:
		return f.Title + " (fill in the placeholders)"
	}
	return f.Title
}

// fixAllData identifies a fix-all action to resolve.
type fixAllData struct {
	URI     string `json:"uri"`
	Version int32  `json:"version"`
	Unsafe  bool   `json:"unsafe"`
}

// fixAllAction is "fix the whole file". Its edit costs a few rounds of
// analysis, so clients that can resolve actions get it only when chosen.
func (s *Server) fixAllAction(ctx context.Context, d *document, a *analysis, unsafe bool) (protocol.CodeAction, bool) {
	action := protocol.CodeAction{Title: "Fix all hardline issues in this file", Kind: ptr(kindFixAll)}
	if unsafe {
		action = protocol.CodeAction{Title: "Fix all hardline issues in this file, including unsafe fixes", Kind: ptr(kindFixAllUnsafe)}
	}
	s.mu.Lock()
	lazy := s.caps.resolveEdit
	s.mu.Unlock()
	if lazy {
		action.Data = fixAllData{URI: d.uri, Version: a.version, Unsafe: unsafe}
		return action, true
	}
	edit, ok := s.fixAllEdit(ctx, d, a, -1, unsafe)
	if !ok {
		return action, false
	}
	action.Edit = edit
	return action, true
}

func (s *Server) codeActionResolve(ctx *glsp.Context, p *protocol.CodeAction) (*protocol.CodeAction, error) {
	raw, _ := json.Marshal(p.Data)
	var data fixAllData
	if err := json.Unmarshal(raw, &data); err != nil || data.URI == "" {
		return nil, &rpcError{codeInvalidParams, "not a hardline code action"}
	}
	d, a := s.snapshot(ctx.Context, data.URI)
	if a == nil || a.doc == nil || a.version != data.Version {
		return nil, &rpcError{codeInvalidParams, "the document changed since the action was offered"}
	}
	if edit, ok := s.fixAllEdit(ctx.Context, d, a, -1, data.Unsafe); ok {
		p.Edit = edit
	} else {
		p.Edit = &protocol.WorkspaceEdit{}
	}
	return p, nil
}

// fixAllEdit is the single minimal edit that applies the file's fixes (or
// one scope's, when scope >= 0), or false when nothing changes. The
// file's are computed once per version.
func (s *Server) fixAllEdit(ctx context.Context, d *document, a *analysis, scope int, unsafe bool) (*protocol.WorkspaceEdit, bool) {
	if scope >= 0 {
		return s.fixEdit(ctx, d, a, scope, unsafe)
	}
	i := 0
	if unsafe {
		i = 1
	}
	a.fixAllMu.Lock()
	defer a.fixAllMu.Unlock()
	if !a.fixAllDone[i] {
		edit, _ := s.fixEdit(ctx, d, a, -1, unsafe)
		if ctx.Err() != nil {
			return nil, false // a cancelled request computed nothing
		}
		a.fixAll[i], a.fixAllDone[i] = edit, true
	}
	return a.fixAll[i], a.fixAll[i] != nil
}

// fixEdit computes fixAllEdit.
func (s *Server) fixEdit(ctx context.Context, d *document, a *analysis, scope int, unsafe bool) (*protocol.WorkspaceEdit, bool) {
	accept := func(_ *analyzer.Finding, f fixes.Fix) bool {
		return f.Safety == fixes.Safe || unsafe && f.Safety == fixes.Unsafe
	}
	opts := analyzer.ParseOptions{Language: a.lang}
	var next []byte
	if scope >= 0 {
		next, _ = s.engine.FixScope(ctx, d.name, a.doc.Text, opts, a.cfg, scope, accept)
	} else {
		next, _ = s.engine.FixText(ctx, d.name, a.doc.Text, opts, a.cfg, accept)
	}
	if string(next) == string(a.doc.Text) {
		return nil, false
	}
	return s.workspaceEdit(d, a, []fixes.TextEdit{fixes.Minimal(a.doc.Text, next)}), true
}

// scopeArgs are the code lens command's argument.
type scopeArgs struct {
	URI     string `json:"uri"`
	Version int32  `json:"version"`
	Offset  int    `json:"offset"`
}

func (s *Server) codeLens(ctx *glsp.Context, p *protocol.CodeLensParams) ([]protocol.CodeLens, error) {
	lenses := []protocol.CodeLens{}
	_, a := s.snapshot(ctx.Context, p.TextDocument.URI)
	if a == nil || a.doc == nil {
		return lenses, nil
	}
	type scope struct {
		start, n int
		fixable  bool
	}
	var scopes []*scope
	byStart := map[int]*scope{}
	for _, f := range a.findings {
		if f.ScopeEnd <= f.ScopeStart {
			continue
		}
		sc := byStart[f.ScopeStart]
		if sc == nil {
			sc = &scope{start: f.ScopeStart}
			byStart[f.ScopeStart] = sc
			scopes = append(scopes, sc)
		}
		sc.n++
		sc.fixable = sc.fixable || f.Fix != nil
	}
	sort.Slice(scopes, func(i, j int) bool { return scopes[i].start < scopes[j].start })
	for _, sc := range scopes {
		title := fmt.Sprintf("hardline: %d issue", sc.n)
		if sc.n != 1 {
			title += "s"
		}
		cmd := &protocol.Command{Title: title}
		if sc.fixable {
			cmd = &protocol.Command{
				Title:     title + " · Fix all",
				Command:   commandFixScope,
				Arguments: []any{scopeArgs{URI: p.TextDocument.URI, Version: a.version, Offset: sc.start}},
			}
		}
		// The lens sits on the scope's first line.
		r := rangeOf(a.doc.Lines, sc.start, sc.start)
		lenses = append(lenses, protocol.CodeLens{Range: r, Command: cmd})
	}
	return lenses, nil
}

func (s *Server) executeCommand(ctx *glsp.Context, p *protocol.ExecuteCommandParams) (any, error) {
	if p.Command != commandFixScope && p.Command != commandPinImage {
		return nil, &rpcError{codeInvalidParams, "unknown command " + p.Command}
	}
	var args scopeArgs
	if len(p.Arguments) == 1 {
		raw, _ := json.Marshal(p.Arguments[0])
		_ = json.Unmarshal(raw, &args)
	}
	if args.URI == "" {
		return nil, &rpcError{codeInvalidParams, p.Command + " takes one argument {uri, version, offset}"}
	}
	d, a := s.snapshot(ctx.Context, args.URI)
	switch {
	case a == nil || a.doc == nil:
		return nil, &rpcError{codeInvalidParams, "the document is not open"}
	case a.version != args.Version:
		return nil, &rpcError{codeInvalidParams, "the document changed since the action was offered"}
	}
	var edit *protocol.WorkspaceEdit
	if p.Command == commandPinImage {
		var err error
		if edit, err = s.pinEdit(ctx.Context, d, a, args.Offset); err != nil {
			return nil, err
		}
	} else {
		// The lens is an explicit request for this container or stage: it
		// applies safe and unsafe fixes, never manual ones.
		var ok bool
		if edit, ok = s.fixAllEdit(ctx.Context, d, a, args.Offset, true); !ok {
			return nil, nil
		}
	}
	return nil, s.applyEdit(ctx.Context, "hardline: "+strings.TrimPrefix(p.Command, "hardline."), edit)
}

// applyEdit asks the client to apply edit.
func (s *Server) applyEdit(ctx context.Context, label string, edit *protocol.WorkspaceEdit) error {
	s.mu.Lock()
	canApply := s.caps.applyEdit
	s.mu.Unlock()
	if !canApply {
		return &rpcError{codeInvalidRequest, "the client cannot apply edits (workspace/applyEdit)"}
	}
	var res protocol.ApplyWorkspaceEditResponse
	err := s.conn.call(ctx, string(protocol.ServerWorkspaceApplyEdit),
		protocol.ApplyWorkspaceEditParams{Label: &label, Edit: *edit}, &res)
	if err != nil {
		return err
	}
	if !res.Applied {
		reason := "no reason given"
		if res.FailureReason != nil {
			reason = *res.FailureReason
		}
		return fmt.Errorf("the client did not apply the edit: %s", reason)
	}
	return nil
}

// pinTimeout bounds the registry lookup of one "Pin to digest".
const pinTimeout = 15 * time.Second

// pinEdit resolves the digest of the image of the pinnable finding
// at offset: the only request that reaches the network, and only when the
// configuration says network: true.
func (s *Server) pinEdit(ctx context.Context, d *document, a *analysis, offset int) (*protocol.WorkspaceEdit, error) {
	if !a.cfg.Network {
		return nil, &rpcError{codeInvalidRequest, "pinning asks the image registry: set network: true in .hardline.yaml or the editor's settings to allow it"}
	}
	var targets []pin.Target
	var skipped []pin.Skipped
	for _, f := range a.findings {
		if f.Start == offset && pin.Fixes(f.Rule) {
			targets, skipped = pin.Targets(a.doc.Text, []analyzer.Finding{f})
			break
		}
	}
	if len(targets) == 0 {
		if len(skipped) > 0 {
			return nil, &rpcError{codeInvalidParams, "cannot pin " + skipped[0].Text + ": " + skipped[0].Reason}
		}
		return nil, &rpcError{codeInvalidParams, "no unpinned image there"}
	}
	ctx, cancel := context.WithTimeout(ctx, pinTimeout)
	defer cancel()
	// A resolver per request: a tag may have moved since the last pin.
	digest, err := pin.NewResolver().Digest(ctx, targets[0].Image)
	if err != nil {
		return nil, fmt.Errorf("cannot pin %s: %w", targets[0].Image, err)
	}
	return s.workspaceEdit(d, a, []fixes.TextEdit{pin.Edit(targets[0], digest)}), nil
}

func (s *Server) hover(ctx *glsp.Context, p *protocol.HoverParams) (*protocol.Hover, error) {
	d, a := s.snapshot(ctx.Context, p.TextDocument.URI)
	if a == nil {
		return nil, nil
	}
	lines, findings := (*analyzer.Lines)(nil), a.findings
	switch {
	case a.grouped:
		lines, findings = s.publishedFindings(d)
	case a.doc != nil:
		lines = a.doc.Lines
		findings = append(findings[:len(findings):len(findings)], s.setFindings(d)...)
	}
	if lines == nil {
		return nil, nil
	}
	off := offset(lines, p.Position)
	var parts []string
	var r *protocol.Range
	seen := map[*analyzer.Rule]bool{}
	for _, f := range findings {
		if off < f.Start || off > f.End || seen[f.Rule] {
			continue
		}
		seen[f.Rule] = true
		if r == nil {
			rr := rangeOf(lines, f.Start, f.End)
			r = &rr
		}
		parts = append(parts, fmt.Sprintf("**%s** %s\n\n%s", f.Rule.Code, f.Message, analyzer.RuleMarkdown(f.Rule)))
	}
	if len(parts) == 0 {
		return nil, nil
	}
	return &protocol.Hover{
		Contents: protocol.MarkupContent{Kind: protocol.MarkupKindMarkdown, Value: strings.Join(parts, "\n\n---\n\n")},
		Range:    r,
	}, nil
}

// Package lsp is hardline's language server: it keeps the editor's open
// documents, re-analyzes them as they change and answers with
// diagnostics, code actions, code lenses and hover. It holds no rule or
// fix logic: everything it says comes from the engine main hands it.
//
// Messages are decoded and dispatched with glsp's protocol types and
// handler, on a small JSON-RPC layer of our own (jsonrpc.go): glsp's
// server handles one message at a time with an already-cancelled context,
// so calls to the client (workspace/applyEdit) would deadlock there.
// Here notifications are handled in order on the reading goroutine, so
// document changes stay ordered, and each request runs on its own
// goroutine with a context that $/cancelRequest cancels.
package lsp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/tliron/glsp"
	protocol316 "github.com/tliron/glsp/protocol_3_16"
	protocol "github.com/tliron/glsp/protocol_3_17"

	"hardline.dev/hardline/analyzer"
	"hardline.dev/hardline/render"
)

// Options configure a server.
type Options struct {
	Engine  *analyzer.Engine
	Version string
	// ConfigFile, when set, is the config for every document (--config);
	// otherwise each document's .hardline.yaml is found by walking up.
	ConfigFile string
	// Debounce is how long after a change the document is re-analyzed;
	// changes within it are analyzed once.
	Debounce time.Duration
	// Log receives the server's log (stderr); the client gets errors too,
	// as window/logMessage.
	Log io.Writer
	// PanicOn makes the handler of this method panic: a fault-injection
	// hook for tests of the recovery path (HARDLINE_LSP_PANIC_ON).
	PanicOn string
	// PolicyProblems reports the Rego policies of a config that cannot run
	// (HL005 at the policy files), published on those files.
	PolicyProblems func(*analyzer.Config) analyzer.PolicyReport
}

// DefaultDebounce is short enough to feel live and long enough that a
// burst of keystrokes is analyzed once.
const DefaultDebounce = 75 * time.Millisecond

// Server is one language server session.
type Server struct {
	opts    Options
	engine  *analyzer.Engine
	conn    *conn
	handler protocol.Handler
	finder  *analyzer.ConfigFinder

	mu          sync.Mutex
	initialized bool
	shutdown    bool
	docs        map[string]*document
	settings    []byte // the editor's settings as JSON, already validated
	configGen   int    // bumped whenever documents' configs are cleared
	trace       protocol316.TraceValue
	caps        clientCaps
	cancels     map[string]context.CancelFunc
	configDiags map[string]bool // config files whose errors are published
	// policyDiags are the policy files with published problems, and
	// policyVersions the version published, by set of policies.
	policyDiags    map[string]map[string]bool
	policyVersions map[string]string
	// groups are the charts and kustomizations with files open, by
	// root folder; kustomizeScans the root kustomizations near the files
	// of a folder; charts finds the chart a file belongs to.
	groups         map[string]*group
	kustomizeScans map[string][]string
	charts         *render.ChartFinder
	// ws is the workspace set of the set rules (workspace.go).
	ws workspace
}

// clientCaps are the client capabilities the server acts on.
type clientCaps struct {
	applyEdit, documentChanges, configuration, watchRegistration, resolveEdit bool
	// disabledActions: the client shows code actions that cannot be
	// applied, greyed out with their reason.
	disabledActions bool
}

// New returns a server for one session.
func New(opts Options) *Server {
	if opts.Log == nil {
		opts.Log = io.Discard
	}
	s := &Server{
		opts:           opts,
		engine:         opts.Engine,
		finder:         analyzer.NewConfigFinder(opts.Engine.Rules()),
		docs:           map[string]*document{},
		cancels:        map[string]context.CancelFunc{},
		configDiags:    map[string]bool{},
		policyDiags:    map[string]map[string]bool{},
		policyVersions: map[string]string{},
		groups:         map[string]*group{},
		kustomizeScans: map[string][]string{},
		charts:         render.NewChartFinder(),
	}
	s.resetWorkspaceLocked()
	s.handler = protocol.Handler{
		Initialize: s.initialize,
		Handler: protocol316.Handler{
			Initialized:                        s.initializedNotification,
			Shutdown:                           func(*glsp.Context) error { return nil },
			SetTrace:                           s.setTrace,
			TextDocumentDidOpen:                s.didOpen,
			TextDocumentDidChange:              s.didChange,
			TextDocumentDidSave:                s.didSave,
			TextDocumentDidClose:               s.didClose,
			WorkspaceDidChangeConfiguration:    s.didChangeConfiguration,
			WorkspaceDidChangeWatchedFiles:     s.didChangeWatchedFiles,
			WorkspaceDidChangeWorkspaceFolders: s.didChangeWorkspaceFolders,
			TextDocumentCodeAction:             s.codeAction,
			CodeActionResolve:                  s.codeActionResolve,
			TextDocumentCodeLens:               s.codeLens,
			TextDocumentHover:                  s.hover,
			WorkspaceExecuteCommand:            s.executeCommand,
		},
	}
	return s
}

// Run serves the session on r and w until the client sends exit or goes
// away, and returns the process exit code LSP asks for: 0 after a
// shutdown request, 1 otherwise; 0 when the client simply disconnects.
func (s *Server) Run(r io.Reader, w io.Writer) int {
	s.conn = newConn(r, w)
	defer s.stop()
	for {
		body, err := s.conn.read()
		if errors.Is(err, io.EOF) {
			return 0
		}
		if err != nil {
			s.logf("%v", err)
			if errors.Is(err, errFraming) {
				_ = s.conn.replyError(nil, codeParseError, err.Error())
			}
			if body == nil {
				continue
			}
		}
		var m message
		if err := json.Unmarshal(body, &m); err != nil {
			_ = s.conn.replyError(nil, codeParseError, "not a JSON-RPC message: "+err.Error())
			continue
		}
		isRequest := len(m.ID) > 0 && string(m.ID) != "null"
		switch {
		case m.Method == "" && isRequest:
			s.conn.deliver(&m)
		case m.Method == "":
			_ = s.conn.replyError(nil, codeInvalidRequest, "a message needs a method or an id")
		case m.Method == "exit":
			s.mu.Lock()
			down := s.shutdown
			s.mu.Unlock()
			if down {
				return 0
			}
			return 1
		case !isRequest:
			s.notification(m.Method, m.Params)
		case m.Method == "initialize" || m.Method == "shutdown":
			// In order: nothing may run before initialize is answered.
			// Shutdown does not wait for running requests: one may be
			// waiting for the client's answer, which this loop reads.
			s.request(context.Background(), m.ID, m.Method, m.Params)
		default:
			ctx, cancel := context.WithCancel(context.Background())
			key := string(m.ID)
			s.mu.Lock()
			s.cancels[key] = cancel
			s.mu.Unlock()
			go func() {
				defer func() {
					s.mu.Lock()
					delete(s.cancels, key)
					s.mu.Unlock()
					cancel()
				}()
				s.request(ctx, m.ID, m.Method, m.Params)
			}()
		}
	}
}

// stop ends the session: pending analyses are dropped and calls to the
// client fail.
func (s *Server) stop() {
	s.mu.Lock()
	for _, d := range s.docs {
		if d.timer != nil {
			d.timer.Stop()
		}
	}
	for _, cancel := range s.cancels {
		cancel()
	}
	s.mu.Unlock()
	s.conn.close()
}

func (s *Server) notification(method string, params json.RawMessage) {
	if method == "$/cancelRequest" {
		var p struct {
			ID json.RawMessage `json:"id"`
		}
		if json.Unmarshal(params, &p) == nil {
			s.mu.Lock()
			if cancel := s.cancels[string(p.ID)]; cancel != nil {
				cancel()
			}
			s.mu.Unlock()
		}
		return
	}
	s.mu.Lock()
	ready := s.initialized && !s.shutdown
	s.mu.Unlock()
	if !ready {
		return // before initialize or after shutdown, notifications are dropped
	}
	if _, err := s.dispatch(context.Background(), method, params); err != nil && err.Code != codeMethodNotFound {
		s.logf("%s: %s", method, err.Message)
	}
}

func (s *Server) request(ctx context.Context, id json.RawMessage, method string, params json.RawMessage) {
	s.mu.Lock()
	initialized, down := s.initialized, s.shutdown
	s.mu.Unlock()
	var result any
	var rerr *rpcError
	switch {
	case down:
		rerr = &rpcError{codeInvalidRequest, "the server is shut down"}
	case !initialized && method != "initialize":
		rerr = &rpcError{codeServerNotInitialized, "the server is not initialized"}
	case initialized && method == "initialize":
		rerr = &rpcError{codeInvalidRequest, "the server is already initialized"}
	case ctx.Err() != nil:
		// Cancelled while queued: not worth starting.
	case method == "codeLens/resolve":
		// glsp would call a nil resolver for it; lenses come resolved.
		rerr = &rpcError{codeMethodNotFound, "method not found: " + method}
	default:
		result, rerr = s.dispatch(ctx, method, params)
	}
	if rerr == nil && ctx.Err() != nil {
		rerr = &rpcError{codeRequestCancelled, "request cancelled"}
	}
	switch {
	case rerr != nil:
		_ = s.conn.replyError(id, rerr.Code, rerr.Message)
	default:
		_ = s.conn.reply(id, result)
	}
	if rerr == nil {
		s.mu.Lock()
		switch method {
		case "initialize":
			s.initialized = true
		case "shutdown":
			s.shutdown = true
		}
		s.mu.Unlock()
	}
}

// dispatch runs one handler through glsp's dispatch, recovering from a
// panic so that one bad request or document never ends the session.
func (s *Server) dispatch(ctx context.Context, method string, params json.RawMessage) (result any, rerr *rpcError) {
	defer func() {
		if p := recover(); p != nil {
			s.logf("panic in %s: %v\n%s", method, p, debug.Stack())
			result, rerr = nil, &rpcError{codeInternalError, fmt.Sprintf("internal error in %s: %v", method, p)}
		}
	}()
	if s.opts.PanicOn == method {
		panic("injected fault (HARDLINE_LSP_PANIC_ON)")
	}
	if len(params) == 0 {
		params = json.RawMessage("null")
	}
	gctx := &glsp.Context{
		Method:  method,
		Params:  params,
		Context: ctx,
		Notify:  func(m string, p any) { _ = s.conn.notify(m, p) },
		Call: func(m string, p, r any) {
			if err := s.conn.call(ctx, m, p, r); err != nil {
				s.logf("%s: %v", m, err)
			}
		},
	}
	r, validMethod, validParams, err := s.handler.Handle(gctx)
	switch {
	case !validMethod:
		return nil, &rpcError{codeMethodNotFound, "method not found: " + method}
	case !validParams:
		return nil, &rpcError{codeInvalidParams, fmt.Sprintf("invalid params for %s: %v", method, err)}
	case err != nil:
		var re *rpcError
		if errors.As(err, &re) {
			return nil, re
		}
		return nil, &rpcError{codeInternalError, err.Error()}
	}
	return r, nil
}

func (s *Server) initialize(_ *glsp.Context, p *protocol.InitializeParams) (any, error) {
	caps := clientCaps{}
	if ws := p.Capabilities.Workspace; ws != nil {
		caps.applyEdit = ws.ApplyEdit != nil && *ws.ApplyEdit
		caps.documentChanges = ws.WorkspaceEdit != nil && ws.WorkspaceEdit.DocumentChanges != nil && *ws.WorkspaceEdit.DocumentChanges
		caps.configuration = ws.Configuration != nil && *ws.Configuration
		caps.watchRegistration = ws.DidChangeWatchedFiles != nil && ws.DidChangeWatchedFiles.DynamicRegistration != nil && *ws.DidChangeWatchedFiles.DynamicRegistration
	}
	if td := p.Capabilities.TextDocument; td != nil && td.CodeAction != nil {
		if rs := td.CodeAction.ResolveSupport; rs != nil {
			for _, prop := range rs.Properties {
				caps.resolveEdit = caps.resolveEdit || prop == "edit"
			}
		}
		caps.disabledActions = td.CodeAction.DisabledSupport != nil && *td.CodeAction.DisabledSupport
	}
	s.mu.Lock()
	s.caps = caps
	s.ws.folders = workspaceFolders(p)
	if p.Trace != nil {
		s.trace = *p.Trace
	}
	s.mu.Unlock()
	if p.InitializationOptions != nil {
		if err := s.setSettings(p.InitializationOptions); err != nil {
			// The session still starts, on the settings that are valid.
			s.showMessage(protocol316.MessageTypeError, err.Error())
		}
	}
	sync := protocol316.TextDocumentSyncKindIncremental
	return protocol.InitializeResult{
		Capabilities: protocol.ServerCapabilities{
			ServerCapabilities: protocol316.ServerCapabilities{
				TextDocumentSync: protocol316.TextDocumentSyncOptions{
					OpenClose: &protocol316.True,
					Change:    &sync,
					Save:      protocol316.SaveOptions{IncludeText: &protocol316.False},
				},
				CodeActionProvider: protocol316.CodeActionOptions{
					CodeActionKinds: []protocol316.CodeActionKind{protocol316.CodeActionKindQuickFix, kindFixAll, kindFixAllUnsafe},
					ResolveProvider: &protocol316.True,
				},
				CodeLensProvider:       &protocol316.CodeLensOptions{},
				HoverProvider:          true,
				ExecuteCommandProvider: &protocol316.ExecuteCommandOptions{Commands: []string{commandFixScope, commandPinImage}},
				Workspace: &protocol316.ServerCapabilitiesWorkspace{
					WorkspaceFolders: &protocol316.WorkspaceFoldersServerCapabilities{
						Supported:           &protocol316.True,
						ChangeNotifications: &protocol316.BoolOrString{Value: true},
					},
				},
			},
		},
		ServerInfo: &protocol316.InitializeResultServerInfo{Name: "hardline", Version: &s.opts.Version},
	}, nil
}

func (s *Server) initializedNotification(*glsp.Context, *protocol316.InitializedParams) error {
	s.mu.Lock()
	caps := s.caps
	s.mu.Unlock()
	if !caps.watchRegistration {
		return nil // config changes are then seen on save (didSave)
	}
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		params := protocol316.RegistrationParams{Registrations: []protocol316.Registration{{
			ID:     "hardline-config-files",
			Method: string(protocol316.MethodWorkspaceDidChangeWatchedFiles),
			RegisterOptions: protocol316.DidChangeWatchedFilesRegistrationOptions{
				// Manifests too: the workspace set reads them from disk.
				Watchers: []protocol316.FileSystemWatcher{{GlobPattern: "**/" + analyzer.ConfigFileName}, {GlobPattern: "**/*.rego"},
					{GlobPattern: "**/*.{yaml,yml,json}"}},
			},
		}}}
		if err := s.conn.call(ctx, string(protocol316.ServerClientRegisterCapability), params, nil); err != nil {
			s.logf("registering the config file watcher: %v", err)
		}
	}()
	return nil
}

// workspaceFolders are the folders of the session: its workspace folders,
// else its root.
func workspaceFolders(p *protocol.InitializeParams) []string {
	var out []string
	for _, f := range p.WorkspaceFolders {
		if path := uriPath(f.URI); path != "" {
			out = append(out, path)
		}
	}
	switch {
	case len(out) > 0:
	case p.RootURI != nil && uriPath(*p.RootURI) != "":
		out = append(out, uriPath(*p.RootURI))
	case p.RootPath != nil && *p.RootPath != "":
		out = append(out, *p.RootPath)
	}
	return out
}

func (s *Server) setTrace(_ *glsp.Context, p *protocol316.SetTraceParams) error {
	s.mu.Lock()
	s.trace = p.Value
	s.mu.Unlock()
	return nil
}

// tracef sends $/logTrace when the client asked for a trace: how long
// each analysis took, for users (and benchmarks) to see.
func (s *Server) tracef(format string, args ...any) {
	s.mu.Lock()
	on := s.trace != "" && s.trace != protocol316.TraceValueOff
	s.mu.Unlock()
	if on {
		_ = s.conn.notify(string(protocol316.MethodLogTrace), protocol316.LogTraceParams{Message: fmt.Sprintf(format, args...)})
	}
}

// logf writes to the log and, for the user to find, to the client.
func (s *Server) logf(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	fmt.Fprintf(s.opts.Log, "hardline lsp: %s\n", strings.TrimRight(msg, "\n"))
	if s.conn != nil {
		_ = s.conn.notify(string(protocol316.ServerWindowLogMessage), protocol316.LogMessageParams{
			Type: protocol316.MessageTypeError, Message: msg,
		})
	}
}

func (s *Server) showMessage(t protocol316.MessageType, msg string) {
	_ = s.conn.notify(string(protocol316.ServerWindowShowMessage), protocol316.ShowMessageParams{Type: t, Message: "hardline: " + msg})
}

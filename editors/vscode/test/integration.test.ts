// Drives the real `hardline lsp` through the LSP client libraries that
// vscode-languageclient is built on, started the way the extension starts it
// (settings.ts), and plays the editor's part: it keeps the documents, applies
// the edits the server sends, and reports its changes back.

import assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import {
  ApplyWorkspaceEditParams,
  ApplyWorkspaceEditRequest,
  CodeAction,
  CodeActionKind,
  CodeActionRequest,
  CodeActionResolveRequest,
  CodeLensRequest,
  ConfigurationRequest,
  createProtocolConnection,
  Diagnostic,
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExecuteCommandRequest,
  ExitNotification,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  InitializeResult,
  ProtocolConnection,
  PublishDiagnosticsNotification,
  RegistrationRequest,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  TextEdit,
  WorkspaceEdit,
} from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { ExtensionSettings, Host, readSettings, serverCommand, serverSettings } from '../src/settings';

// Shared with the Neovim and Emacs tests.
const fixtures = path.resolve(__dirname, '../../../../testdata/editors');

function binary(): string {
  const bin = process.env.HARDLINE_BIN ?? path.resolve(__dirname, '../hardline');
  if (!fs.existsSync(bin)) {
    throw new Error(`no hardline binary at ${bin}: build it (npm test builds it) or set HARDLINE_BIN`);
  }
  return bin;
}

const realHost = (workspace: string): Host => ({
  extensionPath: path.resolve(__dirname, '../..'),
  platform: process.platform,
  workspaceFolder: workspace,
  home: os.homedir(),
  searchPath: process.env.PATH ?? '',
  isExecutable(file) {
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return fs.statSync(file).isFile();
    } catch {
      return false;
    }
  },
});

/** The editor's side of one session with the server. */
class Editor {
  readonly docs = new Map<string, TextDocument>();
  readonly diagnostics = new Map<string, { version?: number; diagnostics: Diagnostic[] }>();
  readonly messages: string[] = [];
  private waiters: Array<() => void> = [];
  appliedEdits = 0;

  constructor(readonly conn: ProtocolConnection) {
    conn.onNotification(PublishDiagnosticsNotification.type, (p) => {
      this.diagnostics.set(p.uri, { version: p.version, diagnostics: p.diagnostics });
      this.wake();
    });
    conn.onRequest(ApplyWorkspaceEditRequest.type, (p: ApplyWorkspaceEditParams) => {
      this.apply(p.edit);
      this.appliedEdits++;
      return { applied: true };
    });
    conn.onRequest(RegistrationRequest.type, () => null);
    conn.onRequest(ConfigurationRequest.type, (p) => p.items.map(() => null));
    conn.onNotification('window/showMessage', (p: { message: string }) => this.messages.push(p.message));
    conn.onNotification('window/logMessage', () => undefined);
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    w.forEach((f) => f());
  }

  /** Waits for diagnostics of the document's current version. */
  async currentDiagnostics(uri: string, timeoutMs = 10_000): Promise<Diagnostic[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const doc = this.docs.get(uri)!;
      const got = this.diagnostics.get(uri);
      if (got && got.version === doc.version) {
        return got.diagnostics;
      }
      if (Date.now() > deadline) {
        throw new Error(`no diagnostics for ${uri} version ${doc.version} (last: ${JSON.stringify(got?.version)})`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 200);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async open(file: string, languageId: string): Promise<string> {
    const uri = pathToFileURL(file).href;
    const doc = TextDocument.create(uri, languageId, 1, fs.readFileSync(file, 'utf8'));
    this.docs.set(uri, doc);
    await this.conn.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId, version: doc.version, text: doc.getText() },
    });
    return uri;
  }

  /** Applies an edit as VS Code does: versioned edits must match the document. */
  apply(edit: WorkspaceEdit): void {
    const byUri = new Map<string, TextEdit[]>();
    for (const change of edit.documentChanges ?? []) {
      if (!('textDocument' in change)) {
        throw new Error(`unexpected resource operation ${JSON.stringify(change)}`);
      }
      const doc = this.docs.get(change.textDocument.uri);
      assert.ok(doc, `edit for a document that is not open: ${change.textDocument.uri}`);
      if (change.textDocument.version !== null) {
        assert.equal(change.textDocument.version, doc.version, 'edit computed for another version');
      }
      byUri.set(change.textDocument.uri, change.edits as TextEdit[]);
    }
    for (const [uri, edits] of Object.entries(edit.changes ?? {})) {
      byUri.set(uri, edits);
    }
    for (const [uri, edits] of byUri) {
      const doc = this.docs.get(uri)!;
      const text = TextDocument.applyEdits(doc, edits);
      const next = TextDocument.create(uri, doc.languageId, doc.version + 1, text);
      this.docs.set(uri, next);
      void this.conn.sendNotification(DidChangeTextDocumentNotification.type, {
        textDocument: { uri, version: next.version },
        contentChanges: [{ text }],
      });
    }
  }

  text(uri: string): string {
    return this.docs.get(uri)!.getText();
  }
}

const codes = (ds: Diagnostic[]): string[] => [...new Set(ds.map((d) => String(d.code)))].sort();

describe('hardline lsp through the LSP client libraries', () => {
  let workspace: string;
  let proc: ChildProcess;
  let editor: Editor;
  let settings: ExtensionSettings;
  let init: InitializeResult;
  let stderr = '';

  before(async () => {
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'hardline-vscode-'));
    for (const name of ['deployment.yaml', 'Dockerfile']) {
      fs.copyFileSync(path.join(fixtures, name), path.join(workspace, name));
    }
    fs.copyFileSync(path.join(fixtures, 'config.yaml'), path.join(workspace, 'hardline.yaml'));
    // What a user would set: a workspace config file and one rule override.
    settings = readSettings(<T>(key: string, d: T): T => {
      const values: Record<string, unknown> = {
        path: binary(),
        configFile: 'hardline.yaml',
        profile: 'restricted',
        rules: { KS502: 'off' },
      };
      return (key in values ? values[key] : d) as T;
    });
    const cmd = serverCommand(settings, realHost(workspace));
    if ('error' in cmd) {
      throw new Error(cmd.error);
    }
    assert.deepEqual(cmd.args, ['lsp', '--config', path.join(workspace, 'hardline.yaml')]);
    proc = spawn(cmd.command, cmd.args, { cwd: workspace, stdio: ['pipe', 'pipe', 'pipe'] });
    proc.stderr!.on('data', (b) => (stderr += b));
    const conn = createProtocolConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
    editor = new Editor(conn);
    conn.listen();
    init = await conn.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: pathToFileURL(workspace).href,
      workspaceFolders: [{ uri: pathToFileURL(workspace).href, name: 'ws' }],
      initializationOptions: serverSettings(settings),
      // The parts of VS Code's capabilities the server looks at.
      capabilities: {
        workspace: {
          applyEdit: true,
          configuration: true,
          workspaceEdit: { documentChanges: true },
          didChangeConfiguration: { dynamicRegistration: true },
        },
        textDocument: {
          publishDiagnostics: { versionSupport: true, codeDescriptionSupport: true, dataSupport: true },
          codeAction: {
            dataSupport: true,
            resolveSupport: { properties: ['edit'] },
            codeActionLiteralSupport: {
              codeActionKind: { valueSet: ['quickfix', 'source', 'source.fixAll'] },
            },
          },
          hover: { contentFormat: ['markdown', 'plaintext'] },
        },
      },
    });
    await conn.sendNotification(InitializedNotification.type, {});
  });

  after(async () => {
    if (editor) {
      await editor.conn.sendRequest(ShutdownRequest.type);
      await editor.conn.sendNotification(ExitNotification.type);
      const code = await new Promise<number | null>((resolve) => proc.on('exit', resolve));
      editor.conn.dispose();
      assert.equal(code, 0, `server exit code; stderr:\n${stderr}`);
    }
    fs.rmSync(workspace, { recursive: true, force: true });
  });

  test('advertises what the extension relies on', () => {
    const caps = init.capabilities;
    assert.ok(caps.codeActionProvider);
    assert.ok(caps.codeLensProvider);
    assert.ok(caps.hoverProvider);
    assert.deepEqual(caps.executeCommandProvider?.commands, ['hardline.fixScope', 'hardline.pinImage']);
  });

  test('diagnostics follow the settings and the config file', async () => {
    const uri = await editor.open(path.join(workspace, 'deployment.yaml'), 'yaml');
    const ds = await editor.currentDiagnostics(uri);
    const got = codes(ds);
    assert.ok(got.includes('KS201'), `KS201 expected in ${got}`);
    assert.ok(!got.includes('KS502'), 'KS502 is off in the settings');
    assert.ok(!got.includes('KS205'), 'KS205 is off in the config file');
    const ks201 = ds.find((d) => d.code === 'KS201')!;
    assert.equal(ks201.source, 'hardline');
    assert.equal(ks201.range.start.line, 13, 'at the container (- name: web)');
    assert.match(ks201.codeDescription?.href ?? '', /KS201/);
  });

  test('hover explains the rule', async () => {
    const uri = pathToFileURL(path.join(workspace, 'deployment.yaml')).href;
    const ks201 = (await editor.currentDiagnostics(uri)).find((d) => d.code === 'KS201')!;
    const hover = await editor.conn.sendRequest(HoverRequest.type, {
      textDocument: { uri },
      position: ks201.range.start,
    });
    assert.ok(hover && typeof hover.contents === 'object' && 'value' in hover.contents);
    assert.match(hover.contents.value, /allowPrivilegeEscalation/);
  });

  test('the KS201 quick fix sets allowPrivilegeEscalation: false and keeps comments', async () => {
    const uri = pathToFileURL(path.join(workspace, 'deployment.yaml')).href;
    const ks201 = (await editor.currentDiagnostics(uri)).find((d) => d.code === 'KS201')!;
    const actions = (await editor.conn.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: ks201.range,
      context: { diagnostics: [ks201], only: [CodeActionKind.QuickFix] },
    })) as CodeAction[];
    const fix = actions.find((a) => a.title === 'Set allowPrivilegeEscalation: false');
    assert.ok(fix, `no KS201 fix among ${actions.map((a) => a.title).join(' | ')}`);
    assert.equal(fix.isPreferred, true);
    const resolved = fix.edit ? fix : await editor.conn.sendRequest(CodeActionResolveRequest.type, fix);
    assert.ok(resolved.edit, 'the action has an edit');
    const before = editor.text(uri);
    editor.apply(resolved.edit);
    const afterText = editor.text(uri);
    assert.match(afterText, /allowPrivilegeEscalation: false/);
    for (const comment of before.split('\n').filter((l) => l.includes('#'))) {
      assert.ok(afterText.includes(comment.trimStart()), `comment kept: ${comment}`);
    }
    const ds = await editor.currentDiagnostics(uri);
    assert.ok(!codes(ds).includes('KS201'), `KS201 gone, got ${codes(ds)}`);
  });

  test('the lens command fixes a container through workspace/applyEdit', async () => {
    const uri = await editor.open(path.join(workspace, 'Dockerfile'), 'dockerfile');
    const before = await editor.currentDiagnostics(uri);
    assert.ok(codes(before).includes('DF201'), `DF201 expected in ${codes(before)}`);
    const lenses = await editor.conn.sendRequest(CodeLensRequest.type, { textDocument: { uri } });
    const lens = lenses?.find((l) => l.command?.command === 'hardline.fixScope');
    assert.ok(lens?.command, `a fix lens, got ${JSON.stringify(lenses)}`);
    assert.match(lens.command.title, /^hardline: \d+ issues? · Fix all$/);
    const applied = editor.appliedEdits;
    await editor.conn.sendRequest(ExecuteCommandRequest.type, {
      command: lens.command.command,
      arguments: lens.command.arguments,
    });
    assert.equal(editor.appliedEdits, applied + 1, 'the server sent one workspace/applyEdit');
    // The stage's safe and unsafe fixes: DF201's flag and DF101's USER.
    assert.equal(
      editor.text(uri),
      'FROM debian:12-slim\n' +
        'RUN apt-get update && apt-get install --no-install-recommends -y curl\n' +
        'USER 65532:65532\n' +
        'CMD ["curl", "--version"]\n',
    );
    const afterDs = await editor.currentDiagnostics(uri);
    assert.deepEqual(codes(afterDs), [], 'nothing left in the stage');
  });

  test('a settings change re-analyzes open documents', async () => {
    const uri = pathToFileURL(path.join(workspace, 'deployment.yaml')).href;
    assert.ok(codes(await editor.currentDiagnostics(uri)).includes('KS401'));
    const changed: ExtensionSettings = { ...settings, rules: { KS502: 'off', KS401: 'off' } };
    const published = editor.diagnostics.get(uri);
    // What extension.ts sends when a hardline.* setting changes.
    await editor.conn.sendNotification(DidChangeConfigurationNotification.type, {
      settings: { hardline: serverSettings(changed) },
    });
    const deadline = Date.now() + 10_000;
    while (editor.diagnostics.get(uri) === published && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const got = codes(await editor.currentDiagnostics(uri));
    assert.ok(!got.includes('KS401'), `KS401 now off, got ${got}`);
    assert.deepEqual(editor.messages, [], 'no error shown');
  });
});

// The VS Code side: starts `hardline lsp` with vscode-languageclient and keeps
// its settings in step with VS Code's. The mapping itself is in settings.ts.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as vscode from 'vscode';
import {
  DidChangeConfigurationNotification,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
} from 'vscode-languageclient/node';
import {
  documentSelector,
  ExtensionSettings,
  Host,
  readSettings,
  restartNeeded,
  serverCommand,
  serverSettings,
} from './settings';

let client: LanguageClient | undefined;
let running: ExtensionSettings | undefined;
let output: vscode.OutputChannel;

function settingsFor(scope?: vscode.Uri): ExtensionSettings {
  const config = vscode.workspace.getConfiguration('hardline', scope);
  return readSettings((key, defaultValue) => config.get(key, defaultValue));
}

function host(context: vscode.ExtensionContext): Host {
  return {
    extensionPath: context.extensionPath,
    platform: process.platform,
    workspaceFolder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
    home: os.homedir(),
    searchPath: process.env.PATH ?? '',
    isExecutable(file) {
      try {
        fs.accessSync(file, process.platform === 'win32' ? fs.constants.F_OK : fs.constants.X_OK);
        return fs.statSync(file).isFile();
      } catch {
        return false;
      }
    },
  };
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  const settings = settingsFor();
  const cmd = serverCommand(settings, host(context));
  if ('error' in cmd) {
    output.appendLine(cmd.error);
    const choice = await vscode.window.showErrorMessage(cmd.error, 'Open Settings');
    if (choice) {
      await vscode.commands.executeCommand('workbench.action.openSettings', 'hardline.path');
    }
    return;
  }
  output.appendLine(`starting ${cmd.command} ${cmd.args.join(' ')} (${cmd.origin})`);
  const serverOptions: ServerOptions = {
    command: cmd.command,
    args: cmd.args,
    options: { cwd: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector,
    initializationOptions: serverSettings(settings),
    outputChannel: output,
    middleware: {
      workspace: {
        // The server asks for section "hardline": answer with the server's
        // keys, not VS Code's (which include path and trace).
        configuration: async (params, token, next) => {
          const answers = await next(params, token);
          if (!Array.isArray(answers)) {
            return answers;
          }
          return params.items.map((item, i) =>
            item.section === 'hardline'
              ? serverSettings(settingsFor(item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined))
              : answers[i],
          );
        },
      },
    },
  };
  client = new LanguageClient('hardline', 'hardline', serverOptions, clientOptions);
  running = settings;
  try {
    await client.start();
  } catch (err) {
    client = undefined;
    const message = err instanceof Error ? err.message : String(err);
    void vscode.window.showErrorMessage(`hardline: the language server did not start: ${message}`);
  }
}

async function stop(): Promise<void> {
  const c = client;
  client = undefined;
  running = undefined;
  if (c) {
    await c.stop();
  }
}

async function settingsChanged(context: vscode.ExtensionContext): Promise<void> {
  const now = settingsFor();
  if (!client || !running || restartNeeded(running, now)) {
    await stop();
    await start(context);
    return;
  }
  running = now;
  await client.sendNotification(DidChangeConfigurationNotification.type, {
    settings: { hardline: serverSettings(now) },
  });
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel('hardline');
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand('hardline.restart', async () => {
      await stop();
      await start(context);
    }),
    vscode.commands.registerCommand('hardline.showOutput', () => output.show()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      // trace.server is read by the client itself.
      if (e.affectsConfiguration('hardline') && !e.affectsConfiguration('hardline.trace')) {
        void settingsChanged(context);
      }
    }),
  );
  await start(context);
}

export function deactivate(): Promise<void> {
  return stop();
}

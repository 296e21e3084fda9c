// The extension's settings and how they become the language server's command
// line and settings. Kept free of the vscode module so it runs under plain
// Node: the unit and integration tests import it directly.

import * as path from 'node:path';

/** What the user set under "hardline" in VS Code's settings. */
export interface ExtensionSettings {
  /** The hardline binary; empty: bundled, then PATH. */
  path: string;
  /** One config file for every document (hardline lsp --config). */
  configFile: string;
  profile: string;
  rules: Record<string, string>;
  kubernetesVersion: string;
  /** Allow "Pin to digest", which asks registries. */
  network: boolean;
}

/** Reads one setting, as vscode.WorkspaceConfiguration.get does. */
export type SettingGetter = <T>(key: string, defaultValue: T) => T;

export function readSettings(get: SettingGetter): ExtensionSettings {
  return {
    path: get('path', '').trim(),
    configFile: get('configFile', '').trim(),
    profile: get('profile', '').trim(),
    rules: get<Record<string, string>>('rules', {}) ?? {},
    kubernetesVersion: get('kubernetesVersion', '').trim(),
    network: get<boolean>('network', false) === true,
  };
}

/**
 * The server's settings: keys of .hardline.yaml, and only those the user set,
 * because the server lays them over each document's own .hardline.yaml and
 * refuses keys it does not know (path, trace and configFile are the
 * extension's own).
 */
export function serverSettings(s: ExtensionSettings): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (s.profile) {
    out.profile = s.profile;
  }
  if (s.rules && Object.keys(s.rules).length > 0) {
    out.rules = { ...s.rules };
  }
  if (s.kubernetesVersion) {
    out.kubernetesVersion = s.kubernetesVersion;
  }
  if (s.network) {
    out.network = true;
  }
  return out;
}

/** What serverCommand needs to know about the machine. */
export interface Host {
  /** The extension's folder, which holds bin/ in a platform-specific VSIX. */
  extensionPath: string;
  /** process.platform */
  platform: string;
  /** The first workspace folder, for relative paths in settings. */
  workspaceFolder?: string;
  /** The user's home, for "~/" in settings. */
  home?: string;
  /** Whether an executable file exists at this absolute path. */
  isExecutable(file: string): boolean;
  /** The PATH variable to search. */
  searchPath: string;
}

export interface ServerCommand {
  command: string;
  args: string[];
  /** Where the binary was found, for the output channel. */
  origin: 'setting' | 'bundled' | 'PATH';
}

export interface MissingServer {
  error: string;
}

function expand(p: string, host: Host): string {
  if (host.home && (p === '~' || p.startsWith('~/'))) {
    p = path.join(host.home, p.slice(1));
  }
  if (!path.isAbsolute(p) && host.workspaceFolder) {
    p = path.join(host.workspaceFolder, p);
  }
  return p;
}

function exeName(platform: string): string {
  return platform === 'win32' ? 'hardline.exe' : 'hardline';
}

function onPath(name: string, host: Host): string | undefined {
  const sep = host.platform === 'win32' ? ';' : ':';
  for (const dir of host.searchPath.split(sep)) {
    if (dir === '') {
      continue;
    }
    const candidate = path.join(dir, name);
    if (host.isExecutable(candidate)) {
      return candidate;
    }
  }
  return undefined;
}

/**
 * Finds the binary and builds the command line: the hardline.path setting if
 * set (a bare name is looked up on PATH), else the binary bundled in the
 * VSIX, else hardline on PATH.
 */
export function serverCommand(s: ExtensionSettings, host: Host): ServerCommand | MissingServer {
  const args = ['lsp'];
  if (s.configFile) {
    args.push('--config', expand(s.configFile, host));
  }
  if (s.path) {
    const bare = !s.path.includes('/') && !s.path.includes('\\') && !s.path.startsWith('~');
    const file = bare ? onPath(s.path, host) : expand(s.path, host);
    if (file && host.isExecutable(file)) {
      return { command: file, args, origin: 'setting' };
    }
    return {
      error: `hardline: the binary in the "hardline.path" setting (${s.path}) ` +
        (bare ? 'is not on PATH' : 'does not exist or is not executable') + '.',
    };
  }
  const bundled = path.join(host.extensionPath, 'bin', exeName(host.platform));
  if (host.isExecutable(bundled)) {
    return { command: bundled, args, origin: 'bundled' };
  }
  const found = onPath(exeName(host.platform), host);
  if (found) {
    return { command: found, args, origin: 'PATH' };
  }
  return {
    error: 'hardline: no hardline binary found. This extension package has none for this platform and ' +
      'there is none on PATH: install hardline (`go install .` in its repository) or set "hardline.path".',
  };
}

/** Whether a settings change needs a new server process rather than a notification. */
export function restartNeeded(before: ExtensionSettings, after: ExtensionSettings): boolean {
  return before.path !== after.path || before.configFile !== after.configFile;
}

/**
 * The documents the server is given. It decides itself which YAML and JSON
 * files are manifests (by apiVersion and kind), so every one is sent.
 */
export const documentSelector = [
  { scheme: 'file', language: 'yaml' },
  { scheme: 'untitled', language: 'yaml' },
  { scheme: 'file', language: 'json' },
  { scheme: 'file', language: 'dockerfile' },
  { scheme: 'untitled', language: 'dockerfile' },
  // VS Code does not know these names as Dockerfiles.
  { scheme: 'file', pattern: '**/{Containerfile,Dockerfile-*,*.Dockerfile,*.dockerfile}' },
];

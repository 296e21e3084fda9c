// Unit tests of the settings → server mapping: what VS Code's settings turn
// into (command line, initializationOptions) without VS Code.

import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import {
  ExtensionSettings,
  Host,
  readSettings,
  restartNeeded,
  serverCommand,
  serverSettings,
} from '../src/settings';

const defaults: ExtensionSettings = readSettings((_key, defaultValue) => defaultValue);

function settings(over: Partial<ExtensionSettings>): ExtensionSettings {
  return { ...defaults, ...over };
}

function fakeHost(executables: string[], over: Partial<Host> = {}): Host {
  const set = new Set(executables);
  return {
    extensionPath: '/ext',
    platform: 'linux',
    workspaceFolder: '/work/repo',
    home: '/home/me',
    searchPath: '/usr/local/bin:/usr/bin',
    isExecutable: (file) => set.has(file),
    ...over,
  };
}

describe('readSettings', () => {
  test('defaults are empty', () => {
    assert.deepEqual(defaults, {
      path: '',
      configFile: '',
      profile: '',
      rules: {},
      kubernetesVersion: '',
      network: false,
    });
  });
  test('reads and trims what is set', () => {
    const values: Record<string, unknown> = {
      path: ' /opt/hardline ',
      profile: 'baseline',
      rules: { KS301: 'off' },
      kubernetesVersion: '1.30 ',
      network: true,
    };
    const got = readSettings(<T>(key: string, d: T) => (key in values ? (values[key] as T) : d));
    assert.deepEqual(got, {
      path: '/opt/hardline',
      configFile: '',
      profile: 'baseline',
      rules: { KS301: 'off' },
      kubernetesVersion: '1.30',
      network: true,
    });
  });
  test('a null rules object is empty', () => {
    const got = readSettings(<T>(key: string, d: T) => (key === 'rules' ? (null as T) : d));
    assert.deepEqual(got.rules, {});
  });
});

describe('serverSettings', () => {
  test('nothing set sends nothing, so .hardline.yaml decides', () => {
    assert.deepEqual(serverSettings(defaults), {});
  });
  test('only .hardline.yaml keys, only those set', () => {
    const got = serverSettings(
      settings({
        path: '/opt/hardline',
        configFile: 'ci/hardline.yaml',
        profile: 'all',
        rules: { KS301: 'off', 'privilege-escalation': 'warning' },
        kubernetesVersion: '1.29',
        network: true,
      }),
    );
    assert.deepEqual(got, {
      profile: 'all',
      rules: { KS301: 'off', 'privilege-escalation': 'warning' },
      kubernetesVersion: '1.29',
      network: true,
    });
  });
  test('the rules object is a copy', () => {
    const s = settings({ rules: { KS301: 'off' } });
    const got = serverSettings(s) as { rules: Record<string, string> };
    got.rules.KS302 = 'off';
    assert.deepEqual(s.rules, { KS301: 'off' });
  });
});

describe('serverCommand', () => {
  test('bundled binary first', () => {
    const got = serverCommand(defaults, fakeHost(['/ext/bin/hardline', '/usr/bin/hardline']));
    assert.deepEqual(got, { command: '/ext/bin/hardline', args: ['lsp'], origin: 'bundled' });
  });
  test('bundled binary on Windows has .exe', () => {
    const got = serverCommand(defaults, fakeHost([path.join('/ext', 'bin', 'hardline.exe')], { platform: 'win32' }));
    assert.ok(!('error' in got));
    assert.equal(got.origin, 'bundled');
  });
  test('then PATH', () => {
    const got = serverCommand(defaults, fakeHost(['/usr/bin/hardline']));
    assert.deepEqual(got, { command: '/usr/bin/hardline', args: ['lsp'], origin: 'PATH' });
  });
  test('the setting wins over both', () => {
    const got = serverCommand(
      settings({ path: '/opt/hardline' }),
      fakeHost(['/opt/hardline', '/ext/bin/hardline', '/usr/bin/hardline']),
    );
    assert.deepEqual(got, { command: '/opt/hardline', args: ['lsp'], origin: 'setting' });
  });
  test('the setting may be a bare name on PATH, ~/ or relative to the workspace', () => {
    const host = fakeHost(['/usr/local/bin/hardline-dev', '/home/me/go/bin/hardline', '/work/repo/tools/hardline']);
    assert.equal((serverCommand(settings({ path: 'hardline-dev' }), host) as { command: string }).command,
      '/usr/local/bin/hardline-dev');
    assert.equal((serverCommand(settings({ path: '~/go/bin/hardline' }), host) as { command: string }).command,
      '/home/me/go/bin/hardline');
    assert.equal((serverCommand(settings({ path: 'tools/hardline' }), host) as { command: string }).command,
      '/work/repo/tools/hardline');
  });
  test('a missing binary in the setting is an error naming it, with no fallback', () => {
    const got = serverCommand(settings({ path: '/nope/hardline' }), fakeHost(['/usr/bin/hardline']));
    assert.ok('error' in got);
    assert.match(got.error, /hardline\.path/);
    assert.match(got.error, /\/nope\/hardline/);
  });
  test('no binary anywhere says how to get one', () => {
    const got = serverCommand(defaults, fakeHost([]));
    assert.ok('error' in got);
    assert.match(got.error, /no hardline binary found/);
    assert.match(got.error, /hardline\.path/);
  });
  test('configFile becomes --config with an absolute path', () => {
    const got = serverCommand(settings({ configFile: 'ci/hardline.yaml' }), fakeHost(['/usr/bin/hardline']));
    assert.ok(!('error' in got));
    assert.deepEqual(got.args, ['lsp', '--config', '/work/repo/ci/hardline.yaml']);
  });
});

describe('restartNeeded', () => {
  test('binary or config file: restart; rules: notification', () => {
    assert.equal(restartNeeded(defaults, settings({ path: '/opt/hardline' })), true);
    assert.equal(restartNeeded(defaults, settings({ configFile: 'x.yaml' })), true);
    assert.equal(restartNeeded(defaults, settings({ profile: 'all', rules: { KS301: 'off' } })), false);
  });
});

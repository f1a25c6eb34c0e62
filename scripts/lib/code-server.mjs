// Real VS Code for tests and for `npm run open` on machines without desktop VS Code:
// code-server (VS Code 1.100.3 on Node 20) installed from npm into .cache/code-server.
// The install steps are the ones recorded in shared/notes/testbed.md.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cacheDir, ensureDebianPackages, ensureDir, log, run, spawnDetached, waitFor } from '../../test/services/lib.mjs';

export const CODE_SERVER_VERSION = '4.100.3';
const installDir = path.join(cacheDir, 'code-server');
const binary = path.join(installDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');

function nodeHeadersPrefix() {
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  return fs.existsSync(path.join(prefix, 'include', 'node', 'node_api.h')) ? prefix : undefined;
}

/** @vscode/ripgrep downloads rg from GitHub on install; seed its cache with Debian's rg instead. */
async function seedRipgrepCache() {
  const cache = ensureDir(path.join(os.tmpdir(), 'vscode-ripgrep-cache-1.15.11'));
  const tarball = path.join(cache, 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz');
  if (fs.existsSync(tarball)) return;
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'rg-'));
  fs.copyFileSync('/usr/bin/rg', path.join(staging, 'rg'));
  await run('tar', ['-czf', tarball, '-C', staging, 'rg']);
  fs.rmSync(staging, { recursive: true, force: true });
}

export async function ensureCodeServer() {
  const marker = path.join(installDir, '.installed');
  if (fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') === CODE_SERVER_VERSION && fs.existsSync(binary)) return binary;
  await ensureDebianPackages(['libkrb5-dev', 'ripgrep', 'build-essential', 'python3'], 'code-server');
  await seedRipgrepCache();
  fs.rmSync(installDir, { recursive: true, force: true });
  ensureDir(installDir);
  fs.writeFileSync(path.join(installDir, 'package.json'), JSON.stringify({ name: 'archlab-code-server', private: true }));
  log('code-server', `installing code-server@${CODE_SERVER_VERSION} into ${installDir} (first run only, about 2 minutes)`);
  const headers = nodeHeadersPrefix();
  await run('npm', ['install', '--no-audit', '--no-fund', '--no-save', `code-server@${CODE_SERVER_VERSION}`], {
    cwd: installDir,
    env: {
      npm_config_unsafe_perm: 'true',
      npm_config_yes: 'true',
      // npm 11 blocks dependency install scripts by default; code-server needs its postinstall (native modules).
      npm_config_dangerously_allow_all_scripts: 'true',
      ...(headers ? { npm_config_nodedir: headers } : {}),
    },
  });
  if (!fs.existsSync(binary)) throw new Error(`code-server installed, but ${binary} is missing`);
  fs.writeFileSync(marker, CODE_SERVER_VERSION);
  return binary;
}

/** HOME and XDG folders of its own, so code-server never writes into the user's. */
function isolatedEnv(stateDir) {
  const home = ensureDir(path.join(stateDir, 'home'));
  const xdg = (name) => ensureDir(path.join(home, name));
  return { EXTENSIONS_GALLERY: '{}', HOME: home, XDG_CONFIG_HOME: xdg('.config'), XDG_DATA_HOME: xdg('.local/share'), XDG_CACHE_HOME: xdg('.cache') };
}

/**
 * Starts code-server on 127.0.0.1 with throw-away profile folders under `stateDir`.
 * Returns { pid, url, port }; stop it with stopGroup(pid) (its extension host lingers otherwise).
 */
export async function startCodeServer({ port, stateDir, extensionsDir, env = {}, logFile }) {
  const entry = await ensureCodeServer();
  const userDataDir = ensureDir(path.join(stateDir, 'user-data'));
  const extensions = ensureDir(extensionsDir ?? path.join(stateDir, 'extensions'));
  ensureDir(path.join(userDataDir, 'User'));
  const settingsFile = path.join(userDataDir, 'User', 'settings.json');
  if (!fs.existsSync(settingsFile)) {
    fs.writeFileSync(
      settingsFile,
      JSON.stringify(
        {
          'window.autoDetectHighContrast': false,
          'workbench.startupEditor': 'none',
          'workbench.tips.enabled': false,
          'telemetry.telemetryLevel': 'off',
          'security.workspace.trust.enabled': false,
          'git.openRepositoryInParentFolders': 'never',
        },
        null,
        2,
      ),
    );
  }
  const pid = spawnDetached(
    process.execPath,
    [
      entry,
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--auth',
      'none',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--user-data-dir',
      userDataDir,
      '--extensions-dir',
      extensions,
    ],
    {
      env: { ...isolatedEnv(stateDir), ...env },
      logFile: logFile ?? path.join(stateDir, 'code-server.log'),
    },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitFor('code-server to answer', async () => (await fetch(`${url}/healthz`)).ok, {
    timeoutMs: 60_000,
    logFile: logFile ?? path.join(stateDir, 'code-server.log'),
  });
  return { pid, url, port };
}

/** Installs a .vsix into an extensions folder the way a user would (`--install-extension`). */
export async function installExtension(vsix, { extensionsDir, stateDir }) {
  const entry = await ensureCodeServer();
  const userDataDir = ensureDir(path.join(stateDir, 'user-data'));
  const { stdout } = await run(
    process.execPath,
    [entry, '--install-extension', vsix, '--force', '--extensions-dir', ensureDir(extensionsDir), '--user-data-dir', userDataDir],
    { env: isolatedEnv(stateDir) },
  );
  return stdout;
}

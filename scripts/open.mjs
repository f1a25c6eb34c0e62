#!/usr/bin/env node
// `npm run open`: install, build, and open VS Code with Archlab loaded from this checkout.
// Desktop `code` when it is on PATH; otherwise code-server on 127.0.0.1, printing the URL to open.
//   ARCHLAB_OPEN_WITH=code-server   force code-server;   ARCHLAB_PORT=8080   its port (default: 8080, or a free one)
import { spawn } from 'node:child_process';
import path from 'node:path';
import { startCodeServer } from './lib/code-server.mjs';
import { ensureNodeModules, npmRun } from './lib/setup.mjs';
import { cacheDir, commandExists, ensureDir, freePort, isAlive, repoRoot, stopGroup, tcpOpen } from '../test/services/lib.mjs';

const workspace = path.resolve(process.argv[2] ?? repoRoot);

await ensureNodeModules();
await npmRun('build');

if (process.env.ARCHLAB_OPEN_WITH !== 'code-server' && commandExists('code')) {
  console.log(`Opening VS Code with Archlab from ${repoRoot}`);
  spawn('code', [`--extensionDevelopmentPath=${repoRoot}`, workspace], { stdio: 'inherit', detached: true }).unref();
} else {
  const wanted = Number(process.env.ARCHLAB_PORT ?? 8080);
  const port = (await tcpOpen('127.0.0.1', wanted)) ? await freePort() : wanted;
  const stateDir = ensureDir(path.join(cacheDir, 'open-vscode'));
  const server = await startCodeServer({ port, stateDir });
  const payload = JSON.stringify([['extensionDevelopmentPath', `vscode-remote://127.0.0.1:${port}${repoRoot}`]]);
  const url = `${server.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(payload)}`;
  console.log(
    `\nArchlab is loaded in VS Code (code-server) at:\n\n  ${url}\n\nOpen it in a browser on this machine. Logs: ${path.join(stateDir, 'code-server.log')}. Ctrl+C stops it.`,
  );
  // Stay in the foreground (a pending promise alone would let Node exit and orphan code-server) until Ctrl+C,
  // or until code-server itself ends.
  const watch = setInterval(() => {
    if (!isAlive(server.pid)) {
      console.log('code-server ended.');
      process.exit(0);
    }
  }, 2000);
  const stop = async () => {
    clearInterval(watch);
    await stopGroup(server.pid, { graceMs: 5000 });
    process.exit(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, stop);
}

#!/usr/bin/env node
// Bundles the extension host code and the webview code with esbuild (CommonJS for the host).
//   node scripts/build.mjs [--production] [--watch]
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = { bundle: true, sourcemap: true, minify: production, logLevel: 'info', absWorkingDir: root, metafile: true };

/** The host bundle loaded at activation (extension.js) and the heavy clients' bundles, loaded on first use. */
const host = {
  ...common,
  entryPoints: {
    extension: 'src/extension.ts',
    docker: 'src/clients/docker/index.ts',
    kafka: 'src/clients/kafka/index.ts',
    cassandra: 'src/clients/cassandra/index.ts',
    generatorWorker: 'src/workers/generator/worker.ts',
    cli: 'src/cli/main.ts',
    charts: 'src/clients/charts/index.ts',
  },
  outdir: 'dist',
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // ssh2 (under dockerode) tries optional native add-ons in try/catch and falls back to JS.
  // @platformatic/kafka: only the bench and the tests produce with it, from node_modules (see clients/kafka/producer.ts).
  external: ['vscode', '*.node', 'canvas', '@platformatic/kafka'],
};

/** Browser code of the webviews. */
const webview = {
  ...common,
  entryPoints: { comparison: 'media/comparison/main.ts' },
  outdir: 'dist/webview',
  platform: 'browser',
  format: 'iife',
  target: 'es2022',
};

function copyCodicons() {
  const from = path.join(root, 'node_modules', '@vscode', 'codicons', 'dist');
  const to = path.join(root, 'dist', 'webview');
  fs.mkdirSync(to, { recursive: true });
  for (const file of ['codicon.css', 'codicon.ttf']) fs.copyFileSync(path.join(from, file), path.join(to, file));
}

function reportSizes(result, label) {
  for (const [file, info] of Object.entries(result.metafile.outputs)) {
    if (file.endsWith('.js')) console.log(`${label}: ${file} ${(info.bytes / 1024).toFixed(1)} KB`);
  }
}

copyCodicons();
if (watch) {
  for (const options of [host, webview]) await (await esbuild.context(options)).watch();
  console.log('watching for changes (Ctrl+C to stop)');
} else {
  const [hostResult, webviewResult] = await Promise.all([esbuild.build(host), esbuild.build(webview)]);
  reportSizes(hostResult, 'host bundle');
  reportSizes(webviewResult, 'webview bundle');
}

// Bundles what the benchmark runs, the way the extension ships it (esbuild, CommonJS, kafkajs inside): the generator's
// controller and worker, the Kafka client, and the core generator. Output in .cache/bench-build (ignored by git).
import * as esbuild from 'esbuild';
import path from 'node:path';
import { createRequire } from 'node:module';
import { cacheDir, repoRoot } from '../test/services/lib.mjs';

export async function buildBenchBundles() {
  const outdir = path.join(cacheDir, 'bench-build');
  await esbuild.build({
    absWorkingDir: repoRoot,
    entryPoints: {
      generatorController: 'src/services/generator/controller.ts',
      generatorWorker: 'src/workers/generator/worker.ts',
      kafka: 'src/clients/kafka/index.ts',
      core: 'src/core/eventSource.ts',
    },
    outdir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode', '@platformatic/kafka'],
    logLevel: 'warning',
  });
  const require = createRequire(import.meta.url);
  return {
    dir: outdir,
    workerPath: path.join(outdir, 'generatorWorker.js'),
    controller: require(path.join(outdir, 'generatorController.js')),
    kafka: require(path.join(outdir, 'kafka.js')),
    core: require(path.join(outdir, 'core.js')),
  };
}

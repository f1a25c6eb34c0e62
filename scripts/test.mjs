#!/usr/bin/env node
// The one test command: installs what the tests need, runs the suites, and ends with
// "N passed, N failed" summed over every suite.
//   node scripts/test.mjs all | unit | integration | python | vscode | ui   [extra args for the runner]
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ensureCodeServer } from './lib/code-server.mjs';
import { ensureChromium } from './lib/chromium.mjs';
import { ensureNodeModules, npmRun } from './lib/setup.mjs';
import { cacheDir, readState, repoRoot } from '../test/services/lib.mjs';
import { startServices, stopServices } from '../test/services/bed.mjs';

const resultsDir = path.join(repoRoot, 'test-results');
const ALL_SERVICES = ['kafka', 'cassandra', 'hdfs', 'spark', 'docker'];
/** services: the real test bed (test/services) a suite needs; started once, shared, stopped at the end. */
const SUITES = {
  unit: { services: [], prepare: [], run: (extra) => mocha('unit', 'out/test/unit/**/*.test.js', extra) },
  integration: {
    services: ['kafka', 'cassandra', 'hdfs', 'docker'],
    prepare: [],
    run: (extra) => mocha('integration', 'out/test/integration/**/*.test.js', extra, { timeout: 300_000 }),
  },
  python: { services: ALL_SERVICES.filter((s) => s !== 'docker'), prepare: [], run: (extra) => pytest(extra) },
  vscode: { services: ['kafka', 'cassandra', 'docker'], prepare: [ensureCodeServer, ensureChromium], run: (extra) => vscodeTests(extra) },
  ui: {
    services: ['kafka', 'cassandra', 'docker'],
    prepare: [ensureCodeServer, ensureChromium, () => npmRun('package')],
    run: (extra) => mocha('ui', 'out/test/ui/**/*.test.js', extra, { timeout: 300_000, env: dockerEnv() }),
  },
};
const ORDER = ['unit', 'integration', 'python', 'vscode', 'ui'];

function runProcess(command, args, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: repoRoot, stdio: 'inherit', env: { ...process.env, ...env } });
    child.on('error', (error) => {
      console.error(error.message);
      resolve(127);
    });
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

function resultsFile(suite) {
  return path.join(resultsDir, `${suite}.json`);
}

function mocha(suite, spec, extra, { timeout = 120_000, env = {} } = {}) {
  // --exit: a client library's idle sockets or timers must not keep a finished suite alive.
  return runProcess(
    process.execPath,
    [
      path.join(repoRoot, 'node_modules', 'mocha', 'bin', 'mocha.js'),
      '--exit',
      '--timeout',
      String(timeout),
      '--reporter',
      path.join(repoRoot, 'test', 'support', 'summary-reporter.cjs'),
      spec,
      ...extra,
    ],
    { ARCHLAB_RESULTS_FILE: resultsFile(suite), ...env },
  );
}

/** The test bed's Docker engine for VS Code under test: the extension reads DOCKER_HOST, compose its plugins. */
function dockerEnv() {
  const docker = readState().docker;
  return docker ? { DOCKER_HOST: docker.host, DOCKER_CONFIG: docker.dockerConfig } : {};
}

function vscodeTests(extra) {
  return runProcess(process.execPath, [path.join(repoRoot, 'node_modules', '@vscode', 'test-cli', 'out', 'bin.mjs'), ...extra], {
    ...dockerEnv(),
    ARCHLAB_RESULTS_FILE: resultsFile('vscode'),
    ARCHLAB_VSCODE_SHIM: process.env.ARCHLAB_VSCODE_SHIM ?? path.join(repoRoot, 'test', 'vscode', 'shim', 'code'),
  });
}

/** pytest in the project's virtual environment (made by the spark test service); counts from its JUnit XML. */
function pytest(extra) {
  const python = path.join(cacheDir, 'venv', 'bin', 'python');
  const xml = path.join(resultsDir, 'python.xml');
  return runProcess(python, ['-m', 'pytest', 'test/python', '-q', `--junitxml=${xml}`, ...extra]).then((code) => {
    if (fs.existsSync(xml)) {
      const attr = (name) =>
        [...fs.readFileSync(xml, 'utf8').matchAll(new RegExp(`<testsuite [^>]*\\b${name}="(\\d+)"`, 'g'))].reduce((sum, m) => sum + Number(m[1]), 0);
      const failed = attr('failures') + attr('errors');
      fs.writeFileSync(resultsFile('python'), JSON.stringify({ passed: attr('tests') - failed - attr('skipped'), failed, skipped: attr('skipped') }));
    }
    return code;
  });
}

/** Counts from the suite's results file; a suite that crashed before reporting counts as one failure. */
function countsOf(suite, exitCode) {
  const file = resultsFile(suite);
  const counts = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : undefined;
  if (!counts) return { passed: 0, failed: 1, skipped: 0, note: `no results (exit code ${exitCode}): the suite crashed before reporting` };
  if (exitCode !== 0 && counts.failed === 0) return { ...counts, failed: 1, note: `exit code ${exitCode} although no test failed` };
  return counts;
}

async function main() {
  const [target = 'all', ...extra] = process.argv.slice(2);
  const suites = target === 'all' ? ORDER : [target];
  for (const suite of suites) if (!SUITES[suite]) throw new Error(`unknown suite "${suite}": use all, ${ORDER.join(', ')}`);
  const started = Date.now();

  await ensureNodeModules();
  await npmRun('build');
  await npmRun('compile-tests');
  fs.rmSync(resultsDir, { recursive: true, force: true });
  fs.mkdirSync(resultsDir, { recursive: true });

  const summary = [];
  const services = ALL_SERVICES.filter((name) => suites.some((suite) => SUITES[suite].services.includes(name)));
  const stopBed = () => stopServices(services).catch((error) => console.error(`stopping the test bed: ${error.message}`));
  const interrupted = () => {
    void stopBed().then(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  let bedStarted = false;
  try {
    for (const suite of suites) {
      const suiteStarted = Date.now();
      let exitCode;
      try {
        if (SUITES[suite].services.length > 0 && !bedStarted) {
          bedStarted = true;
          const bedStarting = Date.now();
          await startServices(services);
          console.log(`[test] test bed (${services.join(', ')}) up in ${((Date.now() - bedStarting) / 1000).toFixed(0)} s`);
        }
        for (const step of SUITES[suite].prepare) await step();
        exitCode = await SUITES[suite].run(target === 'all' ? [] : extra);
      } catch (error) {
        console.error(`suite ${suite} could not run: ${error.message}`);
        exitCode = 1;
      }
      summary.push({ suite, seconds: (Date.now() - suiteStarted) / 1000, ...countsOf(suite, exitCode) });
    }
  } finally {
    if (bedStarted) await stopBed();
  }

  console.log('\nSuites:');
  for (const s of summary) {
    console.log(
      `  ${s.suite.padEnd(12)} ${String(s.passed).padStart(4)} passed ${String(s.failed).padStart(3)} failed ${String(s.skipped ?? 0).padStart(3)} skipped  ${s.seconds.toFixed(0)} s${s.note ? `  (${s.note})` : ''}`,
    );
  }
  const total = (key) => summary.reduce((sum, s) => sum + (s[key] ?? 0), 0);
  console.log(`Total time: ${((Date.now() - started) / 1000).toFixed(0)} s`);
  const skipped = total('skipped');
  console.log(`${total('passed')} passed, ${total('failed')} failed${skipped ? `, ${skipped} skipped` : ''}`);
  return total('failed') === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error.message);
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);

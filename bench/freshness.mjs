// Optional: the kappa freshness benchmark (test/python/bench_freshness.py, written alongside the PySpark jobs), run
// with the project's virtual environment when both exist. Its output is printed as is.
import fs from 'node:fs';
import path from 'node:path';
import { cacheDir, repoRoot, run } from '../test/services/lib.mjs';

export function freshnessBenchAvailable() {
  const script = path.join(repoRoot, 'test', 'python', 'bench_freshness.py');
  const python = path.join(cacheDir, 'venv', 'bin', 'python');
  return fs.existsSync(script) && fs.existsSync(python) ? { script, python } : undefined;
}

/** The test-bed services the freshness benchmark needs (its docstring says so). */
export const FRESHNESS_SERVICES = ['kafka', 'cassandra', 'spark'];

export async function runFreshnessBench({ script, python }) {
  try {
    const { stdout, stderr } = await run(python, [script], { cwd: repoRoot });
    return { ok: true, output: `${stdout}${stderr ? `\n${stderr.split('\n').slice(-20).join('\n')}` : ''}`.trim() };
  } catch (error) {
    return { ok: false, output: String(error.message).split('\n').slice(0, 30).join('\n') };
  }
}

// Runs the generator's worker script either as a worker thread or as a child process, behind one small handle.
// A child process with its own session gets its own CPU scheduling group on Linux (autogroup): a generator producing
// flat out then cannot take the extension host's CPU share when the machine is saturated (see bench/README.md).
import { fork } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import type { HostToWorker, WorkerToHost } from './protocol';

export type GeneratorIsolation = 'thread' | 'process';

export interface WorkerHandle {
  post(message: HostToWorker): void;
  /** Ends the worker (a child process is killed). */
  terminate(): Promise<void>;
}

export interface WorkerEvents {
  message(message: WorkerToHost): void;
  /** The worker failed or exited on its own. */
  gone(reason: string): void;
}

export function spawnWorker(workerPath: string, isolation: GeneratorIsolation, events: WorkerEvents): WorkerHandle {
  return isolation === 'process' ? spawnProcess(workerPath, events) : spawnThread(workerPath, events);
}

function spawnThread(workerPath: string, events: WorkerEvents): WorkerHandle {
  const worker = new Worker(workerPath);
  let ended = false;
  worker.on('message', (message: WorkerToHost) => events.message(message));
  worker.on('error', (error) => {
    if (!ended) events.gone(`the generator's worker failed: ${error.message}`);
  });
  worker.on('exit', (code) => {
    if (!ended) events.gone(`the generator's worker exited (code ${code})`);
  });
  return {
    post: (message) => worker.postMessage(message),
    terminate: async () => {
      ended = true;
      await worker.terminate().catch(() => 0);
    },
  };
}

function spawnProcess(workerPath: string, events: WorkerEvents): WorkerHandle {
  // detached: a session (and so a scheduling group) of its own; it exits when the IPC channel closes (worker.ts),
  // so it never outlives the extension host. stderr is kept for the error message if it dies.
  const child = fork(workerPath, [], {
    detached: process.platform !== 'win32',
    serialization: 'advanced',
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    env: { ...process.env, ARCHLAB_GENERATOR_CHILD: '1' },
  });
  let ended = false;
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-2000);
  });
  child.on('message', (message) => events.message(message as WorkerToHost));
  child.on('error', (error) => {
    if (!ended) events.gone(`the generator's process failed: ${error.message}`);
  });
  child.on('exit', (code, signal) => {
    if (!ended)
      events.gone(`the generator's process exited (${signal ?? `code ${code}`})${stderr ? `: ${stderr.trim().split('\n').slice(-3).join(' | ')}` : ''}`);
  });
  return {
    post: (message) => {
      if (child.connected) child.send(message);
    },
    terminate: async () => {
      ended = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}

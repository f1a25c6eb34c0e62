// Entry of the generator's worker (bundled as dist/generatorWorker.js; tests use out/src/workers/generator/worker.js), run as a
// worker thread or as a child process (workerHandle.ts). It owns kafkajs and the event loop that produces; the
// extension host only exchanges small messages with it.
import { parentPort } from 'node:worker_threads';
import { serializeKafkaError, toKafkaClientError } from '../../clients/kafka/errors';
import { GeneratorEngine } from './engine';
import { idleStatus, type GeneratorStartOptions, type GeneratorStatus, type HostToWorker, type WorkerToHost } from '../../services/generator/protocol';

const channel = parentPort
  ? { post: (m: WorkerToHost) => parentPort!.postMessage(m), listen: (h: (m: HostToWorker) => void) => parentPort!.on('message', h) }
  : process.send && process.env.ARCHLAB_GENERATOR_CHILD
    ? {
        post: (m: WorkerToHost) => {
          if (process.connected) process.send!(m);
        },
        listen: (h: (m: HostToWorker) => void) => process.on('message', h),
      }
    : undefined;

if (channel && !parentPort) {
  // A child process: gone with its parent (the IPC channel closes when the extension host exits or kills it).
  process.on('disconnect', () => process.exit(0));
}

if (channel) {
  const post = channel.post;
  let engine: GeneratorEngine | undefined;

  channel.listen((message: HostToWorker) => {
    switch (message.type) {
      case 'start': {
        if (engine) return;
        try {
          engine = new GeneratorEngine(
            message.options,
            {
              status: (status) => post({ type: 'status', status }),
              log: (entry) => post({ type: 'log', entry }),
            },
            message.logLevel,
          );
        } catch (error) {
          const mapped = toKafkaClientError(error, { brokers: message.options.brokers ?? [], operation: 'start the generator' });
          post({ type: 'startFailed', error: { kind: 'invalid-request', message: mapped.message }, status: failedStatus(message.options) });
          return;
        }
        const current = engine;
        current.start().then(
          (status) => post({ type: 'started', status }),
          (error) =>
            post({
              type: 'startFailed',
              error: serializeKafkaError(toKafkaClientError(error, { brokers: message.options.brokers })),
              status: current.status(),
            }),
        );
        return;
      }
      case 'setRate':
        try {
          engine?.setRate(message.eventsPerSecond);
        } catch (error) {
          post({ type: 'log', entry: { level: 'error', namespace: 'Generator', message: (error as Error).message, extra: {} } });
        }
        return;
      case 'resume':
        engine?.resume();
        return;
      case 'hold':
        post({ type: 'held', generated: engine?.hold() ?? 0 });
        return;
      case 'finishAt':
        engine?.finishAt(message.events);
        return;
      case 'stop':
        if (!engine) return;
        void engine.stop(message.flushTimeoutMs).then((status) => post({ type: 'stopped', status }));
        return;
    }
  });

  // Nothing may escape as an unhandled rejection in the worker: report it instead.
  process.on('unhandledRejection', (reason) => {
    post({
      type: 'log',
      entry: { level: 'error', namespace: 'Generator', message: `unhandled rejection: ${(reason as Error)?.message ?? String(reason)}`, extra: {} },
    });
  });
}

function failedStatus(options: Partial<GeneratorStartOptions>): GeneratorStatus {
  return {
    ...idleStatus(options.topic ?? ''),
    state: 'failed',
    brokers: options.brokers ?? [],
    seed: options.seed ?? 0,
    targetRate: options.eventsPerSecond ?? 0,
  };
}

// kafkajs errors → KafkaClientError kinds with messages that say what to do. Duck-typed on the error names, so this
// module loads without kafkajs (the generator controller uses it on the host side too).
import { KafkaClientError, type KafkaErrorKind } from './types';

interface ErrorLike {
  name?: string;
  message?: string;
  type?: string;
  code?: string | number;
  broker?: string;
  host?: string;
  port?: number;
  cause?: unknown;
  originalError?: unknown;
  errors?: unknown[];
}

/** The error and everything it wraps (cause, originalError, aggregated errors), outermost first. */
export function errorChain(error: unknown): ErrorLike[] {
  const chain: ErrorLike[] = [];
  const seen = new Set<unknown>();
  const visit = (e: unknown) => {
    if (!e || typeof e !== 'object' || seen.has(e) || chain.length > 20) return;
    seen.add(e);
    const like = e as ErrorLike;
    chain.push(like);
    visit(like.cause);
    visit(like.originalError);
    if (Array.isArray(like.errors)) for (const inner of like.errors) visit(inner);
  };
  visit(error);
  return chain;
}

const CONNECTION_ERRORS = new Set(['KafkaJSConnectionError', 'KafkaJSConnectionClosedError']);
const UNRESOLVED = /\b(ENOTFOUND|EAI_AGAIN)\b/;
const SYSTEM_CODE = /\b(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|EPIPE)\b/;

function normalizeAddress(address: string): string {
  return address
    .trim()
    .toLowerCase()
    .replace(/^localhost:/, '127.0.0.1:');
}

/** host:port a connection error was about, when kafkajs said. */
function brokerOf(e: ErrorLike): string | undefined {
  if (typeof e.broker === 'string' && e.broker && !e.broker.startsWith('undefined')) return e.broker;
  if (e.host && e.port) return `${e.host}:${e.port}`;
  return undefined;
}

function systemCode(e: ErrorLike): string | undefined {
  if (typeof e.code === 'string' && SYSTEM_CODE.test(e.code)) return e.code;
  return SYSTEM_CODE.exec(e.message ?? '')?.[1];
}

const TOPIC_NOT_FOUND = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'UNKNOWN_TOPIC_ID']);
const INVALID = new Set([
  'INVALID_TOPIC_EXCEPTION',
  'INVALID_PARTITIONS',
  'INVALID_REPLICATION_FACTOR',
  'INVALID_REPLICA_ASSIGNMENT',
  'INVALID_CONFIG',
  'POLICY_VIOLATION',
  'INVALID_REQUEST',
  'MESSAGE_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_GROUP_ID',
  'GROUP_ID_NOT_FOUND',
  'NON_EMPTY_GROUP',
  'TOPIC_DELETION_DISABLED',
  'UNSUPPORTED_VERSION',
  'TOPIC_AUTHORIZATION_FAILED',
  'GROUP_AUTHORIZATION_FAILED',
  'CLUSTER_AUTHORIZATION_FAILED',
  'INVALID_RECORD',
]);

export interface KafkaErrorContext {
  /** The bootstrap servers the client was given. */
  brokers: string[];
  /** What was being done, e.g. "list topics" (goes into the message). */
  operation?: string;
  /** Topic concerned, for topic-not-found / topic-exists messages. */
  topic?: string;
  requestTimeoutMs?: number;
}

/** Maps any error from kafkajs (or already a KafkaClientError) to a KafkaClientError with an actionable message. */
export function toKafkaClientError(error: unknown, context: KafkaErrorContext): KafkaClientError {
  if (error instanceof KafkaClientError) return error;
  const chain = errorChain(error);
  const bootstrap = new Set(context.brokers.map(normalizeAddress));
  const bootstrapText = context.brokers.join(', ') || '(no bootstrap servers)';
  const doing = context.operation ? `Could not ${context.operation}: ` : '';
  const root = chain.at(-1)?.message ?? String(error);
  const make = (kind: KafkaErrorKind, message: string) => new KafkaClientError(kind, message, { cause: error });

  // Connection problems: which address failed tells bootstrap (broker down) from advertised listeners (trap).
  const connection = chain.find((e) => CONNECTION_ERRORS.has(e.name ?? '') || (e.name === 'Error' && systemCode(e)));
  if (connection) {
    const address = brokerOf(connection);
    const code = chain.map(systemCode).find(Boolean);
    if (address && !bootstrap.has(normalizeAddress(address))) {
      return make(
        'advertised-listener',
        `${doing}Kafka answered at ${bootstrapText}, but it tells clients to connect to ${address}, ` +
          `which cannot be reached from here${code ? ` (${code})` : ''} (or that broker is down). This is the usual "topics invisible with docker compose" trap: ` +
          'the broker advertises its in-network address (KAFKA_ADVERTISED_LISTENERS, e.g. PLAINTEXT://kafka:9092). ' +
          'Give it a second listener for the host and advertise that one as the address you connect to, e.g. ' +
          'KAFKA_LISTENERS=PLAINTEXT://:9092,PLAINTEXT_HOST://:19092 and ' +
          'KAFKA_ADVERTISED_LISTENERS=PLAINTEXT://kafka:9092,PLAINTEXT_HOST://localhost:19092 with port 19092 published, ' +
          'then use localhost:19092 as bootstrap server.',
      );
    }
    const unresolved = code && UNRESOLVED.test(code);
    return make(
      'unreachable',
      `${doing}No Kafka broker answered at ${bootstrapText} — is the stack running? ` +
        (unresolved
          ? 'The host name does not resolve from this machine (a compose service name such as kafka:9092 only resolves inside the Docker network; use localhost and the published port). '
          : 'Start a lab stack, or set archlab.kafka.bootstrapServers to a running cluster. ') +
        `(${code ?? connection.message ?? root})`,
    );
  }

  const timeout = chain.find(
    (e) => e.name === 'KafkaJSRequestTimeoutError' || e.name === 'KafkaJSTimeout' || e.name === 'KafkaJSLockTimeout' || e.type === 'REQUEST_TIMED_OUT',
  );
  if (timeout) {
    const address = brokerOf(timeout);
    return make(
      'timeout',
      `${doing}Kafka${address ? ` at ${address}` : ''} did not answer in time` +
        `${context.requestTimeoutMs ? ` (${context.requestTimeoutMs} ms)` : ''}: the broker may be overloaded or restarting; try again. (${timeout.message ?? root})`,
    );
  }

  const protocol = chain.find((e) => typeof e.type === 'string' && e.type !== '');
  if (protocol?.type) {
    const type = protocol.type;
    const topic = context.topic ? `"${context.topic}"` : 'The topic';
    if (TOPIC_NOT_FOUND.has(type)) return make('topic-not-found', `${doing}${context.topic ? `Topic ${topic}` : 'The topic'} does not exist (any more).`);
    if (type === 'TOPIC_ALREADY_EXISTS') return make('topic-exists', `${doing}${context.topic ? `Topic ${topic}` : 'The topic'} already exists.`);
    if (INVALID.has(type)) return make('invalid-request', `${doing}Kafka refused the request: ${protocol.message ?? type} (${type}).`);
    if (
      type === 'LEADER_NOT_AVAILABLE' ||
      type === 'NOT_LEADER_FOR_PARTITION' ||
      type === 'NOT_LEADER_OR_FOLLOWER' ||
      type === 'COORDINATOR_NOT_AVAILABLE' ||
      type === 'COORDINATOR_LOAD_IN_PROGRESS' ||
      type === 'NOT_CONTROLLER'
    ) {
      return make('timeout', `${doing}Kafka is not ready (${type}): a broker is probably (re)starting; try again in a few seconds.`);
    }
    return make('unknown', `${doing}${protocol.message ?? type} (${type}).`);
  }

  const number = chain.find((e) => e.name === 'KafkaJSNumberOfRetriesExceeded');
  return make('unknown', `${doing}${(number ?? chain[0])?.message ?? root}`);
}

/** True for kinds that mean "the connection is not usable": the client should reconnect on the next call. */
export function isConnectionKind(kind: KafkaErrorKind): boolean {
  return kind === 'unreachable' || kind === 'advertised-listener' || kind === 'timeout';
}

/** A KafkaClientError as plain data (to cross a worker boundary) and back. */
export interface SerializedKafkaError {
  kind: KafkaErrorKind;
  message: string;
}

export function serializeKafkaError(error: KafkaClientError): SerializedKafkaError {
  return { kind: error.kind, message: error.message };
}

export function deserializeKafkaError(data: SerializedKafkaError): KafkaClientError {
  return new KafkaClientError(data.kind, data.message);
}

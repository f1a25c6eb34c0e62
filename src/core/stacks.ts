// The lab stacks Archlab runs: the catalog everything else reads (commands, views, panels, the CLI).
// No vscode import. The compose files are lab-stacks/<stack>/compose.yaml inside the installed extension; their
// memory limits are `${ARCHLAB_*:-default}` variables whose defaults are the "standard" profile below, so Archlab
// passes memoryEnv(stack, profile) to `docker compose` (test/unit/stacks.test.ts keeps the two in step).
import type { MemoryProfile } from './settings';
import { LAB_KEYSPACE, SNACK_TOPIC, SNACK_TOPIC_PARTITIONS } from './snacks';

export type StackName = 'lambda' | 'kappa';
export type { MemoryProfile };

export type ServiceRole =
  | 'kafka'
  | 'kafka-init'
  | 'cassandra'
  | 'cassandra-init'
  | 'hdfs-namenode'
  | 'hdfs-datanode'
  | 'hdfs-init'
  | 'yarn-resourcemanager'
  | 'yarn-nodemanager'
  | 'spark-master'
  | 'spark-worker'
  | 'grafana'
  | 'kafka-ui'
  | 'job';

/**
 * service: long-running, healthchecked, starts with the stack; init: one-shot that must exit 0 before its
 * dependants start; job: long-running, healthchecked, started on request; task: one-shot, started on request.
 */
export type ServiceKind = 'service' | 'init' | 'job' | 'task';

export interface StackService {
  /** docker compose service name. */
  name: string;
  role: ServiceRole;
  kind: ServiceKind;
  title: string;
  /** The pinned image (the lab's Spark image is built by compose from lab-stacks/images/jobs). */
  image: string;
  /** Compose profile that must be enabled (or the service named) for it to start; none: starts with the stack. */
  profile?: string;
  /** The variable of its memory limit (a key of the memory profiles), or a fixed limit for one-shots. */
  memory: { env: string } | { fixed: string };
  /** The variable of its replica count, when it can have several containers. */
  replicasEnv?: string;
}

export type UiId = 'grafana' | 'spark' | 'hdfs' | 'yarn' | 'kafka-ui';

export interface StackUi {
  id: UiId;
  title: string;
  url: string;
  /** The service serving it. */
  service: string;
  /** Only reachable when this compose profile runs. */
  profile?: string;
}

export type JobId = 'speed_layer' | 'hdfs_ingest' | 'batch_layer' | 'kappa_stream' | 'kappa_replay' | 'validation';

export interface StackJob {
  id: JobId;
  title: string;
  /** docker compose service that runs it. */
  service: string;
  /** Its key in archlab.job_status (what it reports as). */
  statusJob: string;
  /** A one-shot service running one cycle of it on request (the lambda batch layer: `batch_layer.py --once`). */
  onDemandService?: string;
  /** The job's file, relative to the extension root. */
  file: string;
  engine: 'spark-streaming' | 'spark-batch' | 'python';
  /** Where its Spark application runs: the Spark standalone cluster, or YARN (the lambda batch layer); none for Python. */
  cluster?: 'spark' | 'yarn';
  /** Compose profile of the service ("jobs": the pipeline; "replay": kappa's replay, on demand). */
  profile: string;
  /** Spark cores the app may take (spark.cores.max); 0 for plain Python. */
  sparkCores: number;
  /** Whether it follows the topic (its lag counts); the batch layer works in cycles instead. */
  follows: boolean;
  /** It reports (a heartbeat) at least this often while alive: longer silence means stalled. */
  staleAfterS: number;
  /** Host port of its Spark driver's web UI (127.0.0.1), for Spark jobs. */
  uiPort?: number;
  description: string;
}

export interface StackEndpoints {
  /** Kafka bootstrap for the host (the HOST listener). */
  kafkaBootstrap: string;
  topic: string;
  partitions: number;
  cassandraContactPoint: string;
  cassandraLocalDataCenter: string;
  keyspace: string;
  /** Spark master status as JSON (workers, apps). */
  sparkMasterJson: string;
  /** WebHDFS REST base (lambda only). */
  webhdfs?: string;
  /** YARN ResourceManager REST base (lambda only). */
  yarnRest?: string;
}

export interface MemoryPlan {
  /** Environment for `docker compose` (interpolation of the compose file's limits, heaps, worker counts). */
  env: Record<string, string>;
}

export interface MemoryBudget {
  /** Long-running services that start with the stack. */
  servicesMiB: number;
  /** The long-running jobs (profile "jobs", and kappa's replay) all running; one-shot tasks not counted. */
  jobsMiB: number;
  /** servicesMiB + jobsMiB: what the stack may take at most in normal use. */
  totalMiB: number;
  /** Optional extras (kafka-ui), not in the total. */
  optionalMiB: number;
}

export interface StackDefinition {
  name: StackName;
  title: string;
  /** docker compose project name: distinct so both stacks can run side by side. */
  composeProject: string;
  /** Compose file, relative to the extension's root. */
  composeFile: string;
  /** Every compose profile the file uses: pass them all to `down` so jobs and extras stop too. */
  profiles: string[];
  /** Variables `docker compose` needs for every command on this file (interpolation fails without them). */
  requiredEnv: string[];
  services: StackService[];
  uis: StackUi[];
  jobs: StackJob[];
  endpoints: StackEndpoints;
  grafana: { url: string; dashboardUid: string; dashboardFile: string; datasourceUid: string };
  /** Files of the extension the stack mounts or builds from (must be packaged). */
  assets: string[];
  memory: Record<MemoryProfile, MemoryPlan>;
  /** Named volumes (data kept across stop/start; `down --volumes` deletes them). */
  volumes: string[];
}

// -----------------------------------------------------------------------------------------------------------------
// Pinned versions (the test bed runs the same software: test/services/*.mjs)

export const VERSIONS = {
  kafka: '4.4.0',
  cassandra: '5.0.9',
  spark: '3.5.7',
  sparkCassandraConnector: '3.5.1',
  hadoop: '3.4.3',
  grafana: '12.4.2',
  grafanaCassandraPlugin: '3.3.0',
  kafkaUi: 'v1.5.0',
} as const;

/** Grafana's Cassandra data source, installed by Grafana at start (GF_PLUGINS_PREINSTALL, from grafana.com). */
export const GRAFANA_CASSANDRA_PLUGIN = { id: 'hadesarchitect-cassandra-datasource', version: VERSIONS.grafanaCassandraPlugin } as const;
/** GF_SECURITY_ADMIN_USER of both compose files; the password is generated per stack. */
export const GRAFANA_ADMIN_USER = 'admin';

export const IMAGES = {
  kafka: `apache/kafka:${VERSIONS.kafka}`,
  cassandra: `cassandra:${VERSIONS.cassandra}`,
  hadoop: `apache/hadoop:${VERSIONS.hadoop}`,
  sparkBase: `apache/spark:${VERSIONS.spark}-scala2.12-java17-python3-ubuntu`,
  /** Built by compose: sparkBase + the jobs' Python packages (lab-stacks/images/jobs/Dockerfile). */
  labSpark: `archlab/lab-spark:${VERSIONS.spark}-1`,
  grafana: `grafana/grafana:${VERSIONS.grafana}`,
  kafkaUi: `ghcr.io/kafbat/kafka-ui:${VERSIONS.kafkaUi}`,
} as const;

/** The Spark packages every Spark job loads: connector versions match Spark's (3.5.x, Scala 2.12). */
export const SPARK_PACKAGES = [`org.apache.spark:spark-sql-kafka-0-10_2.12:${VERSIONS.spark}`];

export const GRAFANA_DATASOURCE_UID = 'archlab-cassandra';
export const GRAFANA_PASSWORD_ENV = 'ARCHLAB_GRAFANA_ADMIN_PASSWORD';
/** Grafana is a compose profile of its own, on by default (archlab.stacks.grafana), counted in the stack's memory. */
export const GRAFANA_PROFILE = 'grafana';

// -----------------------------------------------------------------------------------------------------------------
// Services

const infra = (name: string, role: ServiceRole, title: string, image: string, memoryEnv: string, extra: Partial<StackService> = {}): StackService => ({
  name,
  role,
  kind: 'service',
  title,
  image,
  memory: { env: memoryEnv },
  ...extra,
});
const init = (name: string, role: ServiceRole, title: string, image: string, limit: string): StackService => ({
  name,
  role,
  kind: 'init',
  title,
  image,
  memory: { fixed: limit },
});
const job = (name: string, title: string, memoryEnv: string, profile = 'jobs', kind: ServiceKind = 'job'): StackService => ({
  name,
  role: 'job',
  kind,
  title,
  image: IMAGES.labSpark,
  profile,
  memory: { env: memoryEnv },
});

const COMMON_FRONT: StackService[] = [
  infra('kafka', 'kafka', 'Kafka broker (KRaft)', IMAGES.kafka, 'ARCHLAB_KAFKA_MEM'),
  init('kafka-init', 'kafka-init', 'Topic setup', IMAGES.kafka, '384m'),
  infra('cassandra', 'cassandra', 'Cassandra', IMAGES.cassandra, 'ARCHLAB_CASSANDRA_MEM'),
  init('cassandra-init', 'cassandra-init', 'Schema setup', IMAGES.cassandra, '256m'),
];

const HADOOP: StackService[] = [
  infra('namenode', 'hdfs-namenode', 'HDFS NameNode', IMAGES.hadoop, 'ARCHLAB_NAMENODE_MEM'),
  infra('datanode', 'hdfs-datanode', 'HDFS DataNode', IMAGES.hadoop, 'ARCHLAB_DATANODE_MEM'),
  init('hdfs-init', 'hdfs-init', 'HDFS folders setup', IMAGES.hadoop, '384m'),
  infra('resourcemanager', 'yarn-resourcemanager', 'YARN ResourceManager', IMAGES.hadoop, 'ARCHLAB_RESOURCEMANAGER_MEM'),
  infra('nodemanager', 'yarn-nodemanager', 'YARN NodeManager', IMAGES.hadoop, 'ARCHLAB_NODEMANAGER_MEM'),
];

/** Resolves the jobs' Spark packages into the Ivy volume once, before the drivers start (profile of the jobs). */
const SPARK_IVY_INIT: StackService = { ...init('spark-ivy-init', 'job', 'Spark packages setup', IMAGES.labSpark, '512m'), profile: 'jobs' };

const COMMON_BACK: StackService[] = [
  infra('spark-master', 'spark-master', 'Spark master', IMAGES.labSpark, 'ARCHLAB_SPARK_MASTER_MEM'),
  infra('spark-worker', 'spark-worker', 'Spark worker', IMAGES.labSpark, 'ARCHLAB_SPARK_WORKER_MEM', { replicasEnv: 'ARCHLAB_SPARK_WORKERS' }),
  infra('grafana', 'grafana', 'Grafana', IMAGES.grafana, 'ARCHLAB_GRAFANA_MEM', { profile: GRAFANA_PROFILE }),
  infra('kafka-ui', 'kafka-ui', 'Kafka UI (kafbat)', IMAGES.kafkaUi, 'ARCHLAB_KAFKA_UI_MEM', { profile: 'kafka-ui' }),
];

// -----------------------------------------------------------------------------------------------------------------
// Memory profiles. Spark's floor: a driver or executor needs a heap of at least 450 MiB, hence 512m.

const LAMBDA_MEMORY: Record<MemoryProfile, Record<string, string>> = {
  small: {
    ARCHLAB_KAFKA_MEM: '640m',
    ARCHLAB_KAFKA_HEAP: '256m',
    ARCHLAB_CASSANDRA_MEM: '960m',
    ARCHLAB_CASSANDRA_HEAP: '384M',
    ARCHLAB_CASSANDRA_HEAP_NEW: '96M',
    ARCHLAB_NAMENODE_MEM: '288m',
    ARCHLAB_DATANODE_MEM: '256m',
    ARCHLAB_RESOURCEMANAGER_MEM: '320m',
    ARCHLAB_NODEMANAGER_MEM: '1600m',
    ARCHLAB_YARN_NODE_MEMORY_MB: '1536',
    ARCHLAB_YARN_EXECUTOR_MEMORY: '512m',
    ARCHLAB_HADOOP_HEAP: '128m',
    ARCHLAB_SPARK_MASTER_MEM: '256m',
    ARCHLAB_SPARK_WORKERS: '1',
    ARCHLAB_SPARK_WORKER_CORES: '2',
    ARCHLAB_SPARK_WORKER_MEMORY: '1024m',
    ARCHLAB_SPARK_WORKER_MEM: '1536m',
    ARCHLAB_SPARK_EXECUTOR_MEMORY: '512m',
    ARCHLAB_SPARK_DRIVER_MEMORY: '512m',
    ARCHLAB_SPARK_CORES_PER_JOB: '1',
    ARCHLAB_JOB_MEM: '768m',
    ARCHLAB_VALIDATION_MEM: '192m',
    ARCHLAB_GRAFANA_MEM: '224m',
    ARCHLAB_KAFKA_UI_MEM: '320m',
    ARCHLAB_KAFKA_UI_HEAP: '160m',
  },
  standard: {
    ARCHLAB_KAFKA_MEM: '768m',
    ARCHLAB_KAFKA_HEAP: '320m',
    ARCHLAB_CASSANDRA_MEM: '1152m',
    ARCHLAB_CASSANDRA_HEAP: '512M',
    ARCHLAB_CASSANDRA_HEAP_NEW: '128M',
    ARCHLAB_NAMENODE_MEM: '352m',
    ARCHLAB_DATANODE_MEM: '320m',
    ARCHLAB_RESOURCEMANAGER_MEM: '384m',
    ARCHLAB_NODEMANAGER_MEM: '1664m',
    ARCHLAB_YARN_NODE_MEMORY_MB: '1536',
    ARCHLAB_YARN_EXECUTOR_MEMORY: '512m',
    ARCHLAB_HADOOP_HEAP: '192m',
    ARCHLAB_SPARK_MASTER_MEM: '288m',
    ARCHLAB_SPARK_WORKERS: '1',
    ARCHLAB_SPARK_WORKER_CORES: '2',
    ARCHLAB_SPARK_WORKER_MEMORY: '1024m',
    ARCHLAB_SPARK_WORKER_MEM: '1600m',
    ARCHLAB_SPARK_EXECUTOR_MEMORY: '512m',
    ARCHLAB_SPARK_DRIVER_MEMORY: '512m',
    ARCHLAB_SPARK_CORES_PER_JOB: '1',
    ARCHLAB_JOB_MEM: '768m',
    ARCHLAB_VALIDATION_MEM: '224m',
    ARCHLAB_GRAFANA_MEM: '256m',
    ARCHLAB_KAFKA_UI_MEM: '384m',
    ARCHLAB_KAFKA_UI_HEAP: '192m',
  },
  large: {
    ARCHLAB_KAFKA_MEM: '1152m',
    ARCHLAB_KAFKA_HEAP: '512m',
    ARCHLAB_CASSANDRA_MEM: '2048m',
    ARCHLAB_CASSANDRA_HEAP: '1024M',
    ARCHLAB_CASSANDRA_HEAP_NEW: '256M',
    ARCHLAB_NAMENODE_MEM: '512m',
    ARCHLAB_DATANODE_MEM: '512m',
    ARCHLAB_RESOURCEMANAGER_MEM: '512m',
    ARCHLAB_NODEMANAGER_MEM: '2560m',
    ARCHLAB_YARN_NODE_MEMORY_MB: '2048',
    ARCHLAB_YARN_EXECUTOR_MEMORY: '1024m',
    ARCHLAB_HADOOP_HEAP: '320m',
    ARCHLAB_SPARK_MASTER_MEM: '384m',
    ARCHLAB_SPARK_WORKERS: '2',
    ARCHLAB_SPARK_WORKER_CORES: '2',
    ARCHLAB_SPARK_WORKER_MEMORY: '2048m',
    ARCHLAB_SPARK_WORKER_MEM: '3072m',
    ARCHLAB_SPARK_EXECUTOR_MEMORY: '1024m',
    ARCHLAB_SPARK_DRIVER_MEMORY: '1024m',
    ARCHLAB_SPARK_CORES_PER_JOB: '2',
    ARCHLAB_JOB_MEM: '1408m',
    ARCHLAB_VALIDATION_MEM: '320m',
    ARCHLAB_GRAFANA_MEM: '384m',
    ARCHLAB_KAFKA_UI_MEM: '512m',
    ARCHLAB_KAFKA_UI_HEAP: '256m',
  },
};

const KAPPA_MEMORY: Record<MemoryProfile, Record<string, string>> = {
  small: {
    ARCHLAB_KAFKA_MEM: '640m',
    ARCHLAB_KAFKA_HEAP: '256m',
    ARCHLAB_CASSANDRA_MEM: '960m',
    ARCHLAB_CASSANDRA_HEAP: '384M',
    ARCHLAB_CASSANDRA_HEAP_NEW: '96M',
    ARCHLAB_SPARK_MASTER_MEM: '256m',
    ARCHLAB_SPARK_WORKERS: '1',
    ARCHLAB_SPARK_WORKER_CORES: '2',
    ARCHLAB_SPARK_WORKER_MEMORY: '1024m',
    ARCHLAB_SPARK_WORKER_MEM: '1536m',
    ARCHLAB_SPARK_EXECUTOR_MEMORY: '512m',
    ARCHLAB_SPARK_DRIVER_MEMORY: '512m',
    ARCHLAB_SPARK_CORES_PER_JOB: '1',
    ARCHLAB_JOB_MEM: '768m',
    ARCHLAB_VALIDATION_MEM: '192m',
    ARCHLAB_GRAFANA_MEM: '224m',
    ARCHLAB_KAFKA_UI_MEM: '320m',
    ARCHLAB_KAFKA_UI_HEAP: '160m',
  },
  standard: {
    ARCHLAB_KAFKA_MEM: '768m',
    ARCHLAB_KAFKA_HEAP: '320m',
    ARCHLAB_CASSANDRA_MEM: '1152m',
    ARCHLAB_CASSANDRA_HEAP: '512M',
    ARCHLAB_CASSANDRA_HEAP_NEW: '128M',
    ARCHLAB_SPARK_MASTER_MEM: '288m',
    ARCHLAB_SPARK_WORKERS: '1',
    ARCHLAB_SPARK_WORKER_CORES: '2',
    ARCHLAB_SPARK_WORKER_MEMORY: '1024m',
    ARCHLAB_SPARK_WORKER_MEM: '1600m',
    ARCHLAB_SPARK_EXECUTOR_MEMORY: '512m',
    ARCHLAB_SPARK_DRIVER_MEMORY: '512m',
    ARCHLAB_SPARK_CORES_PER_JOB: '1',
    ARCHLAB_JOB_MEM: '768m',
    ARCHLAB_VALIDATION_MEM: '224m',
    ARCHLAB_GRAFANA_MEM: '256m',
    ARCHLAB_KAFKA_UI_MEM: '384m',
    ARCHLAB_KAFKA_UI_HEAP: '192m',
  },
  large: {
    ARCHLAB_KAFKA_MEM: '1152m',
    ARCHLAB_KAFKA_HEAP: '512m',
    ARCHLAB_CASSANDRA_MEM: '2048m',
    ARCHLAB_CASSANDRA_HEAP: '1024M',
    ARCHLAB_CASSANDRA_HEAP_NEW: '256M',
    ARCHLAB_SPARK_MASTER_MEM: '384m',
    ARCHLAB_SPARK_WORKERS: '2',
    ARCHLAB_SPARK_WORKER_CORES: '2',
    ARCHLAB_SPARK_WORKER_MEMORY: '2048m',
    ARCHLAB_SPARK_WORKER_MEM: '3072m',
    ARCHLAB_SPARK_EXECUTOR_MEMORY: '1024m',
    ARCHLAB_SPARK_DRIVER_MEMORY: '1024m',
    ARCHLAB_SPARK_CORES_PER_JOB: '2',
    ARCHLAB_JOB_MEM: '1408m',
    ARCHLAB_VALIDATION_MEM: '320m',
    ARCHLAB_GRAFANA_MEM: '384m',
    ARCHLAB_KAFKA_UI_MEM: '512m',
    ARCHLAB_KAFKA_UI_HEAP: '256m',
  },
};

const plans = (table: Record<MemoryProfile, Record<string, string>>): Record<MemoryProfile, MemoryPlan> => ({
  small: { env: table.small },
  standard: { env: table.standard },
  large: { env: table.large },
});

const ui = (id: UiId, title: string, port: number, service: string, profile?: string): StackUi => ({
  id,
  title,
  url: `http://127.0.0.1:${port}/`,
  service,
  ...(profile ? { profile } : {}),
});

const jobFile = (file: string) => `lab-stacks/jobs/${file}`;

// -----------------------------------------------------------------------------------------------------------------
// The catalog

export const STACKS: Record<StackName, StackDefinition> = {
  lambda: {
    name: 'lambda',
    title: 'Lambda',
    composeProject: 'archlab-lambda',
    composeFile: 'lab-stacks/lambda/compose.yaml',
    profiles: [GRAFANA_PROFILE, 'jobs', 'on-demand', 'kafka-ui'],
    requiredEnv: [GRAFANA_PASSWORD_ENV],
    services: [
      ...COMMON_FRONT,
      ...HADOOP,
      ...COMMON_BACK,
      SPARK_IVY_INIT,
      job('speed-layer', 'Speed layer (Spark streaming)', 'ARCHLAB_JOB_MEM'),
      job('hdfs-ingest', 'HDFS ingest (Spark streaming)', 'ARCHLAB_JOB_MEM'),
      job('batch-layer', 'Batch layer (Spark batch)', 'ARCHLAB_JOB_MEM'),
      job('batch-once', 'One batch cycle (Spark batch)', 'ARCHLAB_JOB_MEM', 'on-demand', 'task'),
      job('validation', 'Validation (Python consumer)', 'ARCHLAB_VALIDATION_MEM'),
    ],
    uis: [
      ui('grafana', 'Grafana', 13000, 'grafana'),
      ui('spark', 'Spark master', 18080, 'spark-master'),
      ui('hdfs', 'HDFS NameNode', 19870, 'namenode'),
      ui('yarn', 'YARN ResourceManager', 18088, 'resourcemanager'),
      ui('kafka-ui', 'Kafka UI', 18081, 'kafka-ui', 'kafka-ui'),
    ],
    jobs: [
      {
        id: 'speed_layer',
        title: 'Speed layer',
        service: 'speed-layer',
        statusJob: 'speed_layer',
        file: jobFile('speed_layer.py'),
        engine: 'spark-streaming',
        cluster: 'spark',
        profile: 'jobs',
        sparkCores: 1,
        follows: true,
        staleAfterS: 30,
        uiPort: 14041,
        description: 'Counts events per Kafka partition and offset bucket (speed_buckets) and materialises serving = batch + speed since the cut-off.',
      },
      {
        id: 'hdfs_ingest',
        title: 'HDFS ingest',
        service: 'hdfs-ingest',
        statusJob: 'hdfs_ingest',
        file: jobFile('hdfs_ingest.py'),
        engine: 'spark-streaming',
        cluster: 'spark',
        profile: 'jobs',
        sparkCores: 1,
        follows: true,
        staleAfterS: 30,
        uiPort: 14042,
        description: 'Appends the topic to the HDFS master dataset as Parquet (value, partition, offset, broker timestamp).',
      },
      {
        id: 'batch_layer',
        title: 'Batch layer',
        service: 'batch-layer',
        statusJob: 'batch_layer',
        onDemandService: 'batch-once',
        file: jobFile('batch_layer.py'),
        engine: 'spark-batch',
        cluster: 'yarn',
        profile: 'jobs',
        sparkCores: 1,
        follows: false,
        staleAfterS: 30,
        description:
          'Every BATCH_INTERVAL_S: counts the master dataset up to a per-partition cut-off, writes a new batch view version, then switches the pointer.',
      },
      {
        id: 'validation',
        title: 'Validation',
        service: 'validation',
        statusJob: 'validation',
        file: jobFile('validation.py'),
        engine: 'python',
        profile: 'jobs',
        sparkCores: 0,
        follows: true,
        staleAfterS: 30,
        description: 'A plain Kafka consumer keeping exact per-snack counts in Cassandra, independent of Spark.',
      },
    ],
    endpoints: {
      kafkaBootstrap: '127.0.0.1:19092',
      topic: SNACK_TOPIC,
      partitions: SNACK_TOPIC_PARTITIONS,
      cassandraContactPoint: '127.0.0.1:19042',
      cassandraLocalDataCenter: 'datacenter1',
      keyspace: LAB_KEYSPACE,
      sparkMasterJson: 'http://127.0.0.1:18080/json/',
      webhdfs: 'http://127.0.0.1:19870/webhdfs/v1',
      yarnRest: 'http://127.0.0.1:18088/ws/v1',
    },
    grafana: {
      url: 'http://127.0.0.1:13000/',
      dashboardUid: 'archlab-lambda',
      dashboardFile: 'grafana_templates/lambda.json',
      datasourceUid: GRAFANA_DATASOURCE_UID,
    },
    assets: [
      'lab-stacks/lambda/compose.yaml',
      'lab-stacks/lab-contract.json',
      'lab-stacks/jobs',
      'lab-stacks/images/jobs',
      'lab-stacks/grafana/provisioning',
      'grafana_templates/lambda.json',
    ],
    memory: plans(LAMBDA_MEMORY),
    volumes: ['kafka-data', 'cassandra-data', 'namenode-data', 'datanode-data', 'grafana-data', 'spark-ivy', 'spark-checkpoints'],
  },
  kappa: {
    name: 'kappa',
    title: 'Kappa',
    composeProject: 'archlab-kappa',
    composeFile: 'lab-stacks/kappa/compose.yaml',
    profiles: [GRAFANA_PROFILE, 'jobs', 'replay', 'kafka-ui'],
    requiredEnv: [GRAFANA_PASSWORD_ENV],
    services: [
      ...COMMON_FRONT,
      ...COMMON_BACK,
      SPARK_IVY_INIT,
      job('kappa-stream', 'Kappa stream (Spark streaming)', 'ARCHLAB_JOB_MEM'),
      job('kappa-replay', 'Kappa replay (Spark streaming)', 'ARCHLAB_JOB_MEM', 'replay'),
      job('validation', 'Validation (Python consumer)', 'ARCHLAB_VALIDATION_MEM'),
    ],
    uis: [
      ui('grafana', 'Grafana', 23000, 'grafana'),
      ui('spark', 'Spark master', 28080, 'spark-master'),
      ui('kafka-ui', 'Kafka UI', 28081, 'kafka-ui', 'kafka-ui'),
    ],
    jobs: [
      {
        id: 'kappa_stream',
        title: 'Kappa stream',
        service: 'kappa-stream',
        statusJob: 'kappa',
        file: jobFile('kappa_stream.py'),
        engine: 'spark-streaming',
        cluster: 'spark',
        profile: 'jobs',
        sparkCores: 1,
        follows: true,
        staleAfterS: 30,
        uiPort: 24041,
        description: 'One checkpointed streaming job over the log writing the served kappa view version.',
      },
      {
        id: 'kappa_replay',
        title: 'Kappa replay',
        service: 'kappa-replay',
        statusJob: 'kappa_replay',
        file: jobFile('kappa_stream.py'),
        engine: 'spark-streaming',
        cluster: 'spark',
        profile: 'replay',
        sparkCores: 1,
        follows: true,
        staleAfterS: 30,
        uiPort: 24042,
        description:
          'kappa_stream.py --replay: a new view version from offset 0; once caught up it switches the pointer and becomes the live job (the old one stops).',
      },
      {
        id: 'validation',
        title: 'Validation',
        service: 'validation',
        statusJob: 'validation',
        file: jobFile('validation.py'),
        engine: 'python',
        profile: 'jobs',
        sparkCores: 0,
        follows: true,
        staleAfterS: 30,
        description: 'A plain Kafka consumer keeping exact per-snack counts in Cassandra, independent of Spark.',
      },
    ],
    endpoints: {
      kafkaBootstrap: '127.0.0.1:29092',
      topic: SNACK_TOPIC,
      partitions: SNACK_TOPIC_PARTITIONS,
      cassandraContactPoint: '127.0.0.1:29042',
      cassandraLocalDataCenter: 'datacenter1',
      keyspace: LAB_KEYSPACE,
      sparkMasterJson: 'http://127.0.0.1:28080/json/',
    },
    grafana: {
      url: 'http://127.0.0.1:23000/',
      dashboardUid: 'archlab-kappa',
      dashboardFile: 'grafana_templates/kappa.json',
      datasourceUid: GRAFANA_DATASOURCE_UID,
    },
    assets: [
      'lab-stacks/kappa/compose.yaml',
      'lab-stacks/lab-contract.json',
      'lab-stacks/jobs',
      'lab-stacks/images/jobs',
      'lab-stacks/grafana/provisioning',
      'grafana_templates/kappa.json',
    ],
    memory: plans(KAPPA_MEMORY),
    volumes: ['kafka-data', 'cassandra-data', 'grafana-data', 'spark-ivy', 'spark-checkpoints'],
  },
};

export const STACK_NAMES = Object.keys(STACKS) as StackName[];

// -----------------------------------------------------------------------------------------------------------------
// Helpers

/** Environment for `docker compose` with the given memory profile (limits, heaps, Spark workers). */
export function memoryEnv(name: StackName, profile: MemoryProfile): Record<string, string> {
  return { ...STACKS[name].memory[profile].env };
}

/** "640m", "1g", "512M", "1280m" (Docker/JVM sizes) in MiB. */
export function parseMemory(value: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmg]?)b?$/i.exec(value.trim());
  if (!m) throw new Error(`not a memory size: "${value}"`);
  const n = Number(m[1]);
  switch (m[2].toLowerCase()) {
    case 'g':
      return n * 1024;
    case 'k':
      return n / 1024;
    case 'm':
      return n;
    default:
      return n / (1024 * 1024);
  }
}

/** The memory limit of one container of a service under a profile, in MiB. */
export function serviceMemoryMiB(name: StackName, service: StackService, profile: MemoryProfile): number {
  if ('fixed' in service.memory) return parseMemory(service.memory.fixed);
  const value = STACKS[name].memory[profile].env[service.memory.env];
  if (value === undefined) throw new Error(`${name}: no ${service.memory.env} in the ${profile} memory profile`);
  return parseMemory(value);
}

export function serviceReplicas(name: StackName, service: StackService, profile: MemoryProfile): number {
  return service.replicasEnv ? Number(STACKS[name].memory[profile].env[service.replicasEnv] ?? 1) : 1;
}

/** Sum of the memory limits: the services that start with the stack, the jobs, the optional extras. */
export function memoryBudget(name: StackName, profile: MemoryProfile): MemoryBudget {
  let servicesMiB = 0;
  let jobsMiB = 0;
  let optionalMiB = 0;
  for (const service of STACKS[name].services) {
    if (service.kind === 'init' || service.kind === 'task') continue;
    const mib = serviceMemoryMiB(name, service, profile) * serviceReplicas(name, service, profile);
    if (service.kind === 'job') jobsMiB += mib;
    else if (service.profile && service.profile !== GRAFANA_PROFILE) optionalMiB += mib;
    else servicesMiB += mib;
  }
  return { servicesMiB, jobsMiB, totalMiB: servicesMiB + jobsMiB, optionalMiB };
}

export function stackService(name: StackName, service: string): StackService | undefined {
  return STACKS[name].services.find((s) => s.name === service);
}

export function stackOfProject(project: string): StackDefinition | undefined {
  return Object.values(STACKS).find((s) => s.composeProject === project);
}

// The lab contract (lab-stacks/lab-contract.json): snacks, topic, keyspace, tables, the event's fields and the
// validity rule. The jobs read the same file (lab-stacks/jobs/archlab_jobs/contract.py); esbuild and tsc inline it.
import contractJson from '../../lab-stacks/lab-contract.json';

export type SnackCategory = 'healthy' | 'not_healthy';

export interface LabContract {
  version: number;
  topic: { name: string; partitions: number };
  keyspace: string;
  tables: { viewCounts: string; viewPointer: string; speedBuckets: string; jobStatus: string; jobRequests: string; truth: string };
  snacks: { name: string; price: number; category: SnackCategory }[];
  machines: { count: number; prefix: string };
  customers: { max: number };
  itemsPerPurchaseWeights: number[];
  event: { fields: { name: string; type: 'string' | 'integer' | 'number' | 'boolean'; description: string }[] };
  validity: { summary: string; rules: string[]; maxNestingDepth: number; maxNumberRun: number };
}

/** Checks the shape once at load, so a broken contract fails loudly instead of miscounting. */
function checked(value: unknown): LabContract {
  const c = value as LabContract;
  const problems: string[] = [];
  if (typeof c?.topic?.name !== 'string' || !Number.isInteger(c.topic.partitions) || c.topic.partitions < 1) problems.push('topic');
  if (typeof c?.keyspace !== 'string') problems.push('keyspace');
  if (
    !Array.isArray(c?.snacks) ||
    c.snacks.length === 0 ||
    c.snacks.some((s) => typeof s.name !== 'string' || typeof s.price !== 'number' || (s.category !== 'healthy' && s.category !== 'not_healthy'))
  ) {
    problems.push('snacks');
  }
  if (!Number.isInteger(c?.validity?.maxNestingDepth) || !Number.isInteger(c?.validity?.maxNumberRun)) problems.push('validity');
  if (problems.length > 0) throw new Error(`lab-stacks/lab-contract.json is malformed: ${problems.join(', ')}`);
  return c;
}

export const LAB_CONTRACT: Readonly<LabContract> = Object.freeze(checked(contractJson));

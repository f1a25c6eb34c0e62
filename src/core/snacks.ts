// The lab's snack catalog and vending machines, from the lab contract (lab-stacks/lab-contract.json): snack
// names, never slot names.
import { LAB_CONTRACT, type SnackCategory } from './contract';

export type { SnackCategory } from './contract';

/** A snack name of the contract's catalog (a plain string: the catalog is data, read at run time). */
export type SnackName = string;

export interface Snack {
  name: SnackName;
  /** Price of one item, in the lab's currency units. */
  price: number;
  category: SnackCategory;
  healthy: boolean;
}

/** The snacks, in the lab's slot order. */
export const SNACKS: readonly Snack[] = Object.freeze(
  LAB_CONTRACT.snacks.map((s) => Object.freeze({ name: s.name, price: s.price, category: s.category, healthy: s.category === 'healthy' })),
);
export const SNACK_NAMES: readonly SnackName[] = Object.freeze(SNACKS.map((s) => s.name));

const BY_NAME: ReadonlyMap<string, Snack> = new Map(SNACKS.map((snack) => [snack.name, snack]));

export function isSnackName(value: unknown): value is SnackName {
  return typeof value === 'string' && BY_NAME.has(value);
}

export function snackByName(name: SnackName): Snack {
  const snack = BY_NAME.get(name);
  if (!snack) throw new RangeError(`"${name}" is not a snack of the lab's catalog`);
  return snack;
}

/** Vending machines SNACK--0 … SNACK--125. */
export const MACHINE_COUNT = LAB_CONTRACT.machines.count;
export const MACHINE_PREFIX = LAB_CONTRACT.machines.prefix;
/** Customer ids 0 … 200 (inclusive). */
export const CUSTOMER_ID_MAX = LAB_CONTRACT.customers.max;
/** A purchase has 1 … 8 items; weight of k items is 9 - k (8 for one item down to 1 for eight): 3.33 items on average. */
export const ITEMS_PER_PURCHASE_WEIGHTS: readonly number[] = Object.freeze([...LAB_CONTRACT.itemsPerPurchaseWeights]);

export function machineId(index: number): string {
  return `${MACHINE_PREFIX}${index}`;
}

/** The topic the lab's events go to, and its default partition count. */
export const SNACK_TOPIC = LAB_CONTRACT.topic.name;
export const SNACK_TOPIC_PARTITIONS = LAB_CONTRACT.topic.partitions;
/** The Cassandra keyspace and tables of the lab's views (lab-stacks/jobs/schema.cql). */
export const LAB_KEYSPACE = LAB_CONTRACT.keyspace;
export const LAB_TABLES = LAB_CONTRACT.tables;

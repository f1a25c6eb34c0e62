// The lab's snack catalog and vending machines (see the lab's README and docs: snack names, never slot names).

export type SnackCategory = 'healthy' | 'not_healthy';

export interface Snack {
  name: SnackName;
  /** Price of one item, in the lab's currency units. */
  price: number;
  category: SnackCategory;
  healthy: boolean;
}

export const SNACK_NAMES = ['apple', 'banana', 'orange', 'blueberries', 'snickers', 'mars', 'twix', 'milkyway'] as const;
export type SnackName = (typeof SNACK_NAMES)[number];

const healthy = (name: SnackName, price: number): Snack => ({ name, price, category: 'healthy', healthy: true });
const sweet = (name: SnackName, price: number): Snack => ({ name, price, category: 'not_healthy', healthy: false });

/** The 8 snacks, in the lab's slot order. */
export const SNACKS: readonly Snack[] = Object.freeze([
  healthy('apple', 1),
  healthy('banana', 1),
  healthy('orange', 1),
  healthy('blueberries', 2),
  sweet('snickers', 3),
  sweet('mars', 3),
  sweet('twix', 3),
  sweet('milkyway', 3),
]);

const BY_NAME: ReadonlyMap<string, Snack> = new Map(SNACKS.map((snack) => [snack.name, snack]));

export function isSnackName(value: unknown): value is SnackName {
  return typeof value === 'string' && BY_NAME.has(value);
}

export function snackByName(name: SnackName): Snack {
  return BY_NAME.get(name) as Snack;
}

/** Vending machines SNACK--0 … SNACK--125. */
export const MACHINE_COUNT = 126;
export const MACHINE_PREFIX = 'SNACK--';
/** Customer ids 0 … 200 (inclusive). */
export const CUSTOMER_ID_MAX = 200;
/** A purchase has 1 … 8 items; weight of k items is 9 - k (8 for one item down to 1 for eight): 3.33 items on average. */
export const ITEMS_PER_PURCHASE_WEIGHTS: readonly number[] = Object.freeze([8, 7, 6, 5, 4, 3, 2, 1]);

export function machineId(index: number): string {
  return `${MACHINE_PREFIX}${index}`;
}

/** The topic the lab's events go to, and its default partition count. */
export const SNACK_TOPIC = 'snack_automat_message';
export const SNACK_TOPIC_PARTITIONS = 3;

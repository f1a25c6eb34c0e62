import * as assert from 'node:assert/strict';
import {
  CUSTOMER_ID_MAX,
  isSnackName,
  ITEMS_PER_PURCHASE_WEIGHTS,
  MACHINE_COUNT,
  machineId,
  SNACK_NAMES,
  SNACK_TOPIC,
  SNACK_TOPIC_PARTITIONS,
  snackByName,
  SNACKS,
} from '../../src/core/snacks';

describe('snack catalog', () => {
  it("has the lab's 8 snacks with their prices and categories (snack names, never slot names)", () => {
    assert.deepEqual(
      SNACKS.map((s) => [s.name, s.price, s.category, s.healthy]),
      [
        ['apple', 1, 'healthy', true],
        ['banana', 1, 'healthy', true],
        ['orange', 1, 'healthy', true],
        ['blueberries', 2, 'healthy', true],
        ['snickers', 3, 'not_healthy', false],
        ['mars', 3, 'not_healthy', false],
        ['twix', 3, 'not_healthy', false],
        ['milkyway', 3, 'not_healthy', false],
      ],
    );
    assert.deepEqual(
      SNACKS.map((s) => s.name),
      [...SNACK_NAMES],
    );
    assert.ok(Object.isFrozen(SNACKS));
  });

  it('recognises snack names only', () => {
    for (const name of SNACK_NAMES) assert.ok(isSnackName(name));
    for (const other of ['position_1', 'Apple', '', 'kitkat', 3, null, undefined, {}]) assert.equal(isSnackName(other), false, String(other));
    assert.equal(snackByName('blueberries').price, 2);
  });

  it('has 126 machines SNACK--0 … SNACK--125, customers 0 … 200, 1 … 8 items weighted 8 down to 1', () => {
    assert.equal(MACHINE_COUNT, 126);
    assert.equal(machineId(0), 'SNACK--0');
    assert.equal(machineId(125), 'SNACK--125');
    assert.equal(CUSTOMER_ID_MAX, 200);
    assert.deepEqual([...ITEMS_PER_PURCHASE_WEIGHTS], [8, 7, 6, 5, 4, 3, 2, 1]);
    const mean = ITEMS_PER_PURCHASE_WEIGHTS.reduce((sum, w, i) => sum + w * (i + 1), 0) / 36;
    assert.ok(Math.abs(mean - 3.33) < 0.01, `mean items per purchase ${mean}`);
  });

  it('names the lab topic and its partitions', () => {
    assert.equal(SNACK_TOPIC, 'snack_automat_message');
    assert.equal(SNACK_TOPIC_PARTITIONS, 3);
  });
});

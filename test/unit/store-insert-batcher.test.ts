import { describe, expect, it } from 'vitest';
import { InsertBatcher } from '../../src/store/insert-batcher.js';

/** An insert that holds each statement until told, recording what each statement carried. */
function heldInsert() {
  const statements: number[][] = [];
  const release: (() => void)[] = [];
  const insert = (items: readonly number[]) => {
    statements.push([...items]);
    if (items.includes(13)) return Promise.reject(new Error('bad row 13'));
    return new Promise<string[]>((resolve) => release.push(() => resolve(items.map((i) => `row ${i}`))));
  };
  return { statements, release, insert };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('the inserts made before acks, gathered', () => {
  it('sends a lone insert at once, and gathers those that arrive while the statements in flight run', async () => {
    const { statements, release, insert } = heldInsert();
    const batcher = new InsertBatcher(insert, 2);

    const answers = [1, 2, 3, 4, 5, 6].map((n) => batcher.add(n));
    await turn();
    expect(statements).toEqual([[1], [2]]);

    release.shift()!();
    await turn();
    expect(statements).toEqual([[1], [2], [3, 4, 5, 6]]);
    while (release.length > 0) {
      release.shift()!();
      await turn();
    }
    expect(await Promise.all(answers)).toEqual(['row 1', 'row 2', 'row 3', 'row 4', 'row 5', 'row 6']);
  });

  it('fails only the insert that fails, trying the others of its statement again alone', async () => {
    const { statements, release, insert } = heldInsert();
    const batcher = new InsertBatcher(insert, 1);
    const first = batcher.add(1);
    const gathered = Promise.allSettled([12, 13, 14].map((n) => batcher.add(n)));
    release.shift()!();
    await first;
    await turn();
    while (release.length > 0) {
      release.shift()!();
      await turn();
    }

    const settled = await gathered;
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(statements).toEqual([[1], [12, 13, 14], [12], [13], [14]]);
  });

  it('puts no more than its limit in one statement', async () => {
    const { statements, release, insert } = heldInsert();
    const batcher = new InsertBatcher(insert, 1, 3);
    const answers = [1, 2, 3, 4, 5, 6, 7].map((n) => batcher.add(n));
    for (let i = 0; i < 4; i += 1) {
      await turn();
      release.shift()?.();
    }
    await Promise.all(answers);
    expect(statements).toEqual([[1], [2, 3, 4], [5, 6, 7]]);
  });
});

/** The page-at-a-time lister of the resources session (src/engine/resources/paging.ts). */
import * as assert from 'node:assert/strict';
import { Lister } from '../../../../src/engine/resources/paging';

describe('resources: Lister', () => {
  /** A source of `total` numbers in AWS pages of `per`. */
  function source(total: number, per: number) {
    const calls: (string | undefined)[] = [];
    const fetch = async (token: string | undefined) => {
      calls.push(token);
      const start = Number(token ?? 0);
      const items = Array.from({ length: Math.max(0, Math.min(per, total - start)) }, (_, i) => start + i);
      return { items, token: start + per < total ? String(start + per) : undefined };
    };
    return { calls, fetch };
  }

  it('serves pages of 50 from AWS pages of 60, keeping the rest for the next page', async () => {
    const src = source(130, 60);
    const l = new Lister(src.fetch, 50);
    assert.deepEqual((await l.next()).length, 50);
    assert.equal(src.calls.length, 1);
    assert.deepEqual((await l.next())[0], 50);
    assert.equal(src.calls.length, 2);
    const last = await l.next();
    assert.deepEqual([last.length, last[last.length - 1]], [30, 129]);
    assert.equal(src.calls.length, 3);
    assert.equal(l.done, true);
    assert.deepEqual(await l.next(), []);
    assert.equal(src.calls.length, 3, 'no call once done');
  });

  it('concurrent next() calls share one load; a failed load is retried by the next call', async () => {
    const src = source(10, 5);
    let fail = true;
    const l = new Lister(async (t: string | undefined) => {
      if (fail) {
        fail = false;
        throw new Error('boom');
      }
      return src.fetch(t);
    }, 4);
    await assert.rejects(l.next(), /boom/);
    const [a, b] = await Promise.all([l.next(), l.next()]);
    assert.equal(a, b);
    assert.equal(l.items.length, 4);
  });

  it('stops at its call budget and says it is not done', async () => {
    const src = source(1000, 10);
    const l = new Lister(async (t: string | undefined) => ({ ...(await src.fetch(t)), items: [] as number[] }), 50, 3);
    assert.deepEqual(await l.next(), []);
    assert.equal(src.calls.length, 3);
    assert.equal(l.done, false);
  });
});

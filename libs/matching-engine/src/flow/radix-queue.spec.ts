import fc from 'fast-check';
import { RadixQueue } from './radix-queue';

describe('RadixQueue', () => {
  it('pops in key order under Dijkstra-like use, keys up to 2^53', () => {
    // Each step pops the minimum and pushes keys at or above it, as a Dijkstra does.
    const step = fc.oneof(
      fc.integer({ min: 0, max: 3 }),
      fc.integer({ min: 0, max: 2 ** 20 }),
      fc.maxSafeNat().map((x) => Math.floor(x / 4)),
    );
    fc.assert(
      fc.property(fc.array(fc.array(step, { maxLength: 6 }), { maxLength: 80 }), (rounds) => {
        const q = new RadixQueue(2);
        const reference: number[] = [];
        let min = 0;
        q.push(0, 0);
        reference.push(0);
        for (const pushes of rounds) {
          const k = q.minKey();
          if (k === Infinity) break;
          reference.sort((a, b) => a - b);
          expect(k).toBe(reference.shift());
          expect(k).toBeGreaterThanOrEqual(min);
          min = k;
          q.pop();
          for (const dk of pushes) {
            q.push(1, k + dk);
            reference.push(k + dk);
          }
        }
        while (q.minKey() !== Infinity) {
          reference.sort((a, b) => a - b);
          expect(q.minKey()).toBe(reference.shift());
          q.pop();
        }
        expect(reference).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('starts from 0 again after reset', () => {
    const q = new RadixQueue();
    q.push(7, 2 ** 40);
    expect(q.minKey()).toBe(2 ** 40);
    q.reset();
    expect(q.minKey()).toBe(Infinity);
    q.push(3, 5);
    q.push(4, 1);
    expect(q.minKey()).toBe(1);
    expect(q.pop()).toBe(4);
    expect(q.minKey()).toBe(5);
    expect(q.pop()).toBe(3);
  });
});

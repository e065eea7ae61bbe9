import { solveMatchingParallel } from './parallel';
import { solveMatching } from './solve';
import { generateInstance } from './testing/random-instance';
import { InvalidInstanceError } from './validate';

describe('solveMatchingParallel', () => {
  it('returns, in input order, what sequential solves return', async () => {
    const instances = [11, 12, 13].map((seed) =>
      generateInstance({ students: 300, offers: 120, seed, academy: String(seed) }),
    );
    const results = await solveMatchingParallel(instances, { threads: 2 });
    results.forEach((r, i) => {
      const seq = solveMatching(instances[i]);
      expect(r.objective).toEqual(seq.objective);
      expect(r.assignments).toEqual(seq.assignments);
    });
  }, 60_000);

  it('rejects an invalid instance naming the field', async () => {
    const bad = generateInstance({ students: 5, offers: 3, seed: 1 });
    bad.offers[0].freeSeats = -1;
    await expect(solveMatchingParallel([bad], { threads: 1 })).rejects.toThrow(
      InvalidInstanceError,
    );
    await expect(solveMatchingParallel([bad], { threads: 1 })).rejects.toThrow(/offers\[0\]/);
  }, 60_000);
});

import fc from 'fast-check';
import { solveCore } from './core';
import { solveGreedy } from './greedy';
import { CoreProblem, checkFeasibility, evaluate, objectiveWeights } from './problem';
import { loadHighs, solveWithHighs } from './testing/highs-peer';
import { drawProblem } from './testing/random-problem';

/** Random assignment networks: 1–30 students, 1–12 offers, a few companies, some capped. */
const coreProblem = fc
  .record({
    nS: fc.integer({ min: 1, max: 30 }),
    nO: fc.integer({ min: 1, max: 12 }),
    nC: fc.integer({ min: 1, max: 5 }),
    seed: fc.array(fc.nat(), { minLength: 400, maxLength: 400 }),
  })
  .map(drawProblem);

describe('assignment core', () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let highs: any;
  beforeAll(async () => {
    highs = await loadHighs();
  });

  it('is feasible and equals the HiGHS LP optimum on random instances', () => {
    fc.assert(
      fc.property(coreProblem, (p) => {
        const sol = solveCore(p);
        expect(checkFeasibility(p, sol.offerOf)).toEqual([]);
        const peer = solveWithHighs(highs, p, sol.weights);
        expect(peer.fractional).toBe(0);
        expect(checkFeasibility(p, peer.offerOf)).toEqual([]);
        // Exact comparison of the lexicographic criteria, not a float tolerance.
        const reference = evaluate(p, peer.offerOf, sol.weights);
        expect(sol.objective).toEqual(reference);
      }),
      { numRuns: 100 },
    );
  });

  it('gives the same optimum with plain cost scaling', () => {
    fc.assert(
      fc.property(coreProblem, (p) => {
        expect(solveCore(p, { method: 'cost-scaling' }).objective).toEqual(solveCore(p).objective);
      }),
      { numRuns: 100 },
    );
  });

  it('is never worse than the greedy baseline, criterion by criterion in lexicographic order', () => {
    fc.assert(
      fc.property(coreProblem, (p) => {
        const sol = solveCore(p);
        const greedy = evaluate(p, solveGreedy(p), sol.weights);
        expect(checkFeasibility(p, solveGreedy(p))).toEqual([]);
        expect(sol.objective.value).toBeGreaterThanOrEqual(greedy.value);
        expect(sol.objective.placed).toBeGreaterThanOrEqual(greedy.placed);
      }),
      { numRuns: 100 },
    );
  });

  it('fairness: a priority student is never left out for a lower-priority one on an offer it could take', () => {
    fc.assert(
      fc.property(coreProblem, (p) => {
        const sol = solveCore(p);
        for (let a = 0; a < p.studentCount; a++) {
          if (sol.offerOf[a] >= 0) continue;
          for (let e = p.edgeStart[a]; e < p.edgeStart[a + 1]; e++) {
            const o = p.edgeOffer[e];
            for (let b = 0; b < p.studentCount; b++) {
              if (sol.offerOf[b] === o) expect(p.priority[b]).toBeGreaterThanOrEqual(p.priority[a]);
            }
          }
        }
      }),
      { numRuns: 100 },
    );
  });

  it('warm start from a previous solution and its duals reaches the same optimum after changes', () => {
    fc.assert(
      fc.property(coreProblem, fc.nat(), (p, pick) => {
        const before = solveCore(p);
        // Change: one offer loses a seat, another gains one, a company cap moves.
        const changed: CoreProblem = {
          ...p,
          offerSeats: p.offerSeats.slice(),
          companyCap: p.companyCap.slice(),
        };
        changed.offerSeats[pick % p.offerCount] = Math.max(
          0,
          changed.offerSeats[pick % p.offerCount] - 1,
        );
        changed.offerSeats[(pick >> 3) % p.offerCount] += 1;
        const c = (pick >> 6) % p.companyCount;
        changed.companyCap[c] = changed.companyCap[c] < 0 ? 1 : changed.companyCap[c] + 1;
        const { studentCount: nS, offerCount: nO, companyCount: nC } = p;
        const prices = before.prices;
        const warm = {
          weights: before.weights,
          scale: before.scale,
          studentPrice: prices.slice(0, nS),
          offerPrice: prices.slice(nS, nS + nO),
          companyPrice: prices.slice(nS + nO, nS + nO + nC),
          sinkPrice: prices[nS + nO + nC],
          previousOfferOf: before.offerOf,
        };
        const repaired = solveCore(changed, { warm });
        expect(checkFeasibility(changed, repaired.offerOf)).toEqual([]);
        expect(repaired.objective).toEqual(
          solveCore(changed, { weights: before.weights }).objective,
        );
      }),
      { numRuns: 100 },
    );
  });

  it('places the maximum number first, even against priority and score', () => {
    // Student 0 (priority 3) can take offer 0 or 1; student 1 (priority 0) only offer 0.
    const p: CoreProblem = {
      studentCount: 2,
      offerCount: 2,
      companyCount: 1,
      priority: Int32Array.from([3, 0]),
      offerSeats: Int32Array.from([1, 1]),
      offerCompany: Int32Array.from([0, 0]),
      companyCap: Int32Array.from([-1]),
      edgeStart: Int32Array.from([0, 2, 3]),
      edgeOffer: Int32Array.from([0, 1, 0]),
      edgeScore: Int32Array.from([1000, 0, 0]),
    };
    const sol = solveCore(p);
    expect(Array.from(sol.offerOf)).toEqual([1, 0]);
    expect(sol.objective.placed).toBe(2);
  });

  it('respects a company cap shared by its offers', () => {
    const p: CoreProblem = {
      studentCount: 3,
      offerCount: 2,
      companyCount: 1,
      priority: Int32Array.from([0, 0, 0]),
      offerSeats: Int32Array.from([2, 2]),
      offerCompany: Int32Array.from([0, 0]),
      companyCap: Int32Array.from([2]),
      edgeStart: Int32Array.from([0, 2, 4, 6]),
      edgeOffer: Int32Array.from([0, 1, 0, 1, 0, 1]),
      edgeScore: Int32Array.from([10, 20, 30, 40, 50, 60]),
    };
    const sol = solveCore(p);
    expect(sol.objective.placed).toBe(2);
    expect(checkFeasibility(p, sol.offerOf)).toEqual([]);
    expect(sol.objective.scoreSum).toBe(100); // students 1 and 2 on offer 1
  });

  it('weights keep the lexicographic order exact', () => {
    const w = objectiveWeights(30, 12);
    expect(w.priorityWeight).toBeGreaterThan(13 * 1000);
    expect(w.placedWeight).toBeGreaterThan(3 * w.priorityWeight + 13 * 1000);
  });
});

import fc from 'fast-check';
import { solveAssignment, solveCore } from './core';
import { CoreProblem, checkFeasibility, evaluate, objectiveWeights } from './problem';
import { auctionWarmStart } from './auction';
import { loadHighs, solveWithHighs } from './testing/highs-peer';
import { generateNetwork } from './testing/random-network';
import { ProblemDraw, drawProblem } from './testing/random-problem';

/** Random networks where a staged or scaled method is most likely to go wrong. */
const network = (shape: fc.Arbitrary<Omit<ProblemDraw, 'seed'>>) =>
  fc
    .tuple(shape, fc.array(fc.nat(), { minLength: 500, maxLength: 500 }))
    .map(([d, seed]) => drawProblem({ ...d, seed }));

const anyShape = fc.record({
  nS: fc.integer({ min: 1, max: 40 }),
  nO: fc.integer({ min: 1, max: 15 }),
  nC: fc.integer({ min: 1, max: 6 }),
  capped: fc.integer({ min: 0, max: 4 }),
  scores: fc.constantFrom<ProblemDraw['scores']>('default', 'ties', 'equal'),
});
/** Few companies, all capped, each with several offers: caps shared by offers bind. */
const sharedCaps = fc.record({
  nS: fc.integer({ min: 5, max: 40 }),
  nO: fc.integer({ min: 4, max: 15 }),
  nC: fc.integer({ min: 1, max: 3 }),
  capped: fc.constant(4),
  scores: fc.constantFrom<ProblemDraw['scores']>('default', 'ties'),
});

describe('solvers against each other and against HiGHS', () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let highs: any;
  beforeAll(async () => {
    highs = await loadHighs();
  });

  const crossCheck = (p: CoreProblem) => {
    const weights = objectiveWeights(p.studentCount, p.offerCount);
    const peer = solveWithHighs(highs, p, weights);
    expect(peer.fractional).toBe(0);
    const reference = evaluate(p, peer.offerOf, weights);
    for (const method of ['shortest-paths', 'auction', 'cost-scaling'] as const) {
      const sol = solveCore(p, { method });
      expect(checkFeasibility(p, sol.offerOf)).toEqual([]);
      expect({ method, ...sol.objective }).toEqual({ method, ...reference });
    }
  };

  it('priorities 0–3, caps, ties and equal scores: every solver reaches the HiGHS optimum', () => {
    fc.assert(fc.property(network(anyShape), crossCheck), { numRuns: 150 });
  });

  it('capped companies sharing their offers: every solver reaches the HiGHS optimum', () => {
    fc.assert(fc.property(network(sharedCaps), crossCheck), { numRuns: 100 });
  });

  it('the auction itself runs to its end on the shapes it is meant for (no fallback)', () => {
    for (const seed of [1, 2, 3]) {
      const p = generateNetwork({ students: 1500, seed });
      const weights = objectiveWeights(p.studentCount, p.offerCount);
      expect(auctionWarmStart(p, weights)).toBeDefined();
      const auction = solveAssignment(p, weights, 'auction');
      expect(auction.method).toBe('auction');
      const ssp = solveAssignment(p, weights, 'shortest-paths');
      expect(evaluate(p, auction.offerOf, weights)).toEqual(evaluate(p, ssp.offerOf, weights));
    }
  });

  it('the networks of the scaling benchmark, with caps and ties: auction equals shortest paths', () => {
    for (const shape of [
      { students: 800, seed: 4, capShare: 0.4 },
      { students: 800, seed: 5, maxScore: 3 },
      { students: 800, seed: 6, degree: 5 },
    ]) {
      const p = generateNetwork(shape);
      const weights = objectiveWeights(p.studentCount, p.offerCount);
      const a = solveAssignment(p, weights, 'auction');
      const b = solveAssignment(p, weights, 'shortest-paths');
      expect(checkFeasibility(p, a.offerOf)).toEqual([]);
      expect(evaluate(p, a.offerOf, weights)).toEqual(evaluate(p, b.offerOf, weights));
    }
  });
});

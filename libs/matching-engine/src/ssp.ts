/**
 * Cold solve by successive shortest paths on the assignment network
 * student → offer (seats) → company (cap) → sink, plus student → sink ("unplaced").
 *
 * Students enter one at a time; each sends its unit along a shortest path of the residual
 * network (Dijkstra on reduced costs with node potentials, see assignment-network.ts). Classic
 * SSP invariant: after every augmentation the flow is a min-cost flow for the students added so
 * far, and the potentials certify it (reduced cost >= 0 on every residual arc).
 */
import type { CoreProblem, ObjectiveWeights } from './core';
import { createRouter } from './assignment-network';

export interface SspResult {
  offerOf: Int32Array;
  edgeOf: Int32Array;
  /** Potentials (unscaled) over nodes [students, offers, companies, sink]. */
  prices: Float64Array;
  settled: number;
  pathArcs: number;
}

export function solveAssignmentSsp(problem: CoreProblem, weights: ObjectiveWeights): SspResult {
  const { studentCount: nS, offerCount: nO, companyCount: nC, edgeStart } = problem;
  const n = nS + nO + nC + 1;
  const flow = {
    offerOf: new Int32Array(nS).fill(-2),
    edgeOf: new Int32Array(nS).fill(-1),
    price: new Float64Array(n),
    offerFlow: new Int32Array(nO),
    companyFlow: new Int32Array(nC),
    excess: new Int32Array(n),
  };
  // Every student has a unit to send; a student not routed yet has no incoming residual arc
  // and gets its potential when it is routed.
  flow.excess.fill(1, 0, nS);
  flow.excess[n - 1] = -nS;
  const router = createRouter(problem, weights, flow);

  // Order of entry: students with the fewest eligible offers first, then input order (which
  // keeps a school's students together). Any order gives the same optimum (SSP invariant); this
  // one keeps the searches short — on the benchmark instance 3× fewer settled nodes than
  // "highest priority first", because flexible students enter last and route around.
  const order = Int32Array.from({ length: nS }, (_, i) => i).sort(
    (a, b) => edgeStart[a + 1] - edgeStart[a] - (edgeStart[b + 1] - edgeStart[b]) || a - b,
  );
  for (let k = 0; k < nS; k++) router.route(order[k]);
  return {
    offerOf: flow.offerOf,
    edgeOf: flow.edgeOf,
    prices: flow.price,
    settled: router.stats.settled,
    pathArcs: router.stats.pathArcs,
  };
}

/**
 * Cold solve by successive shortest paths on the assignment network
 * student → offer (seats) → company (cap) → sink, plus student → sink ("unplaced").
 *
 * Students enter one at a time; each sends its unit along a shortest path of the residual
 * network (Dijkstra on reduced costs with node potentials, see shortest-paths.ts). Classic
 * SSP invariant: after every augmentation the flow is a min-cost flow for the students added so
 * far, and the potentials certify it (reduced cost >= 0 on every residual arc).
 */
import { assertExactPotentials, nodeLayout } from './assignment-network';
import type { CoreProblem, ObjectiveWeights } from './problem';
import { createRouter } from './shortest-paths';

export interface SspResult {
  offerOf: Int32Array;
  edgeOf: Int32Array;
  /** Potentials (unscaled) over nodes [students, offers, companies, sink]. */
  prices: Float64Array;
  settled: number;
  pathArcs: number;
}

export function solveAssignmentSsp(problem: CoreProblem, weights: ObjectiveWeights): SspResult {
  const { nS, nO, nC, n } = nodeLayout(problem);
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

  // Order of entry: the students with the fewest seats to expect first. Any order gives the
  // same optimum (SSP invariant), but the searches are shorter when the constrained students
  // are placed before the flexible ones that can route around them: on the benchmark instance
  // this settles 3× fewer nodes than "highest priority first", 1.5× fewer than "fewest
  // eligible offers first".
  const availability = expectedSeats(problem);
  const order = Int32Array.from({ length: nS }, (_, i) => i).sort(
    (a, b) => availability[a] - availability[b] || a - b,
  );
  for (let k = 0; k < nS; k++) router.route(order[k]);
  assertExactPotentials(flow.price);
  return {
    offerOf: flow.offerOf,
    edgeOf: flow.edgeOf,
    prices: flow.price,
    settled: router.stats.settled,
    pathArcs: router.stats.pathArcs,
  };
}

/**
 * Seats a student can expect: each student spreads one unit of demand evenly over its eligible
 * offers; an offer's effective seats (its share of a capped company's cap) are shared among the
 * demand it receives; a student expects the sum of its offers' shares.
 */
function expectedSeats(problem: CoreProblem): Float64Array {
  const { studentCount: nS, offerCount: nO, edgeStart, edgeOffer, offerSeats } = problem;
  const { offerCompany, companyCap, companyCount } = problem;
  const companySeats = new Float64Array(companyCount);
  for (let o = 0; o < nO; o++) companySeats[offerCompany[o]] += offerSeats[o];
  const demand = new Float64Array(nO);
  for (let s = 0; s < nS; s++) {
    const share = 1 / (edgeStart[s + 1] - edgeStart[s]);
    for (let e = edgeStart[s]; e < edgeStart[s + 1]; e++) demand[edgeOffer[e]] += share;
  }
  const perDemand = new Float64Array(nO);
  for (let o = 0; o < nO; o++) {
    const c = offerCompany[o];
    const cap = companyCap[c];
    const seats = cap < 0 ? offerSeats[o] : offerSeats[o] * Math.min(1, cap / companySeats[c]);
    perDemand[o] = demand[o] > 0 ? seats / demand[o] : 0;
  }
  const expected = new Float64Array(nS);
  for (let s = 0; s < nS; s++)
    for (let e = edgeStart[s]; e < edgeStart[s + 1]; e++) expected[s] += perDemand[edgeOffer[e]];
  return expected;
}

/**
 * The residual network of the assignment (terms in core.ts), never materialised: its node
 * numbering, its capacities and costs, and the flow state the solvers update in place.
 *
 * Nodes: students [0, nS), offers [nS, nS+nO), companies, then the sink. Arcs: student → offer
 * (one per eligible pair, cost -score), offer → company (capacity = seats, cost 0), company →
 * sink (capacity = remaining cap, or the company's seats when uncapped), student → sink
 * ("unplaced", cost placedWeight + priority·priorityWeight). An offer's residual arcs are its
 * holders (back to them) and, while a seat is free, its company; a company's are its offers that
 * send flow and, under its cap, the sink; the sink's are the companies that send flow and the
 * unplaced students.
 */
import { assertSafe } from './flow/flow-network';
import type { CoreProblem, ObjectiveWeights } from './problem';

/** Flow and potentials; `route` updates them in place. */
export interface AssignmentFlow {
  /** Per student: offer held, -1 unplaced, -2 free (its unit is an excess at the student). */
  offerOf: Int32Array;
  /** Per student: index of the pair it holds, -1 otherwise. */
  edgeOf: Int32Array;
  /** Potentials over all nodes. */
  price: Float64Array;
  /** Flow offer → company. */
  offerFlow: Int32Array;
  /** Flow company → sink. */
  companyFlow: Int32Array;
  /** Supply + inflow - outflow of every node (> 0 excess, < 0 deficit). */
  excess: Int32Array;
}

export function companyOffersOf(problem: CoreProblem): { start: Int32Array; offers: Int32Array } {
  const { offerCount: nO, companyCount: nC, offerCompany } = problem;
  const start = new Int32Array(nC + 1);
  for (let o = 0; o < nO; o++) start[offerCompany[o] + 1]++;
  for (let c = 0; c < nC; c++) start[c + 1] += start[c];
  const offers = new Int32Array(nO);
  const fill = start.slice(0, nC);
  for (let o = 0; o < nO; o++) offers[fill[offerCompany[o]]++] = o;
  return { start, offers };
}

/** Capacity of company → sink; an uncapped company cannot use more than its seats. */
export function companyCapacities(problem: CoreProblem): Float64Array {
  const { start, offers } = companyOffersOf(problem);
  const cap = new Float64Array(problem.companyCount);
  for (let c = 0; c < problem.companyCount; c++) {
    if (problem.companyCap[c] >= 0) cap[c] = problem.companyCap[c];
    else for (let i = start[c]; i < start[c + 1]; i++) cap[c] += problem.offerSeats[offers[i]];
  }
  return cap;
}

/**
 * Potentials only decrease while routing, so if the final ones (and the costs) are far below
 * 2^53, so was every label and reduced cost computed on the way: Float64 arithmetic was exact.
 */
export function assertExactPotentials(price: Float64Array): void {
  let worst = 0;
  for (let v = 0; v < price.length; v++) worst = Math.max(worst, Math.abs(price[v]));
  assertSafe(worst * 8, 'potentials');
}

/** Node numbering: students, offers, companies, then the sink. */
export function nodeLayout(problem: CoreProblem) {
  const { studentCount: nS, offerCount: nO, companyCount: nC } = problem;
  const sink = nS + nO + nC;
  return { nS, nO, nC, offerBase: nS, companyBase: nS + nO, sink, n: sink + 1 };
}

/** Cost of each student's "unplaced" arc. */
export function unplacedCosts(problem: CoreProblem, weights: ObjectiveWeights): Float64Array {
  return Float64Array.from(
    problem.priority,
    (p) => weights.placedWeight + p * weights.priorityWeight,
  );
}

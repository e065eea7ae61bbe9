/**
 * The optimal assignment of a {@link CoreProblem} (problem.ts): which solver runs, and the terms
 * every solver file uses.
 *
 * The problem is a min-cost flow on the *assignment network*: a *student* node (supply 1) has an
 * *arc* to each offer it may take — one per *pair* (an eligible student–offer combination, the
 * `edge…` arrays of CoreProblem; cost −score, capacity 1) — and an "unplaced" arc to the sink
 * (cost placedWeight + priority·priorityWeight); an *offer* has an arc to its company (capacity:
 * free seats, cost 0); a *company* an arc to the *sink* (capacity: remaining monthly cap, or its
 * seats when uncapped, cost 0). The weights (problem.ts) make the lexicographic objective —
 * placed, then priority, then score — one integer, exactly.
 *
 * - *Residual network*: the arcs along which flow can still be sent (forward while below
 *   capacity, backward while carrying flow), with negated costs backwards.
 * - *Potential* p(v) of a node (the dual variable; the auction literature says "price", here
 *   an offer's potential is minus the price of its cheapest seat): the *reduced cost* of an arc
 *   u → w is c(u, w) + p(u) − p(w). A flow is optimal iff some potentials give every residual
 *   arc a reduced cost ≥ 0; it is *ε-optimal* if they are all ≥ −ε.
 * - *Excess* / *deficit*: a node that receives more (less) than it sends plus its supply.
 *
 * Solvers, each in its own file:
 * - successive shortest paths (ssp.ts, on the engine of shortest-paths.ts over the residual
 *   network of assignment-network.ts): students enter one at a time, each routed by Dijkstra on
 *   reduced costs (Edmonds & Karp 1972, Tomizawa 1971). Fast while the searches stay short;
 *   quadratic on large saturated networks, where the later searches cross most of them;
 * - ε-scaling auction (auction.ts, Bertsekas 1988, Bertsekas & Castañon 1992) as a warm start,
 *   made exact by the shortest-path repair (repair.ts) from its flow and potentials;
 * - cost scaling (explicit-network.ts on flow/cost-scaling.ts: Goldberg & Tarjan 1990, with the
 *   global update of Goldberg's CS2, 1997): the independent oracle of the tests, and warm starts
 *   from a previous flow;
 * - the repair (repair.ts), which also serves `MatchingSession.update`.
 *
 * `method: 'auto'` (default) picks as measured (bench/RESULTS.md): shortest paths below
 * {@link AUCTION_FROM_PAIRS} pairs or when binding company caps hold more than
 * {@link AUCTION_MAX_CAPPED_SHARE} of the seats (the auction does not model caps: the repair
 * would have them all to fix), else the auction and the repair — and shortest paths when the
 * auction gives up (its reverse bids turning into price wars, as on the geographic academies).
 */
import { auctionWarmStart } from './auction';
import { solveNetwork } from './explicit-network';
import { costScaleFor } from './flow/flow-network';
import {
  CoreProblem,
  CoreSolution,
  CoreWarmStart,
  ObjectiveWeights,
  evaluate,
  objectiveWeights,
} from './problem';
import { repairAssignmentSsp } from './repair';
import { solveAssignmentSsp } from './ssp';

/** From this many pairs, `auto` tries the auction first (below, shortest paths win). */
export const AUCTION_FROM_PAIRS = 1_000_000;
/** … unless more than this share of the seats is behind a binding company cap. */
export const AUCTION_MAX_CAPPED_SHARE = 0.1;

/**
 * Share of the seats held by companies whose cap binds (is below their seats): the auction does
 * not model caps, the repair then has every violated cap to fix.
 */
export function cappedSeatShare(problem: CoreProblem): number {
  const seats = new Float64Array(problem.companyCount);
  let total = 0;
  for (let o = 0; o < problem.offerCount; o++) {
    seats[problem.offerCompany[o]] += problem.offerSeats[o];
    total += problem.offerSeats[o];
  }
  let capped = 0;
  for (let c = 0; c < problem.companyCount; c++) {
    const cap = problem.companyCap[c];
    if (cap >= 0 && cap < seats[c]) capped += seats[c];
  }
  return total > 0 ? capped / total : 0;
}

export type CoreMethod = 'auto' | 'shortest-paths' | 'auction' | 'cost-scaling';

export interface SolveCoreOptions {
  /** Previous solution mapped to this problem's indices (cost-scaling warm start). */
  warm?: CoreWarmStart;
  weights?: ObjectiveWeights;
  /** Minimum cost scale (keep it stable across incremental solves). */
  minScale?: number;
  /**
   * 'auto' (default): by size, see above; 'shortest-paths'; 'auction' (then the repair; shortest
   * paths if the auction gives up); 'cost-scaling' (on the explicit network, also with `warm`).
   */
  method?: CoreMethod;
}

/** The flow and potentials (unscaled) of a cold solve by shortest paths or auction + repair. */
export interface ColdAssignment {
  offerOf: Int32Array;
  edgeOf: Int32Array;
  prices: Float64Array;
  /** Which solver gave the answer, and its work. */
  method: 'shortest-paths' | 'auction';
  stats: { phases: number; pushes: number; relabels: number };
}

/** A cold solve by shortest paths, or by auction + repair (see the header). */
export function solveAssignment(
  problem: CoreProblem,
  weights: ObjectiveWeights,
  method: 'auto' | 'shortest-paths' | 'auction' = 'auto',
): ColdAssignment {
  const pairs = problem.edgeStart[problem.studentCount];
  const auto =
    method === 'auto' &&
    pairs >= AUCTION_FROM_PAIRS &&
    cappedSeatShare(problem) <= AUCTION_MAX_CAPPED_SHARE;
  if (method === 'auction' || auto) {
    const warm = auctionWarmStart(problem, weights);
    if (warm) {
      const r = repairAssignmentSsp(problem, warm.state);
      return {
        offerOf: r.offerOf,
        edgeOf: r.edgeOf,
        prices: r.prices,
        method: 'auction',
        stats: { phases: warm.stats.phases, pushes: warm.stats.bids, relabels: r.settled },
      };
    }
  }
  const r = solveAssignmentSsp(problem, weights);
  return {
    offerOf: r.offerOf,
    edgeOf: r.edgeOf,
    prices: r.prices,
    method: 'shortest-paths',
    stats: { phases: problem.studentCount, pushes: r.pathArcs, relabels: r.settled },
  };
}

/**
 * Optimal assignment (lexicographic: placed, then priority, then score). Cold: see
 * {@link solveAssignment}. Warm (cost scaling): the previous flow is loaded with the previous
 * potentials; only arcs whose reduced cost violates 1-optimality are saturated, and
 * push–relabel repairs the excesses; 1-optimal for costs scaled by more than the node count,
 * hence exactly optimal. Potentials come back scaled by `scale`.
 */
export function solveCore(problem: CoreProblem, options: SolveCoreOptions = {}): CoreSolution {
  const { studentCount: nS, offerCount: nO, companyCount: nC } = problem;
  const weights = options.warm?.weights ?? options.weights ?? objectiveWeights(nS, nO);
  const scale =
    options.warm?.scale ?? Math.max(costScaleFor(nS + nO + nC + 1), options.minScale ?? 0);
  if (options.warm || options.method === 'cost-scaling')
    return solveNetwork(problem, weights, scale, options.warm);
  const r = solveAssignment(problem, weights, options.method);
  const prices = r.prices;
  for (let i = 0; i < prices.length; i++) prices[i] *= scale;
  return {
    offerOf: r.offerOf,
    edgeOf: r.edgeOf,
    objective: evaluate(problem, r.offerOf, weights),
    weights,
    prices,
    scale,
    stats: { ...r.stats, warm: false },
  };
}

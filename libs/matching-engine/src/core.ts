/**
 * The assignment core: students → offers (seats) → companies (monthly cap) on typed arrays.
 * It knows nothing about dates, places or ids; `solve.ts` builds a {@link CoreProblem} from an
 * instance (eligibility + scores) and maps the answer back.
 */
import {
  FlowNetworkBuilder,
  assertSafe,
  costScaleFor,
  solveMinCostFlow,
  FlowSolveStats,
} from './flow/min-cost-flow';
import { solveAssignmentSsp } from './ssp';

/** Scores are integers in [0, SCORE_MAX]. */
export const SCORE_MAX = 1000;
/** Priority levels are integers in [0, PRIORITY_MAX] (see `studentPriority`). */
export const PRIORITY_MAX = 3;

export interface CoreProblem {
  studentCount: number;
  offerCount: number;
  companyCount: number;
  /** Priority level of each student, 0..PRIORITY_MAX. */
  priority: Int32Array;
  /** Free seats of each offer (>= 0). */
  offerSeats: Int32Array;
  /** Company index of each offer. */
  offerCompany: Int32Array;
  /** Remaining proposals each company accepts this month; -1 = no cap. */
  companyCap: Int32Array;
  /** CSR of eligible pairs: the pairs of student s are edgeStart[s] .. edgeStart[s+1]-1. */
  edgeStart: Int32Array;
  edgeOffer: Int32Array;
  /** Integer score of each eligible pair, 0..SCORE_MAX. */
  edgeScore: Int32Array;
}

/**
 * Weights that turn the lexicographic objective (placed, then priority, then score) into one
 * integer: value = placed·placedWeight + prioritySum·priorityWeight + scoreSum.
 *
 * Why exact: two feasible assignments differ by residual cycles; a simple cycle places at most
 * one more student and removes at most one, so it changes `placed` by at most 1 and the priority
 * sum by at most PRIORITY_MAX, while it changes the score of at most `m` students by at most
 * SCORE_MAX each, m = min(#students, #offers + 1). With priorityWeight > m·SCORE_MAX and
 * placedWeight > PRIORITY_MAX·priorityWeight + m·SCORE_MAX, a cycle that improves the
 * lexicographic objective always improves the weighted one, so a weighted optimum has no
 * lexicographically improving cycle, hence is the lexicographic optimum.
 */
export interface ObjectiveWeights {
  placedWeight: number;
  priorityWeight: number;
}

export function objectiveWeights(studentCount: number, offerCount: number): ObjectiveWeights {
  const m = Math.max(1, Math.min(studentCount, offerCount + 1));
  const priorityWeight = m * SCORE_MAX + 1;
  const placedWeight = PRIORITY_MAX * priorityWeight + m * SCORE_MAX + 1;
  assertSafe(placedWeight * (m + 1) * 4, 'objective weights');
  return { placedWeight, priorityWeight };
}

export interface CoreObjective {
  placed: number;
  prioritySum: number;
  scoreSum: number;
  /** placed·placedWeight + prioritySum·priorityWeight + scoreSum. */
  value: number;
}

export interface CoreSolution {
  /** Offer index of each student, or -1. */
  offerOf: Int32Array;
  /** Edge index (into edgeOffer/edgeScore) of each placed student, or -1. */
  edgeOf: Int32Array;
  objective: CoreObjective;
  weights: ObjectiveWeights;
  /** Node prices (duals, scaled) for a warm start: students, offers, companies, sink. */
  prices: Float64Array;
  scale: number;
  stats: FlowSolveStats & { warm: boolean };
}

/** Previous solution expressed in the indices of the new problem. */
export interface CoreWarmStart {
  weights: ObjectiveWeights;
  scale: number;
  /** Old price per new student/offer/company index, NaN when the node is new. */
  studentPrice: Float64Array;
  offerPrice: Float64Array;
  companyPrice: Float64Array;
  sinkPrice: number;
  /** Old offer (new index) of each student; -1 = was unplaced; -2 = new student. */
  previousOfferOf: Int32Array;
}

export function evaluate(
  problem: CoreProblem,
  offerOf: Int32Array | number[],
  weights: ObjectiveWeights,
): CoreObjective {
  let placed = 0;
  let prioritySum = 0;
  let scoreSum = 0;
  for (let s = 0; s < problem.studentCount; s++) {
    const o = offerOf[s];
    if (o < 0) continue;
    placed++;
    prioritySum += problem.priority[s];
    for (let e = problem.edgeStart[s]; e < problem.edgeStart[s + 1]; e++) {
      if (problem.edgeOffer[e] === o) {
        scoreSum += problem.edgeScore[e];
        break;
      }
    }
  }
  return {
    placed,
    prioritySum,
    scoreSum,
    value: placed * weights.placedWeight + prioritySum * weights.priorityWeight + scoreSum,
  };
}

/** Lists every violated constraint of an assignment (empty = feasible). */
export function checkFeasibility(problem: CoreProblem, offerOf: Int32Array | number[]): string[] {
  const issues: string[] = [];
  const used = new Int32Array(problem.offerCount);
  const companyUsed = new Int32Array(problem.companyCount);
  for (let s = 0; s < problem.studentCount; s++) {
    const o = offerOf[s];
    if (o < 0) continue;
    let eligible = false;
    for (let e = problem.edgeStart[s]; e < problem.edgeStart[s + 1]; e++)
      if (problem.edgeOffer[e] === o) eligible = true;
    if (!eligible) issues.push(`student ${s} assigned to ineligible offer ${o}`);
    used[o]++;
    companyUsed[problem.offerCompany[o]]++;
  }
  for (let o = 0; o < problem.offerCount; o++)
    if (used[o] > problem.offerSeats[o])
      issues.push(`offer ${o}: ${used[o]} > ${problem.offerSeats[o]} seats`);
  for (let c = 0; c < problem.companyCount; c++) {
    const cap = problem.companyCap[c];
    if (cap >= 0 && companyUsed[c] > cap)
      issues.push(`company ${c}: ${companyUsed[c]} > cap ${cap}`);
  }
  return issues;
}

export interface SolveCoreOptions {
  /** Previous solution mapped to this problem's indices (incremental re-solve). */
  warm?: CoreWarmStart;
  weights?: ObjectiveWeights;
  /** Minimum cost scale (keep it stable across incremental solves). */
  minScale?: number;
  /** 'auto' (default): shortest augmenting paths (cold) or push–relabel repair (warm); 'cost-scaling': cost scaling on the explicit network. */
  method?: 'auto' | 'cost-scaling';
}

/**
 * Optimal assignment (lexicographic: placed, then priority, then score) as a min-cost flow:
 * student (supply 1) → offer (1 per eligible pair, cost -score) → company (seats) → sink (cap),
 * plus student → sink "unplaced" arcs costing placedWeight + priority·priorityWeight.
 *
 * Cold solve: successive shortest paths (see ssp.ts), students by fewest expected seats.
 * Warm solve: the previous flow is loaded with the previous prices (duals); only arcs whose
 * reduced cost violates 1-optimality are saturated, and push–relabel repairs the excesses. The
 * result is 1-optimal for costs scaled by more than the node count, hence exactly optimal.
 */
export function solveCore(problem: CoreProblem, options: SolveCoreOptions = {}): CoreSolution {
  const { studentCount: nS, offerCount: nO, companyCount: nC } = problem;
  const weights = options.warm?.weights ?? options.weights ?? objectiveWeights(nS, nO);
  const scale =
    options.warm?.scale ?? Math.max(costScaleFor(nS + nO + nC + 1), options.minScale ?? 0);
  if (options.warm || options.method === 'cost-scaling')
    return solveNetwork(problem, weights, scale, options.warm);
  const r = solveAssignmentSsp(problem, weights);
  const prices = r.prices;
  for (let i = 0; i < prices.length; i++) prices[i] *= scale;
  return {
    offerOf: r.offerOf,
    edgeOf: r.edgeOf,
    objective: evaluate(problem, r.offerOf, weights),
    weights,
    prices,
    scale,
    stats: { phases: nS, pushes: r.pathArcs, relabels: r.settled, warm: false },
  };
}

/** Min-cost flow on the explicit network (cost scaling, or a warm repair from a previous flow). */
function solveNetwork(
  problem: CoreProblem,
  weights: ObjectiveWeights,
  scale: number,
  warm: CoreWarmStart | undefined,
): CoreSolution {
  const { studentCount: nS, offerCount: nO, companyCount: nC } = problem;
  const offerBase = nS;
  const companyBase = nS + nO;
  const sink = nS + nO + nC;
  const nodeCount = sink + 1;
  const edgeCount = problem.edgeStart[nS];
  const builder = new FlowNetworkBuilder(nodeCount, edgeCount + nS + nO + nC);
  // Arc indices: pairs first (arc e = edge e), then unplaced arcs, offer arcs, company arcs.
  for (let s = 0; s < nS; s++) {
    for (let e = problem.edgeStart[s]; e < problem.edgeStart[s + 1]; e++)
      builder.addArc(s, offerBase + problem.edgeOffer[e], 1, -problem.edgeScore[e]);
  }
  for (let s = 0; s < nS; s++)
    builder.addArc(s, sink, 1, weights.placedWeight + problem.priority[s] * weights.priorityWeight);
  const seatsTotalOf = new Float64Array(nC);
  for (let o = 0; o < nO; o++) {
    builder.addArc(offerBase + o, companyBase + problem.offerCompany[o], problem.offerSeats[o], 0);
    seatsTotalOf[problem.offerCompany[o]] += problem.offerSeats[o];
  }
  for (let c = 0; c < nC; c++) {
    const cap = problem.companyCap[c];
    builder.addArc(companyBase + c, sink, cap < 0 ? Math.min(seatsTotalOf[c], 2 ** 30) : cap, 0);
  }
  const net = builder.build(scale);
  const excess = new Int32Array(nodeCount);
  let prices: Float64Array | undefined;
  if (warm) {
    if (warm.scale !== net.scale) throw new Error('warm start scale mismatch');
    prices = loadWarmStart(problem, warm, net, excess, { offerBase, companyBase, sink, edgeCount });
  } else {
    for (let s = 0; s < nS; s++) excess[s] = 1;
    excess[sink] = -nS;
  }
  const { prices: finalPrices, stats } = solveMinCostFlow(net, excess, { prices, warm: !!warm });
  const offerOf = new Int32Array(nS).fill(-1);
  const edgeOf = new Int32Array(nS).fill(-1);
  for (let s = 0; s < nS; s++) {
    for (let e = problem.edgeStart[s]; e < problem.edgeStart[s + 1]; e++) {
      if (net.flow(e) > 0) {
        offerOf[s] = problem.edgeOffer[e];
        edgeOf[s] = e;
        break;
      }
    }
  }
  return {
    offerOf,
    edgeOf,
    objective: evaluate(problem, offerOf, weights),
    weights,
    prices: finalPrices,
    scale: net.scale,
    stats: { ...stats, warm: !!warm },
  };
}

function loadWarmStart(
  problem: CoreProblem,
  warm: CoreWarmStart,
  net: ReturnType<FlowNetworkBuilder['build']>,
  excess: Int32Array,
  layout: { offerBase: number; companyBase: number; sink: number; edgeCount: number },
): Float64Array {
  const { studentCount: nS, offerCount: nO, companyCount: nC } = problem;
  const { offerBase, companyBase, sink, edgeCount } = layout;
  const price = new Float64Array(net.nodeCount);
  price[sink] = warm.sinkPrice;
  for (let c = 0; c < nC; c++)
    price[companyBase + c] = Number.isNaN(warm.companyPrice[c])
      ? warm.sinkPrice
      : warm.companyPrice[c];
  for (let o = 0; o < nO; o++)
    price[offerBase + o] = Number.isNaN(warm.offerPrice[o])
      ? price[companyBase + problem.offerCompany[o]]
      : warm.offerPrice[o];
  const { rcap, forwardPos, rev, first, head, cost } = net;
  const pushForward = (arc: number, amount: number) => {
    const a = forwardPos[arc];
    rcap[a] -= amount;
    rcap[rev[a]] += amount;
  };
  const offerIn = new Int32Array(nO);
  for (let s = 0; s < nS; s++) {
    excess[s] = 1;
    const prev = warm.previousOfferOf[s];
    if (prev >= 0) {
      for (let e = problem.edgeStart[s]; e < problem.edgeStart[s + 1]; e++) {
        if (problem.edgeOffer[e] === prev) {
          pushForward(e, 1);
          excess[s] = 0;
          offerIn[prev]++;
          break;
        }
      }
    } else if (prev === -1) {
      pushForward(edgeCount + s, 1);
      excess[s] = 0;
      excess[sink]++;
    }
    if (Number.isNaN(warm.studentPrice[s])) {
      // New node: the highest price keeping all its arcs with non-negative reduced cost.
      let p = -Infinity;
      for (let a = first[s]; a < first[s + 1]; a++)
        if (rcap[a] > 0) p = Math.max(p, price[head[a]] - cost[a]);
      price[s] = p;
    } else {
      price[s] = warm.studentPrice[s];
    }
  }
  const companyIn = new Int32Array(nC);
  for (let o = 0; o < nO; o++) {
    const f = Math.min(offerIn[o], problem.offerSeats[o]);
    pushForward(edgeCount + nS + o, f);
    excess[offerBase + o] = offerIn[o] - f;
    companyIn[problem.offerCompany[o]] += f;
  }
  for (let c = 0; c < nC; c++) {
    const arc = edgeCount + nS + nO + c;
    const f = Math.min(companyIn[c], net.capacity[arc]);
    pushForward(arc, f);
    excess[companyBase + c] = companyIn[c] - f;
    excess[sink] += f;
  }
  excess[sink] -= nS;
  return price;
}

/**
 * Greedy baseline (what a spreadsheet would do): students by priority (highest first), each
 * takes its best-scored offer that still has a seat and whose company is under its cap.
 */
export function solveGreedy(problem: CoreProblem): Int32Array {
  const { studentCount: nS } = problem;
  const order = Array.from({ length: nS }, (_, i) => i).sort(
    (a, b) => problem.priority[b] - problem.priority[a] || a - b,
  );
  const seats = problem.offerSeats.slice();
  const cap = problem.companyCap.slice();
  const offerOf = new Int32Array(nS).fill(-1);
  for (const s of order) {
    let best = -1;
    let bestScore = -1;
    for (let e = problem.edgeStart[s]; e < problem.edgeStart[s + 1]; e++) {
      const o = problem.edgeOffer[e];
      const c = problem.offerCompany[o];
      if (seats[o] > 0 && cap[c] !== 0 && problem.edgeScore[e] > bestScore) {
        best = o;
        bestScore = problem.edgeScore[e];
      }
    }
    if (best >= 0) {
      offerOf[s] = best;
      seats[best]--;
      const c = problem.offerCompany[best];
      if (cap[c] > 0) cap[c]--;
    }
  }
  return offerOf;
}

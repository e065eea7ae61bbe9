/**
 * Incremental repair of an optimal assignment by successive shortest paths (same network as
 * ssp.ts: student → offer (seats) → company (cap) → sink, plus student → sink "unplaced").
 *
 * Input: the previous flow and node potentials mapped to the new problem's indices. The repair
 *  1. keeps every unit whose arcs are unchanged and still reduced-cost feasible; students whose
 *     arc disappeared (offer withdrawn or changed, pair declined, student changed) are freed —
 *     their unit is removed, which leaves a deficit at the offer (or the sink) they used;
 *  2. restores reduced-cost feasibility (reduced cost c(u,w) + p(u) - p(w) >= 0 on every residual
 *     arc): a new or changed offer starts empty with its company's potential; a company whose
 *     arc to the sink became negative (cap raised) has that arc saturated (its flow set to the
 *     cap: a deficit at the company, an excess at the sink), or emptied if its reverse is
 *     negative, and likewise an offer's arc to its company; every student still facing a
 *     negative arc (e.g. one that prefers a new offer) is freed; a free student gets the highest
 *     potential keeping its own arcs feasible (it has no incoming residual arc);
 *  3. routes every remaining excess unit along a shortest path (Dijkstra on reduced costs,
 *     stopped at the first node with a deficit) and updates the potentials of the settled nodes
 *     (p += d - D), which keeps all reduced costs non-negative.
 * At the end every node is balanced and every residual arc has a non-negative reduced cost: the
 * flow is a min-cost flow, i.e. exactly optimal — the same optimum as a cold solve.
 */
import {
  assertExactPotentials,
  companyCapacities,
  nodeLayout,
  unplacedCosts,
} from './assignment-network';
import type { CoreProblem, ObjectiveWeights } from './problem';
import { createRouter } from './shortest-paths';

export interface SspState {
  weights: ObjectiveWeights;
  /** Per student: offer index it keeps, -1 kept unplaced, -2 free (new or changed). */
  offerOf: Int32Array;
  /** Per student: previous potential (ignored for free students). */
  studentPrice: Float64Array;
  /** Per offer: previous potential, NaN for a new or changed offer. */
  offerPrice: Float64Array;
  /** Per offer: previous flow offer → company (0 for a new or changed offer). */
  offerFlow: Int32Array;
  companyPrice: Float64Array;
  companyFlow: Int32Array;
  sinkPrice: number;
}

export interface RepairResult {
  offerOf: Int32Array;
  edgeOf: Int32Array;
  /** Unscaled potentials over [students, offers, companies, sink]. */
  prices: Float64Array;
  offerFlow: Int32Array;
  companyFlow: Int32Array;
  freed: number;
  searches: number;
  settled: number;
}

export function repairAssignmentSsp(problem: CoreProblem, warm: SspState): RepairResult {
  const { edgeStart, edgeOffer, edgeScore, offerSeats, offerCompany } = problem;
  const { nS, nO, nC, offerBase, companyBase, sink, n } = nodeLayout(problem);
  const { weights } = warm;
  const unplacedCost = unplacedCosts(problem, weights);
  const capOf = companyCapacities(problem);

  const price = new Float64Array(n);
  const offerOf = new Int32Array(nS);
  const edgeOf = new Int32Array(nS).fill(-1);
  const holders = new Int32Array(nO);
  const offerFlow = new Int32Array(nO);
  const companyFlow = new Int32Array(nC);
  let unplacedCount = 0;

  // 1. Load the kept flow.
  price[sink] = warm.sinkPrice;
  let freed = 0;
  for (let s = 0; s < nS; s++) {
    const o = warm.offerOf[s];
    offerOf[s] = -2;
    if (o === -2) continue;
    price[s] = warm.studentPrice[s];
    if (o === -1) {
      offerOf[s] = -1;
      unplacedCount++;
      continue;
    }
    for (let e = edgeStart[s]; e < edgeStart[s + 1]; e++) {
      if (edgeOffer[e] === o) {
        offerOf[s] = o;
        edgeOf[s] = e;
        holders[o]++;
        break;
      }
    }
    if (offerOf[s] === -2) freed++;
  }
  // 2a. Companies: new ones priced like the sink; the arc to the sink made feasible.
  for (let c = 0; c < nC; c++) {
    const v = companyBase + c;
    price[v] = Number.isNaN(warm.companyPrice[c]) ? price[sink] : warm.companyPrice[c];
    let f = Math.min(warm.companyFlow[c], capOf[c]);
    if (f < capOf[c] && price[v] < price[sink]) f = capOf[c];
    if (f > 0 && price[v] > price[sink]) f = 0;
    companyFlow[c] = f;
  }
  // 2b. Offers: a new or changed one starts empty with its company's potential (its arc to the
  // company then has reduced cost 0); the students for whom an arc into it is negative — they
  // prefer it to what they hold — are freed in 2c and re-routed.
  for (let o = 0; o < nO; o++) {
    const v = offerBase + o;
    const pc = price[companyBase + offerCompany[o]];
    let f: number;
    if (Number.isNaN(warm.offerPrice[o])) {
      price[v] = pc;
      f = 0;
    } else {
      price[v] = warm.offerPrice[o];
      f = Math.min(warm.offerFlow[o], offerSeats[o]);
    }
    if (f < offerSeats[o] && price[v] < pc) f = offerSeats[o];
    if (f > 0 && price[v] > pc) f = 0;
    offerFlow[o] = f;
  }
  // 2c. Free every kept student that still faces a negative reduced cost. A free student gets
  // its potential when it is routed (the highest keeping its own arcs feasible: it has no
  // incoming residual arc).
  const excess = new Int32Array(n);
  for (let s = 0; s < nS; s++) {
    const cur = offerOf[s];
    if (cur !== -2) {
      const ps = price[s];
      let bad =
        cur === -1
          ? price[sink] - unplacedCost[s] - ps < 0
          : unplacedCost[s] + ps - price[sink] < 0;
      for (let e = edgeStart[s]; !bad && e < edgeStart[s + 1]; e++) {
        const po = price[offerBase + edgeOffer[e]];
        bad = edgeOffer[e] === cur ? edgeScore[e] + po - ps < 0 : -edgeScore[e] + ps - po < 0;
      }
      if (!bad) continue;
      if (cur >= 0) holders[cur]--;
      else unplacedCount--;
      offerOf[s] = -2;
      edgeOf[s] = -1;
      freed++;
    }
    excess[s] = 1;
  }
  // Imbalances (inflow - outflow + supply).
  let sinkIn = unplacedCount - nS;
  for (let o = 0; o < nO; o++) {
    excess[offerBase + o] = holders[o] - offerFlow[o];
    excess[companyBase + offerCompany[o]] += offerFlow[o];
  }
  for (let c = 0; c < nC; c++) {
    excess[companyBase + c] -= companyFlow[c];
    sinkIn += companyFlow[c];
  }
  excess[sink] = sinkIn;

  // 2d. A deficit at an offer or a company is moved on to the sink by cancelling flow, when the
  // arc that becomes residual has a non-negative reduced cost: the sink is a target that most
  // searches reach quickly, a given offer is not.
  for (let o = 0; o < nO; o++) {
    const v = offerBase + o;
    const c = offerCompany[o];
    const k = Math.min(-excess[v], offerFlow[o]);
    if (k > 0 && price[v] >= price[companyBase + c]) {
      offerFlow[o] -= k;
      excess[v] += k;
      excess[companyBase + c] -= k;
    }
  }
  for (let c = 0; c < nC; c++) {
    const v = companyBase + c;
    const k = Math.min(-excess[v], companyFlow[c]);
    if (k > 0 && price[v] >= price[sink]) {
      companyFlow[c] -= k;
      excess[v] += k;
      excess[sink] -= k;
    }
  }

  // 3. Shortest augmenting paths from each excess unit to the nearest deficit: the free
  // students, then the few other excesses.
  const router = createRouter(problem, weights, {
    offerOf,
    edgeOf,
    price,
    offerFlow,
    companyFlow,
    excess,
  });
  for (let v = 0; v < n; v++) while (excess[v] > 0) router.route(v);
  assertExactPotentials(price);
  return {
    offerOf,
    edgeOf,
    prices: price,
    offerFlow,
    companyFlow,
    freed,
    searches: router.stats.searches,
    settled: router.stats.settled,
  };
}

/**
 * Shortest augmenting paths on the residual network of assignment-network.ts (terms in
 * core.ts) — the one engine of the cold solve (ssp.ts) and of the repair (repair.ts).
 *
 * `route(src)` sends one unit of excess from `src` to the nearest node with a deficit, by
 * Dijkstra on reduced costs c(u,w) + p(u) - p(w), then lowers the potential of every settled
 * node by D - d (D: distance of the target). Classic successive shortest paths: if every
 * residual arc had a non-negative reduced cost before, it still has after the augmentation.
 *
 * Dijkstra with potentials (Edmonds & Karp 1972, Tomizawa 1971) on a radix heap
 * (flow/radix-queue.ts); a search stops as soon as no queued label is below the best deficit's.
 */
import {
  AssignmentFlow,
  companyCapacities,
  companyOffersOf,
  nodeLayout,
  unplacedCosts,
} from './assignment-network';
import { RadixQueue } from './flow/radix-queue';
import type { CoreProblem, ObjectiveWeights } from './problem';

export interface AssignmentRouter {
  /** Routes one unit of excess at `src` to the nearest deficit. */
  route(src: number): void;
  /** Highest potential keeping every arc of free student `s` non-negative (it has no incoming arc). */
  freeStudentPrice(s: number): number;
  stats: { searches: number; settled: number; pathArcs: number };
}

/** Pairs are scanned as one Int32 stream `offer << SCORE_BITS | score` (half the memory traffic). */
const SCORE_BITS = 10;
const SCORE_MASK = (1 << SCORE_BITS) - 1;

export function createRouter(
  problem: CoreProblem,
  weights: ObjectiveWeights,
  flow: AssignmentFlow,
): AssignmentRouter {
  const { edgeStart, edgeOffer, edgeScore, offerSeats, offerCompany } = problem;
  const { nS, nO, nC, offerBase, companyBase, sink, n } = nodeLayout(problem);
  const { offerOf, edgeOf, price, offerFlow, companyFlow, excess } = flow;
  if (nO >= 2 ** (31 - SCORE_BITS)) throw new RangeError('assignment: too many offers');
  const { start: companyStart, offers: companyOffers } = companyOffersOf(problem);
  const capOf = companyCapacities(problem);
  const pairs = new Int32Array(edgeStart[nS]);
  for (let e = 0; e < pairs.length; e++) pairs[e] = (edgeOffer[e] << SCORE_BITS) | edgeScore[e];
  const unplacedCost = unplacedCosts(problem, weights);

  // Holders of each offer (doubly linked), with the score each one holds; unplaced students.
  const holderHead = new Int32Array(nO).fill(-1);
  const holderNext = new Int32Array(nS).fill(-1);
  const holderPrev = new Int32Array(nS).fill(-1);
  const heldScore = new Int32Array(nS);
  const unplacedList = new Int32Array(nS);
  const unplacedPos = new Int32Array(nS).fill(-1);
  let unplacedCount = 0;
  const addHolder = (o: number, s: number, e: number) => {
    const h = holderHead[o];
    holderNext[s] = h;
    holderPrev[s] = -1;
    if (h >= 0) holderPrev[h] = s;
    holderHead[o] = s;
    offerOf[s] = o;
    edgeOf[s] = e;
    heldScore[s] = edgeScore[e];
  };
  const addUnplaced = (s: number) => {
    unplacedPos[s] = unplacedCount;
    unplacedList[unplacedCount++] = s;
    offerOf[s] = -1;
    edgeOf[s] = -1;
  };
  /** Takes student s out of its offer or of the unplaced list. */
  const detach = (s: number) => {
    const o = offerOf[s];
    if (o >= 0) {
      const p = holderPrev[s];
      const nx = holderNext[s];
      if (p >= 0) holderNext[p] = nx;
      else holderHead[o] = nx;
      if (nx >= 0) holderPrev[nx] = p;
    } else if (o === -1) {
      const i = unplacedPos[s];
      const last = unplacedList[--unplacedCount];
      unplacedList[i] = last;
      unplacedPos[last] = i;
      unplacedPos[s] = -1;
    }
  };
  for (let s = 0; s < nS; s++) {
    if (offerOf[s] >= 0) addHolder(offerOf[s], s, edgeOf[s]);
    else if (offerOf[s] === -1) addUnplaced(s);
  }

  const dist = new Float64Array(n);
  // 2·search: labelled in this search, 2·search + 1: settled.
  const mark = new Int32Array(n);
  const predNode = new Int32Array(n);
  const predEdge = new Int32Array(n); // for a student → offer arc: the pair index
  const settledList = new Int32Array(n);
  const queue = new RadixQueue(4096);
  const stats = { searches: 0, settled: 0, pathArcs: 0 };
  let labelled = 0;
  let settled = 1;
  /** Label of the best deficit found so far: nothing at or above it is queued. */
  let bound = Infinity;
  let target = -1;

  const relax = (w: number, nd: number, from: number, edge: number) => {
    if (nd >= bound) return;
    const m = mark[w];
    if (m === settled || (m === labelled && nd >= dist[w])) return;
    mark[w] = labelled;
    dist[w] = nd;
    predNode[w] = from;
    predEdge[w] = edge;
    if (excess[w] < 0) {
      bound = nd;
      target = w;
    } else queue.push(w, nd);
  };

  const freeStudentPrice = (s: number) => {
    let ps = price[sink] - unplacedCost[s];
    for (let e = edgeStart[s]; e < edgeStart[s + 1]; e++) {
      const q = price[offerBase + edgeOffer[e]] + edgeScore[e];
      if (q > ps) ps = q;
    }
    return ps;
  };

  const route = (src: number) => {
    if (src < offerBase && offerOf[src] === -2) price[src] = freeStudentPrice(src);
    stats.searches++;
    labelled += 2;
    settled += 2;
    queue.reset();
    bound = Infinity;
    target = -1;
    mark[src] = labelled;
    dist[src] = 0;
    queue.push(src, 0);
    let settledCount = 0;
    for (;;) {
      // The target is settled once no queued label is below its own (ties end the search).
      const d = queue.minKey();
      if (d >= bound) break;
      if (d === Infinity) throw new Error('assignment: no deficit reachable');
      const v = queue.pop();
      if (mark[v] === settled || d > dist[v]) continue;
      mark[v] = settled;
      settledList[settledCount++] = v;
      const pv = price[v];
      if (v < offerBase) {
        const current = offerOf[v];
        // The "unplaced" arc first: it often sets the bound that prunes the offers below.
        if (current !== -1) relax(sink, d + unplacedCost[v] + pv - price[sink], v, -1);
        const base = d + pv;
        for (let e = edgeStart[v], end = edgeStart[v + 1]; e < end; e++) {
          const x = pairs[e];
          const o = x >> SCORE_BITS;
          if (o === current) continue;
          const w = offerBase + o;
          const nd = base - (x & SCORE_MASK) - price[w];
          if (nd >= bound) continue;
          const m = mark[w];
          if (m === settled || (m === labelled && nd >= dist[w])) continue;
          relax(w, nd, v, e);
        }
      } else if (v < companyBase) {
        const o = v - offerBase;
        for (let h = holderHead[o]; h >= 0; h = holderNext[h])
          relax(h, d + heldScore[h] + pv - price[h], v, -1);
        if (offerFlow[o] < offerSeats[o]) {
          const w = companyBase + offerCompany[o];
          relax(w, d + pv - price[w], v, -1);
        }
      } else if (v < sink) {
        const c = v - companyBase;
        for (let i = companyStart[c]; i < companyStart[c + 1]; i++) {
          const o = companyOffers[i];
          if (offerFlow[o] > 0) relax(offerBase + o, d + pv - price[offerBase + o], v, -1);
        }
        if (companyFlow[c] < capOf[c]) relax(sink, d + pv - price[sink], v, -1);
      } else {
        for (let c = 0; c < nC; c++)
          if (companyFlow[c] > 0) relax(companyBase + c, d + pv - price[companyBase + c], v, -1);
        for (let i = 0; i < unplacedCount; i++) {
          const s = unplacedList[i];
          relax(s, d - unplacedCost[s] + pv - price[s], v, -1);
        }
      }
    }
    stats.settled += settledCount;
    for (let i = 0; i < settledCount; i++) {
      const v = settledList[i];
      price[v] += dist[v] - bound;
    }
    // Augment from the target back to src.
    let w = target;
    while (w !== src) {
      const u = predNode[w];
      stats.pathArcs++;
      if (u < offerBase) {
        detach(u);
        if (w === sink) addUnplaced(u);
        else addHolder(w - offerBase, u, predEdge[w]);
      } else if (u < companyBase) {
        if (w >= companyBase) offerFlow[u - offerBase]++;
        // offer → holder: the holder's own arc (processed before) moved it.
      } else if (u < sink) {
        if (w === sink) companyFlow[u - companyBase]++;
        else offerFlow[w - offerBase]--;
      } else if (w >= companyBase) {
        companyFlow[w - companyBase]--;
      }
      // sink → unplaced student: that student's next arc (processed before) moved it.
      w = u;
    }
    excess[src]--;
    excess[target]++;
  };

  return { route, freeStudentPrice, stats };
}

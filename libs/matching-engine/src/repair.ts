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
import type { CoreProblem, ObjectiveWeights } from './core';

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
  const {
    studentCount: nS,
    offerCount: nO,
    companyCount: nC,
    edgeStart,
    edgeOffer,
    edgeScore,
    offerSeats,
    offerCompany,
    companyCap,
    priority,
  } = problem;
  const { weights } = warm;
  const offerBase = nS;
  const companyBase = nS + nO;
  const sink = nS + nO + nC;
  const n = sink + 1;
  const unplacedCost = (s: number) => weights.placedWeight + priority[s] * weights.priorityWeight;

  const companyStart = new Int32Array(nC + 1);
  for (let o = 0; o < nO; o++) companyStart[offerCompany[o] + 1]++;
  for (let c = 0; c < nC; c++) companyStart[c + 1] += companyStart[c];
  const companyOffers = new Int32Array(nO);
  const fill = companyStart.slice(0, nC);
  for (let o = 0; o < nO; o++) companyOffers[fill[offerCompany[o]]++] = o;
  // Capacity of company → sink; an uncapped company cannot use more than its seats.
  const capOf = new Float64Array(nC);
  for (let c = 0; c < nC; c++) {
    if (companyCap[c] >= 0) capOf[c] = companyCap[c];
    else
      for (let i = companyStart[c]; i < companyStart[c + 1]; i++)
        capOf[c] += offerSeats[companyOffers[i]];
  }

  const price = new Float64Array(n);
  const offerOf = new Int32Array(nS);
  const edgeOf = new Int32Array(nS).fill(-1);
  const holderHead = new Int32Array(nO).fill(-1);
  const holderNext = new Int32Array(nS).fill(-1);
  const holderPrev = new Int32Array(nS).fill(-1);
  const holders = new Int32Array(nO);
  const offerFlow = new Int32Array(nO);
  const companyFlow = new Int32Array(nC);
  const unplacedList = new Int32Array(nS);
  const unplacedPos = new Int32Array(nS).fill(-1);
  let unplacedCount = 0;
  const addUnplaced = (s: number) => {
    unplacedPos[s] = unplacedCount;
    unplacedList[unplacedCount++] = s;
  };
  const removeUnplaced = (s: number) => {
    const i = unplacedPos[s];
    const last = unplacedList[--unplacedCount];
    unplacedList[i] = last;
    unplacedPos[last] = i;
    unplacedPos[s] = -1;
  };
  const removeHolder = (o: number, s: number) => {
    const p = holderPrev[s];
    const nx = holderNext[s];
    if (p >= 0) holderNext[p] = nx;
    else holderHead[o] = nx;
    if (nx >= 0) holderPrev[nx] = p;
    holders[o]--;
  };
  const addHolder = (o: number, s: number) => {
    const h = holderHead[o];
    holderNext[s] = h;
    holderPrev[s] = -1;
    if (h >= 0) holderPrev[h] = s;
    holderHead[o] = s;
    holders[o]++;
  };

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
      addUnplaced(s);
      continue;
    }
    for (let e = edgeStart[s]; e < edgeStart[s + 1]; e++) {
      if (edgeOffer[e] === o) {
        offerOf[s] = o;
        edgeOf[s] = e;
        addHolder(o, s);
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
  // 2c. Free every kept student that still faces a negative reduced cost.
  const free = (s: number) => {
    const o = offerOf[s];
    if (o >= 0) removeHolder(o, s);
    else if (o === -1) removeUnplaced(s);
    offerOf[s] = -2;
    edgeOf[s] = -1;
    freed++;
  };
  for (let s = 0; s < nS; s++) {
    const cur = offerOf[s];
    if (cur === -2) continue;
    const ps = price[s];
    let bad =
      cur === -1 ? price[sink] - unplacedCost(s) - ps < 0 : unplacedCost(s) + ps - price[sink] < 0;
    for (let e = edgeStart[s]; !bad && e < edgeStart[s + 1]; e++) {
      const po = price[offerBase + edgeOffer[e]];
      bad = edgeOffer[e] === cur ? edgeScore[e] + po - ps < 0 : -edgeScore[e] + ps - po < 0;
    }
    if (bad) free(s);
  }
  // 2d. Free students: the highest potential keeping their arcs feasible.
  const excess = new Int32Array(n);
  for (let s = 0; s < nS; s++) {
    if (offerOf[s] !== -2) continue;
    let ps = price[sink] - unplacedCost(s);
    for (let e = edgeStart[s]; e < edgeStart[s + 1]; e++) {
      const q = price[offerBase + edgeOffer[e]] + edgeScore[e];
      if (q > ps) ps = q;
    }
    price[s] = ps;
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

  // 2e. A deficit at an offer or a company is moved on to the sink by cancelling flow, when the
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

  // 3. Shortest augmenting paths from each excess unit to the nearest deficit.
  const dist = new Float64Array(n);
  const seen = new Int32Array(n);
  const done = new Int32Array(n);
  const predNode = new Int32Array(n);
  const predEdge = new Int32Array(n);
  const settledList = new Int32Array(n);
  let heapKey = new Float64Array(1024);
  let heapVal = new Int32Array(1024);
  let size = 0;
  let search = 0;
  let searches = 0;
  let settledTotal = 0;
  let bound = Infinity;
  let boundNode = -1;

  const relax = (w: number, nd: number, from: number, edge: number) => {
    if (done[w] === search) return;
    if (nd >= bound && excess[w] >= 0) return;
    if (seen[w] === search && nd >= dist[w]) return;
    seen[w] = search;
    dist[w] = nd;
    predNode[w] = from;
    predEdge[w] = edge;
    if (excess[w] < 0 && nd < bound) {
      bound = nd;
      boundNode = w;
    }
    if (size === heapKey.length) {
      const nk = new Float64Array(size * 2);
      nk.set(heapKey);
      heapKey = nk;
      const nv = new Int32Array(size * 2);
      nv.set(heapVal);
      heapVal = nv;
    }
    let i = size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heapKey[parent] <= nd) break;
      heapKey[i] = heapKey[parent];
      heapVal[i] = heapVal[parent];
      i = parent;
    }
    heapKey[i] = nd;
    heapVal[i] = w;
  };

  const route = (src: number) => {
    search++;
    searches++;
    size = 0;
    bound = Infinity;
    boundNode = -1;
    relax(src, 0, -1, -1);
    let settledCount = 0;
    let target = -1;
    while (target < 0) {
      // A deficit already labelled at or below every queued label is settled at once (reduced
      // costs are >= 0): on the plateaus of zero reduced cost this ends the search early.
      if (boundNode >= 0 && (size === 0 || bound <= heapKey[0]) && done[boundNode] !== search) {
        target = boundNode;
        done[target] = search;
        settledList[settledCount++] = target;
        break;
      }
      if (size === 0) throw new Error('assignment repair: no deficit reachable');
      const d = heapKey[0];
      const v = heapVal[0];
      size--;
      if (size > 0) {
        const lk = heapKey[size];
        const lv = heapVal[size];
        let i = 0;
        for (;;) {
          let c = 2 * i + 1;
          if (c >= size) break;
          if (c + 1 < size && heapKey[c + 1] < heapKey[c]) c++;
          if (heapKey[c] >= lk) break;
          heapKey[i] = heapKey[c];
          heapVal[i] = heapVal[c];
          i = c;
        }
        heapKey[i] = lk;
        heapVal[i] = lv;
      }
      if (done[v] === search || d > dist[v]) continue;
      done[v] = search;
      settledList[settledCount++] = v;
      if (excess[v] < 0) {
        target = v;
        break;
      }
      const pv = price[v];
      if (v < offerBase) {
        const current = offerOf[v];
        if (current !== -1) relax(sink, d + unplacedCost(v) + pv - price[sink], v, -1);
        const base = d + pv;
        for (let e = edgeStart[v], end = edgeStart[v + 1]; e < end; e++) {
          const o = edgeOffer[e];
          if (o === current) continue;
          relax(offerBase + o, base - edgeScore[e] - price[offerBase + o], v, e);
        }
      } else if (v < companyBase) {
        const o = v - offerBase;
        for (let h = holderHead[o]; h >= 0; h = holderNext[h])
          relax(h, d + edgeScore[edgeOf[h]] + pv - price[h], v, -1);
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
          relax(s, d - unplacedCost(s) + pv - price[s], v, -1);
        }
      }
    }
    settledTotal += settledCount;
    const total = dist[target];
    for (let i = 0; i < settledCount; i++) {
      const v = settledList[i];
      price[v] += dist[v] - total;
    }
    let w = target;
    while (w !== src) {
      const u = predNode[w];
      if (u < offerBase) {
        const old = offerOf[u];
        if (old >= 0) removeHolder(old, u);
        else if (old === -1) removeUnplaced(u);
        if (w === sink) {
          offerOf[u] = -1;
          edgeOf[u] = -1;
          addUnplaced(u);
        } else {
          offerOf[u] = w - offerBase;
          edgeOf[u] = predEdge[w];
          addHolder(w - offerBase, u);
        }
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

  // Non-student excesses first (a few), then the free students.
  for (let s = 0; s < nS; s++) while (excess[s] > 0) route(s);
  for (let v = offerBase; v < n; v++) while (excess[v] > 0) route(v);
  return {
    offerOf,
    edgeOf,
    prices: price,
    offerFlow,
    companyFlow,
    freed,
    searches,
    settled: settledTotal,
  };
}

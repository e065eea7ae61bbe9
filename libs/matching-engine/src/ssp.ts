/**
 * Successive shortest paths specialised to the assignment network
 * student → offer (seats) → company (cap) → sink, plus student → sink ("unplaced").
 *
 * Students are added one at a time (highest priority first); each sends its unit along a
 * shortest path of the residual network (Dijkstra on reduced costs with node potentials).
 * Classic SSP invariant: after every augmentation the flow is a min-cost flow for the students
 * added so far, and the potentials certify it (reduced cost >= 0 on every residual arc).
 * The residual network is never materialised: an offer's residual arcs are its holders
 * (back to them) and, while a seat is free, the arc to its company; a company's are its offers
 * that hold someone and, while under its cap, the sink.
 */
import type { CoreProblem, ObjectiveWeights } from './core';

export interface SspResult {
  offerOf: Int32Array;
  edgeOf: Int32Array;
  /** Potentials (unscaled) over nodes [students, offers, companies, sink]. */
  prices: Float64Array;
  settled: number;
  pathArcs: number;
}

export function solveAssignmentSsp(problem: CoreProblem, weights: ObjectiveWeights): SspResult {
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
  const offerBase = nS;
  const companyBase = nS + nO;
  const sink = nS + nO + nC;
  const n = sink + 1;

  // Offers of each company (CSR).
  const companyStart = new Int32Array(nC + 1);
  for (let o = 0; o < nO; o++) companyStart[offerCompany[o] + 1]++;
  for (let c = 0; c < nC; c++) companyStart[c + 1] += companyStart[c];
  const companyOffers = new Int32Array(nO);
  const fill = companyStart.slice(0, nC);
  for (let o = 0; o < nO; o++) companyOffers[fill[offerCompany[o]]++] = o;

  const offerOf = new Int32Array(nS).fill(-2); // -2 not yet added, -1 unplaced
  const edgeOf = new Int32Array(nS).fill(-1);
  const holderHead = new Int32Array(nO).fill(-1);
  const holderNext = new Int32Array(nS).fill(-1);
  const holderPrev = new Int32Array(nS).fill(-1);
  const holders = new Int32Array(nO);
  const companyUsed = new Int32Array(nC);

  const price = new Float64Array(n);
  const dist = new Float64Array(n);
  const seen = new Int32Array(n);
  const done = new Int32Array(n);
  const predNode = new Int32Array(n);
  const predEdge = new Int32Array(n); // for a student→offer arc: the edge index
  const settledList = new Int32Array(n);
  let heapKey = new Float64Array(4096);
  let heapVal = new Int32Array(4096);
  let size = 0;
  let settledTotal = 0;
  let pathArcs = 0;
  let search = 0;

  const unplacedCost = (s: number) => weights.placedWeight + priority[s] * weights.priorityWeight;

  // Upper bound on the distance to the sink in the current search: a label that is not below
  // it can never be on a shortest path, so it is not queued.
  const relax = (w: number, nd: number, from: number, edge: number) => {
    if (seen[sink] === search && nd >= dist[sink] && w !== sink) return;
    if (done[w] === search) return;
    if (seen[w] === search && nd >= dist[w]) return;
    seen[w] = search;
    dist[w] = nd;
    predNode[w] = from;
    predEdge[w] = edge;
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

  // Order of entry: students with the fewest eligible offers first, then input order (which
  // keeps a school's students together). Any order gives the same optimum (SSP invariant); this
  // one keeps the searches short — on the benchmark instance 3× fewer settled nodes than
  // "highest priority first", because flexible students enter last and route around.
  const order = Int32Array.from({ length: nS }, (_, i) => i).sort(
    (a, b) => edgeStart[a + 1] - edgeStart[a] - (edgeStart[b + 1] - edgeStart[b]) || a - b,
  );
  for (let k = 0; k < nS; k++) {
    const s = order[k];
    search++;
    // Potential of the new student: all its arcs get a non-negative reduced cost.
    let ps = price[sink] - unplacedCost(s);
    for (let e = edgeStart[s]; e < edgeStart[s + 1]; e++) {
      const q = price[offerBase + edgeOffer[e]] + edgeScore[e];
      if (q > ps) ps = q;
    }
    price[s] = ps;
    offerOf[s] = -1; // in the network now; its unit is routed below
    size = 0;
    relax(s, 0, -1, -1);
    let settledCount = 0;
    for (;;) {
      if (size === 0) throw new Error('assignment: sink unreachable');
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
      if (v === sink) break;
      const pv = price[v];
      if (v < offerBase) {
        const current = offerOf[v];
        // The "unplaced" arc first: it often sets the bound that prunes the offers below.
        if (current !== -1 || v === s) relax(sink, d + unplacedCost(v) + pv - price[sink], v, -1);
        const bound = seen[sink] === search ? dist[sink] : Infinity;
        const base = d + pv;
        for (let e = edgeStart[v], end = edgeStart[v + 1]; e < end; e++) {
          const o = edgeOffer[e];
          if (o === current) continue;
          const w = offerBase + o;
          const nd = base - edgeScore[e] - price[w];
          if (nd >= bound || done[w] === search || (seen[w] === search && nd >= dist[w])) continue;
          relax(w, nd, v, e);
        }
      } else if (v < companyBase) {
        const o = v - offerBase;
        for (let h = holderHead[o]; h >= 0; h = holderNext[h])
          relax(h, d + edgeScore[edgeOf[h]] + pv - price[h], v, -1);
        if (holders[o] < offerSeats[o]) {
          const w = companyBase + offerCompany[o];
          relax(w, d + pv - price[w], v, -1);
        }
      } else {
        const c = v - companyBase;
        for (let i = companyStart[c]; i < companyStart[c + 1]; i++) {
          const o = companyOffers[i];
          if (holders[o] > 0) relax(offerBase + o, d + pv - price[offerBase + o], v, -1);
        }
        if (companyCap[c] < 0 || companyUsed[c] < companyCap[c])
          relax(sink, d + pv - price[sink], v, -1);
      }
    }
    settledTotal += settledCount;
    const total = dist[sink];
    for (let i = 0; i < settledCount; i++) {
      const v = settledList[i];
      price[v] += dist[v] - total;
    }
    // Augment along the path, from the sink back to s.
    let w = sink;
    while (w !== s) {
      const u = predNode[w];
      pathArcs++;
      if (u < offerBase) {
        if (w === sink) {
          // u leaves the network to "unplaced" (u was displaced, or it is s itself).
          const old = offerOf[u];
          if (old >= 0) removeHolder(old, u);
          offerOf[u] = -1;
          edgeOf[u] = -1;
        } else {
          const o = w - offerBase;
          const old = offerOf[u];
          if (old >= 0) removeHolder(old, u);
          offerOf[u] = o;
          edgeOf[u] = predEdge[w];
          addHolder(o, u);
        }
      } else if (u < companyBase) {
        // offer → company (a seat taken; holders already counted) or offer → holder (displacement, done above).
      } else if (w === sink) {
        companyUsed[u - companyBase]++;
      }
      w = u;
    }
  }
  for (let s = 0; s < nS; s++) if (offerOf[s] < -1) offerOf[s] = -1;
  return { offerOf, edgeOf, prices: price, settled: settledTotal, pathArcs };
}

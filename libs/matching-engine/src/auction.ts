/**
 * ε-scaling auction for the assignment with seats (Bertsekas 1988, "The auction algorithm: a
 * distributed relaxation method for the assignment problem"; Bertsekas & Castañon 1992 for the
 * asymmetric case), used as a warm start: it ends with a flow and potentials close to optimal,
 * and the shortest-path repair (repair.ts) makes them exactly optimal and certifies them.
 *
 * Terms as in solve-core.ts. In auction terms a student is a bidder and an offer with k free
 * seats is k "similar objects" (seats), each with its own price; a seat's price is the negated
 * potential of its offer. The "unplaced" choice is an object of unlimited capacity and price 0.
 * Values are scaled by {@link VALUE_SCALE}, so that the last phase's ε = 1 is 1/16 of a score
 * point: not fine enough for the auction alone to be exact (that would take 1/n: the reverse
 * bids then turn into long price wars), close enough for the repair to have little left to do.
 *
 * Forward bid (Gauss–Seidel): a free student takes its best seat (value: scaled score minus the
 * seat's price, or minus the unplaced cost) and raises that seat's price by best − second best
 * + ε, evicting the seat's holder. Reverse bid: after each phase, a free seat with a positive
 * price lowers it just enough to win the student who gains most from it (a free seat must cost
 * nothing at the optimum: the students outnumber the seats, the asymmetric case).
 *
 * Company caps are not modelled here (the repair enforces them); on instances where the reverse
 * bids turn into price wars (seats fought over at tiny ε, seen on the geographic academies) the
 * auction gives up — one phase's reverse bids above 20 per student, or all its work above 400
 * reads per pair, where the random networks need about 10 and 150 — and returns
 * undefined: the caller solves by shortest paths instead.
 */
import type { CoreProblem, ObjectiveWeights } from './problem';
import type { SspState } from './repair';
import { unplacedCosts } from './assignment-network';

/** Values are multiplied by this (ε = 1 is 1/16 of a score point). */
export const VALUE_SCALE = 16;

export interface AuctionStats {
  phases: number;
  bids: number;
  reverseBids: number;
}

export interface AuctionOptions {
  /** ε is divided by theta at each phase (default 8). */
  theta?: number;
  /** Give up when the pairs read exceed this multiple of the pair count (default 400)… */
  workBudget?: number;
  /** … or when one phase's reverse bids exceed this multiple of the student count (default 20). */
  reverseBudget?: number;
}

/** Flow and potentials (unscaled, integers) close to optimal, or undefined if given up. */
export function auctionWarmStart(
  problem: CoreProblem,
  weights: ObjectiveWeights,
  options: AuctionOptions = {},
): { state: SspState; stats: AuctionStats } | undefined {
  const { studentCount: nS, offerCount: nO, companyCount: nC } = problem;
  const { edgeStart, edgeOffer, edgeScore, offerSeats, offerCompany } = problem;
  const theta = options.theta ?? 8;
  const pairCount = edgeStart[nS];
  const budget = (options.workBudget ?? 400) * Math.max(pairCount, nS);
  const reverseBudget = (options.reverseBudget ?? 20) * nS;
  const K = VALUE_SCALE;
  const unplaced = unplacedCosts(problem, weights);
  for (let s = 0; s < nS; s++) unplaced[s] *= K;
  const value = new Float64Array(pairCount);
  for (let e = 0; e < pairCount; e++) value[e] = edgeScore[e] * K;

  // Seats: offer o owns seats seatStart[o] .. seatStart[o + 1] - 1.
  const seatStart = new Int32Array(nO + 1);
  for (let o = 0; o < nO; o++) seatStart[o + 1] = seatStart[o] + offerSeats[o];
  const seatCount = seatStart[nO];
  const seatOffer = new Int32Array(seatCount);
  for (let o = 0; o < nO; o++) seatOffer.fill(o, seatStart[o], seatStart[o + 1]);
  const seatPrice = new Float64Array(seatCount);
  const seatHolder = new Int32Array(seatCount).fill(-1);
  /** Scaled score of the pair held on each seat. */
  const seatValue = new Float64Array(seatCount);
  /** Cheapest seat of each offer and its price (Infinity: no seat). */
  const cheapest = new Int32Array(nO);
  const cheapestPrice = new Float64Array(nO);
  for (let o = 0; o < nO; o++) {
    cheapest[o] = seatStart[o];
    cheapestPrice[o] = offerSeats[o] > 0 ? 0 : Infinity;
  }
  const updateCheapest = (o: number) => {
    let m = Infinity;
    let best = -1;
    for (let j = seatStart[o]; j < seatStart[o + 1]; j++)
      if (seatPrice[j] < m) {
        m = seatPrice[j];
        best = j;
      }
    cheapestPrice[o] = m;
    cheapest[o] = best;
  };
  /** Seat of each student, -1 free, -2 unplaced. */
  const seatOf = new Int32Array(nS).fill(-1);
  /** What each student gains from its choice (scaled value minus price). */
  const profit = new Float64Array(nS);
  // The pairs by offer, student and scaled score side by side (read by the reverse bids).
  const entryStart = new Int32Array(nO + 1);
  for (let e = 0; e < pairCount; e++) entryStart[edgeOffer[e] + 1]++;
  for (let o = 0; o < nO; o++) entryStart[o + 1] += entryStart[o];
  const fill = entryStart.slice(0, nO);
  const entryStudent = new Int32Array(pairCount);
  const entryValue = new Float64Array(pairCount);
  for (let s = 0; s < nS; s++)
    for (let e = edgeStart[s]; e < edgeStart[s + 1]; e++) {
      const i = fill[edgeOffer[e]]++;
      entryStudent[i] = s;
      entryValue[i] = value[e];
    }

  const stats: AuctionStats = { phases: 0, bids: 0, reverseBids: 0 };
  let work = 0;
  let eps = 1;
  const queue = new Int32Array(nS);
  let head = 0;
  let count = 0;

  const forward = (waiting: number): void => {
    head = 0;
    count = waiting;
    while (count > 0) {
      const s = queue[head];
      head = head + 1 === nS ? 0 : head + 1;
      count--;
      stats.bids++;
      let v1 = -unplaced[s];
      let v2 = -Infinity;
      let best = -1;
      const end = edgeStart[s + 1];
      work += end - edgeStart[s];
      for (let e = edgeStart[s]; e < end; e++) {
        const v = value[e] - cheapestPrice[edgeOffer[e]];
        if (v > v1) {
          v2 = v1;
          v1 = v;
          best = e;
        } else if (v > v2) v2 = v;
      }
      if (best < 0) {
        seatOf[s] = -2;
        profit[s] = -unplaced[s];
        continue;
      }
      const o = edgeOffer[best];
      const k = cheapest[o];
      const h = seatHolder[k];
      if (h >= 0) {
        seatOf[h] = -1;
        let t = head + count;
        if (t >= nS) t -= nS;
        queue[t] = h;
        count++;
      }
      seatHolder[k] = s;
      seatOf[s] = k;
      seatValue[k] = value[best];
      seatPrice[k] += v1 - v2 + eps;
      profit[s] = v2 - eps;
      updateCheapest(o);
    }
  };

  const freeSeats = new Int32Array(seatCount);
  /** Reverse bids of the free seats with a positive price; false when over budget. */
  const reverse = (): boolean => {
    let n = 0;
    for (let k = 0; k < seatCount; k++)
      if (seatHolder[k] < 0 && seatPrice[k] > 0) freeSeats[n++] = k;
    let bids = 0;
    while (n > 0) {
      const k = freeSeats[--n];
      if (seatHolder[k] >= 0 || seatPrice[k] <= 0) continue;
      if (work > budget || ++bids > reverseBudget) return false;
      stats.reverseBids++;
      const o = seatOffer[k];
      let b1 = -Infinity;
      let b2 = -Infinity;
      let s1 = -1;
      let v1 = 0;
      work += entryStart[o + 1] - entryStart[o];
      for (let i = entryStart[o]; i < entryStart[o + 1]; i++) {
        const b = entryValue[i] - profit[entryStudent[i]];
        if (b > b1) {
          b2 = b1;
          b1 = b;
          s1 = entryStudent[i];
          v1 = entryValue[i];
        } else if (b > b2) b2 = b;
      }
      if (b1 <= eps) {
        seatPrice[k] = 0;
        updateCheapest(o);
        continue;
      }
      const price = Math.max(0, b2 - eps);
      const old = seatOf[s1];
      if (old >= 0) {
        seatHolder[old] = -1;
        freeSeats[n++] = old;
      }
      seatHolder[k] = s1;
      seatOf[s1] = k;
      seatValue[k] = v1;
      seatPrice[k] = price;
      profit[s1] = v1 - price;
      updateCheapest(o);
    }
    return true;
  };

  let maxUnplaced = 0;
  for (let s = 0; s < nS; s++) maxUnplaced = Math.max(maxUnplaced, unplaced[s]);
  eps = Math.max(1, Math.floor(maxUnplaced / theta));
  for (;;) {
    stats.phases++;
    // Prices are kept; a student whose choice is still within ε of its best keeps it.
    let waiting = 0;
    for (let s = 0; s < nS; s++) {
      const k = seatOf[s];
      if (stats.phases > 1) {
        let v1 = -unplaced[s];
        for (let e = edgeStart[s], end = edgeStart[s + 1]; e < end; e++) {
          const v = value[e] - cheapestPrice[edgeOffer[e]];
          if (v > v1) v1 = v;
        }
        const own = k >= 0 ? seatValue[k] - seatPrice[k] : -unplaced[s];
        if (own >= v1 - eps) {
          profit[s] = own;
          continue;
        }
      }
      if (k >= 0) seatHolder[k] = -1;
      seatOf[s] = -1;
      queue[waiting++] = s;
    }
    work += pairCount;
    forward(waiting);
    if (!reverse() || work > budget) return undefined;
    if (eps === 1) break;
    eps = Math.max(1, Math.floor(eps / theta));
  }

  // Potentials of the min-cost formulation, in unscaled integers: the sink and the companies at
  // 0, an offer at minus its cheapest seat's price, a student at its best value.
  const offerOf = new Int32Array(nS);
  const studentPrice = new Float64Array(nS);
  const offerFlow = new Int32Array(nO);
  const companyFlow = new Int32Array(nC);
  for (let s = 0; s < nS; s++) {
    let v1 = -unplaced[s];
    for (let e = edgeStart[s]; e < edgeStart[s + 1]; e++)
      v1 = Math.max(v1, value[e] - cheapestPrice[edgeOffer[e]]);
    studentPrice[s] = Math.floor(v1 / K);
    const k = seatOf[s];
    if (k >= 0) {
      const o = seatOffer[k];
      offerOf[s] = o;
      offerFlow[o]++;
      companyFlow[offerCompany[o]]++;
    } else offerOf[s] = -1;
  }
  const offerPrice = new Float64Array(nO);
  for (let o = 0; o < nO; o++)
    offerPrice[o] = offerSeats[o] > 0 ? -Math.ceil(cheapestPrice[o] / K) : NaN;
  return {
    state: {
      weights,
      offerOf,
      studentPrice,
      offerPrice,
      offerFlow,
      companyPrice: new Float64Array(nC),
      companyFlow,
      sinkPrice: 0,
    },
    stats,
  };
}

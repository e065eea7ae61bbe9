/**
 * Seeded random assignment networks without geography, the shape of issue 17's scaling table:
 * `students` students, `offers` offers (default 0.4 per student) with 1–3 seats, `degree`
 * distinct candidate offers per student drawn uniformly, scores 1–100, priority levels 0–3 at
 * random, companies of two offers on average, uncapped unless `capShare` says otherwise.
 */
import type { CoreProblem } from '../problem';
import { mulberry32 } from './random-instance';

export interface NetworkShape {
  students: number;
  offers?: number;
  degree?: number;
  seed: number;
  /** Share of companies with a monthly cap of 1–4 (default 0: no caps). */
  capShare?: number;
  /** Highest score (default 100); scores are drawn in 1..maxScore. */
  maxScore?: number;
}

export function generateNetwork(shape: NetworkShape): CoreProblem {
  const r = mulberry32(shape.seed);
  const nS = shape.students;
  const nO = shape.offers ?? Math.round(nS * 0.4);
  const nC = Math.max(1, Math.round(nO / 2));
  const degree = Math.min(shape.degree ?? 60, nO);
  const maxScore = shape.maxScore ?? 100;
  const edgeStart = new Int32Array(nS + 1);
  const edgeOffer = new Int32Array(nS * degree);
  const edgeScore = new Int32Array(nS * degree);
  const seen = new Int32Array(nO).fill(-1);
  let e = 0;
  for (let s = 0; s < nS; s++) {
    edgeStart[s] = e;
    for (let k = 0; k < degree; k++) {
      let o = Math.floor(r() * nO);
      while (seen[o] === s) o = Math.floor(r() * nO);
      seen[o] = s;
      edgeOffer[e] = o;
      edgeScore[e++] = 1 + Math.floor(r() * maxScore);
    }
  }
  edgeStart[nS] = e;
  return {
    studentCount: nS,
    offerCount: nO,
    companyCount: nC,
    priority: Int32Array.from({ length: nS }, () => Math.floor(r() * 4)),
    offerSeats: Int32Array.from({ length: nO }, () => 1 + Math.floor(r() * 3)),
    offerCompany: Int32Array.from({ length: nO }, () => Math.floor(r() * nC)),
    companyCap: Int32Array.from({ length: nC }, () =>
      r() < (shape.capShare ?? 0) ? 1 + Math.floor(r() * 4) : -1,
    ),
    edgeStart,
    edgeOffer,
    edgeScore,
  };
}

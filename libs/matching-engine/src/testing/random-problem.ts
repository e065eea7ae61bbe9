/**
 * Small random assignment networks for property tests, drawn from a list of numbers (fast-check
 * gives the list; the same list gives the same network). By default: plenty of ties (half the
 * scores among 0, 250, 500, 750), priorities 0–3, half the companies capped at 0–3.
 */
import type { CoreProblem } from '../problem';

export interface ProblemDraw {
  nS: number;
  nO: number;
  nC: number;
  seed: number[];
  /** 'ties': scores among 0, 500, 1000; 'equal': every pair scores 700. */
  scores?: 'default' | 'ties' | 'equal';
  /** Chance in 4 that a company is capped, at 0–4 (default: one in 2, capped at 0–3). */
  capped?: number;
}

export function drawProblem(d: ProblemDraw): CoreProblem {
  const { nS, nO, nC, seed } = d;
  let k = 0;
  const next = (m: number) => seed[k++ % seed.length] % m;
  const score = () => {
    if (d.scores === 'equal') return 700;
    if (d.scores === 'ties') return next(3) * 500;
    return next(2) === 0 ? next(4) * 250 : next(1001);
  };
  const cap = () => {
    if (d.capped === undefined) return next(2) ? -1 : next(4);
    return next(4) < d.capped ? next(5) : -1;
  };
  const edgeStart = new Int32Array(nS + 1);
  const edgeOffer: number[] = [];
  const edgeScore: number[] = [];
  for (let s = 0; s < nS; s++) {
    edgeStart[s] = edgeOffer.length;
    for (let o = 0; o < nO; o++) {
      if (next(3) === 0) continue;
      edgeOffer.push(o);
      edgeScore.push(score());
    }
  }
  edgeStart[nS] = edgeOffer.length;
  return {
    studentCount: nS,
    offerCount: nO,
    companyCount: nC,
    priority: Int32Array.from({ length: nS }, () => next(4)),
    offerSeats: Int32Array.from({ length: nO }, () => next(4)),
    offerCompany: Int32Array.from({ length: nO }, () => next(nC)),
    companyCap: Int32Array.from({ length: nC }, cap),
    edgeStart,
    edgeOffer: Int32Array.from(edgeOffer),
    edgeScore: Int32Array.from(edgeScore),
  };
}

/** Greedy baseline, for the benchmark: what optimality adds. */
import type { CoreProblem } from './problem';

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

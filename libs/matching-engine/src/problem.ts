/**
 * The assignment problem on typed arrays and its objective: students → offers (seats) →
 * companies (monthly cap). It knows nothing about dates, places or ids; `session.ts` builds a
 * {@link CoreProblem} from an instance (eligibility + scores) and maps the answer back. The
 * solvers (core.ts) import this file; it imports none of them.
 */
import { assertSafe } from './flow/flow-network';
import type { FlowSolveStats } from './flow/cost-scaling';

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

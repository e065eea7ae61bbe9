/**
 * The flow of a session between solves: the last flow and potentials kept by stable ids and
 * offer keys, mapped onto the next problem's indices for the repair (repair.ts), or a cold
 * solve (core.ts) when there is none or its weights would no longer be exact.
 */
import { solveAssignment } from './core';
import { CoreProblem, CoreSolution, ObjectiveWeights, evaluate, objectiveWeights } from './problem';
import { SspState, repairAssignmentSsp } from './repair';

/** What changed since the last solve: offers (keys) and students whose pairs changed. */
export interface Changed {
  offers: Set<number>;
  students: Set<string>;
  /** Number of offer keys ever given (keys are never reused). */
  keyCount: number;
}

interface FlowState {
  weights: ObjectiveWeights;
  /** Largest min(students, offers + 1) for which `weights` are exact. */
  m: number;
  students: Map<string, { offerKey: number; price: number }>;
  /** By offer key (NaN: no such offer at the last solve). */
  offerPrice: Float64Array;
  offerFlow: Int32Array;
  companies: Map<string, { price: number; flow: number }>;
  sinkPrice: number;
}

export class SessionFlow {
  private state?: FlowState;

  /**
   * Cold: `solveAssignment` (core.ts). Warm: the previous flow and potentials are mapped to the
   * new indices and repaired (only the changed part is re-routed). Both solve with the session's
   * weights (chosen with headroom so that they stay exact after additions) and report the
   * objective with the canonical weights of the current size, like a cold `solveMatching`.
   */
  solve(
    problem: CoreProblem,
    studentIds: string[],
    offerKeys: number[],
    companyIds: string[],
    changed: Changed,
  ): CoreSolution {
    const keyCount = changed.keyCount;
    const { studentCount: nS, offerCount: nO, companyCount: nC } = problem;
    const canonical = objectiveWeights(nS, nO);
    const prev = this.state;
    const m = Math.max(1, Math.min(nS, nO + 1));
    let offerOf: Int32Array;
    let edgeOf: Int32Array;
    let prices: Float64Array;
    let weights: ObjectiveWeights;
    let stats: CoreSolution['stats'];
    if (prev && m <= prev.m) {
      weights = prev.weights;
      const warm: SspState = {
        weights,
        offerOf: new Int32Array(nS),
        studentPrice: new Float64Array(nS),
        offerPrice: new Float64Array(nO),
        offerFlow: new Int32Array(nO),
        companyPrice: new Float64Array(nC),
        companyFlow: new Int32Array(nC),
        sinkPrice: prev.sinkPrice,
      };
      const offerIndexByKey = new Int32Array(keyCount).fill(-1);
      offerKeys.forEach((k, o) => {
        offerIndexByKey[k] = o;
        const dirty =
          changed.offers.has(k) || k >= prev.offerPrice.length || Number.isNaN(prev.offerPrice[k]);
        warm.offerPrice[o] = dirty ? NaN : prev.offerPrice[k];
        warm.offerFlow[o] = dirty ? 0 : prev.offerFlow[k];
      });
      companyIds.forEach((id, c) => {
        const old = prev.companies.get(id);
        warm.companyPrice[c] = old ? old.price : NaN;
        warm.companyFlow[c] = old ? old.flow : 0;
      });
      studentIds.forEach((id, s) => {
        const old = prev.students.get(id);
        let o = -2;
        if (old && !changed.students.has(id)) {
          if (old.offerKey === -1) o = -1;
          else if (!changed.offers.has(old.offerKey))
            o = offerIndexByKey[old.offerKey] >= 0 ? offerIndexByKey[old.offerKey] : -2;
        }
        warm.offerOf[s] = o;
        warm.studentPrice[s] = old ? old.price : NaN;
      });
      const r = repairAssignmentSsp(problem, warm);
      ({ offerOf, edgeOf, prices } = r);
      stats = { phases: r.searches, pushes: r.freed, relabels: r.settled, warm: true };
    } else {
      // Weights with headroom: valid while min(students, offers + 1) stays below 1.5× today's.
      const hS = Math.ceil(nS * 1.5) + 64;
      const hO = Math.ceil(nO * 1.5) + 64;
      weights = objectiveWeights(hS, hO);
      const r = solveAssignment(problem, weights);
      ({ offerOf, edgeOf, prices } = r);
      stats = { ...r.stats, warm: false };
    }
    const validFor =
      prev && m <= prev.m ? prev.m : Math.min(Math.ceil(nS * 1.5) + 64, Math.ceil(nO * 1.5) + 65);
    this.save(
      problem,
      keyCount,
      weights,
      validFor,
      offerOf,
      prices,
      studentIds,
      offerKeys,
      companyIds,
    );
    return {
      offerOf,
      edgeOf,
      objective: evaluate(problem, offerOf, canonical),
      weights: canonical,
      prices,
      scale: 1,
      stats,
    };
  }

  private save(
    problem: CoreProblem,
    keyCount: number,
    weights: ObjectiveWeights,
    m: number,
    offerOf: Int32Array,
    prices: Float64Array,
    studentIds: string[],
    offerKeys: number[],
    companyIds: string[],
  ): void {
    const { studentCount: nS, offerCount: nO } = problem;
    const offerPrice = new Float64Array(keyCount).fill(NaN);
    const offerFlow = new Int32Array(keyCount);
    const companyFlow = new Int32Array(problem.companyCount);
    for (let s = 0; s < nS; s++) {
      const o = offerOf[s];
      if (o < 0) continue;
      offerFlow[offerKeys[o]]++;
      companyFlow[problem.offerCompany[o]]++;
    }
    offerKeys.forEach((k, o) => (offerPrice[k] = prices[nS + o]));
    const students = new Map<string, { offerKey: number; price: number }>();
    studentIds.forEach((id, s) =>
      students.set(id, { offerKey: offerOf[s] < 0 ? -1 : offerKeys[offerOf[s]], price: prices[s] }),
    );
    const companies = new Map<string, { price: number; flow: number }>();
    companyIds.forEach((id, c) =>
      companies.set(id, { price: prices[nS + nO + c], flow: companyFlow[c] }),
    );
    this.state = {
      weights,
      m,
      students,
      offerPrice,
      offerFlow,
      companies,
      sinkPrice: prices[nS + nO + problem.companyCount],
    };
  }
}

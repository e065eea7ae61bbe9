/**
 * A session: an instance and its eligible pairs with their scores, solved (session-flow.ts, on
 * the solvers of core.ts) and mapped back to ids. It keeps the pairs and the flow between
 * solves, so that a re-solve after a few changes only re-checks and re-routes what changed.
 */
import { checkPair } from './eligibility';
import { studentPriority } from './facts';
import type { CoreProblem, CoreSolution } from './problem';
import { DEFAULT_WEIGHTS } from './score';
import { SessionFlow } from './session-flow';
import { EligiblePairs } from './session-pairs';
import { validateInstance } from './validate';
import type {
  Company,
  MatchingInstance,
  MatchingResult,
  Offer,
  ScoreBreakdown,
  ScoreWeights,
  Student,
} from './types';

/** Changes applied by {@link MatchingSession.update}. Upserts replace by id. */
export interface InstanceChange {
  upsertStudents?: Student[];
  removeStudentIds?: string[];
  upsertOffers?: Offer[];
  removeOfferIds?: string[];
  upsertCompanies?: Company[];
  addDeclinedPairs?: { studentId: string; offerId: string }[];
}

export interface SolveOptions {
  /** Overrides the instance's score weights. */
  weights?: Partial<ScoreWeights>;
}

/**
 * Holds an instance and its eligible pairs with their scores. `update()` re-checks eligibility
 * only for the students, offers and companies that changed, then repairs the previous flow
 * (repair.ts) instead of solving from scratch.
 */
export class MatchingSession {
  private students = new Map<string, Student>();
  private offers = new Map<string, Offer>();
  private companies = new Map<string, Company>();
  private declined = new Map<string, Set<string>>();
  private weights: ScoreWeights;
  /** Stable numeric key of each offer id (never reused), to store pairs compactly. */
  private offerKey = new Map<string, number>();
  private offerByKey: string[] = [];
  /** The eligible pairs of every student, and what finds them. */
  private eligible: EligiblePairs;
  private solved = false;
  /** Flow and potentials of the last solve, by stable ids/keys, for the incremental repair. */
  private flow = new SessionFlow();
  /** Offers (keys) and students whose pairs changed since the last solve. */
  private dirtyOffers = new Set<number>();
  private dirtyStudents = new Set<string>();
  /** Score breakdown of each assignment of the last solve, reused while neither side changed. */
  private lastScores = new Map<string, { offerKey: number; score: ScoreBreakdown }>();
  constructor(instance: MatchingInstance, options: SolveOptions = {}) {
    validateInstance(instance);
    this.weights = { ...DEFAULT_WEIGHTS, ...instance.weights, ...options.weights };
    this.eligible = new EligiblePairs({
      students: this.students,
      offers: this.offers,
      companies: this.companies,
      declined: this.declined,
      weights: this.weights,
      offerKey: this.offerKey,
      offerByKey: this.offerByKey,
    });
    for (const c of instance.companies) this.companies.set(c.id, c);
    for (const o of instance.offers) this.setOffer(o);
    for (const s of instance.students) this.students.set(s.id, s);
    for (const p of instance.declinedPairs ?? []) this.addDeclined(p.studentId, p.offerId);
  }

  /** The current instance (after updates). */
  instance(): MatchingInstance {
    const declinedPairs: { studentId: string; offerId: string }[] = [];
    // A pair whose offer was withdrawn stays declined in the session but is not exported (an
    // instance may only name known offers).
    for (const [studentId, set] of this.declined)
      for (const offerId of set)
        if (this.offers.has(offerId)) declinedPairs.push({ studentId, offerId });
    return {
      students: [...this.students.values()],
      offers: [...this.offers.values()],
      companies: [...this.companies.values()],
      declinedPairs,
      weights: this.weights,
    };
  }

  /** The assignment network of the current instance (for tooling: benchmarks, LP export, tests). */
  coreProblem(): {
    problem: CoreProblem;
    studentIds: string[];
    offerIds: string[];
    companyIds: string[];
  } {
    this.eligible.computePairs(
      [...this.students.keys()].filter((id) => !this.eligible.byStudent.has(id)),
    );
    const built = this.buildProblem();
    return {
      problem: built.problem,
      studentIds: built.studentIds,
      offerIds: built.offerKeys.map((k) => this.offerByKey[k]),
      companyIds: built.companyIds,
    };
  }

  /** Solves: from scratch the first time, then by repairing the previous flow (see repair.ts). */
  solve(): MatchingResult {
    const t0 = performance.now();
    // Taken before the flow solve clears them: which assignments may keep their explanation.
    const changed = { offers: new Set(this.dirtyOffers), students: new Set(this.dirtyStudents) };
    const stale = [...this.students.keys()].filter((id) => !this.eligible.byStudent.has(id));
    this.eligible.computePairs(stale);
    const t1 = performance.now();
    const { problem, studentIds, offerKeys, companyIds } = this.buildProblem();
    const solution = this.flow.solve(problem, studentIds, offerKeys, companyIds, {
      offers: this.dirtyOffers,
      students: this.dirtyStudents,
      keyCount: this.offerByKey.length,
    });
    this.dirtyOffers.clear();
    this.dirtyStudents.clear();
    const incremental = this.solved;
    this.solved = true;
    const t2 = performance.now();
    return this.toResult(
      problem,
      solution,
      studentIds,
      offerKeys,
      { eligibilityMs: t1 - t0, solveMs: t2 - t1, totalMs: t2 - t0 },
      incremental,
      changed,
    );
  }

  /** Applies changes (validated against the resulting instance) and re-solves incrementally. */
  update(change: InstanceChange): MatchingResult {
    // Only the change is checked (the session's instance was checked before), its fields named
    // as in the change: `upsertOffers[0].freeSeats`.
    validateInstance(
      {
        students: change.upsertStudents ?? [],
        offers: change.upsertOffers ?? [],
        companies: change.upsertCompanies ?? [],
        declinedPairs: change.addDeclinedPairs,
      },
      {
        known: { companyIds: this.companies, offerIds: this.offers, studentIds: this.students },
        lists: {
          students: 'upsertStudents',
          offers: 'upsertOffers',
          companies: 'upsertCompanies',
          declinedPairs: 'addDeclinedPairs',
        },
      },
    );

    // Which offers need their pairs recomputed.
    const touchedOffers = new Set<string>();
    for (const o of change.upsertOffers ?? []) touchedOffers.add(o.id);
    for (const c of change.upsertCompanies ?? []) {
      const old = this.companies.get(c.id);
      this.companies.set(c.id, c);
      if (
        !old ||
        old.responseRate !== c.responseRate ||
        old.regulatedWorkDerogationDeclaredOn !== c.regulatedWorkDerogationDeclaredOn
      ) {
        for (const o of this.offers.values()) if (o.companyId === c.id) touchedOffers.add(o.id);
      }
    }
    for (const id of change.removeOfferIds ?? []) {
      this.offers.delete(id);
      touchedOffers.add(id);
    }
    for (const o of change.upsertOffers ?? []) this.setOffer(o);
    for (const id of change.removeStudentIds ?? []) {
      this.students.delete(id);
      this.eligible.byStudent.delete(id);
      this.declined.delete(id);
    }
    for (const s of change.upsertStudents ?? []) {
      this.students.set(s.id, s);
      this.eligible.byStudent.delete(s.id);
    }
    for (const p of change.addDeclinedPairs ?? []) {
      if (!this.students.has(p.studentId) || !this.offers.has(p.offerId)) continue;
      this.addDeclined(p.studentId, p.offerId);
      this.eligible.dropPair(p.studentId, this.offerKey.get(p.offerId)!);
    }
    for (const id of touchedOffers) this.dirtyOffers.add(this.offerKey.get(id)!);
    for (const s of change.upsertStudents ?? []) this.dirtyStudents.add(s.id);
    if (touchedOffers.size) this.eligible.recomputeOffers(touchedOffers);
    return this.solve();
  }

  private setOffer(o: Offer): void {
    this.offers.set(o.id, o);
    if (!this.offerKey.has(o.id)) {
      this.offerKey.set(o.id, this.offerByKey.length);
      this.offerByKey.push(o.id);
    }
  }

  private addDeclined(studentId: string, offerId: string): void {
    let set = this.declined.get(studentId);
    if (!set) this.declined.set(studentId, (set = new Set()));
    set.add(offerId);
  }

  private buildProblem(): {
    problem: CoreProblem;
    studentIds: string[];
    offerKeys: number[];
    companyIds: string[];
  } {
    const studentIds = [...this.students.keys()];
    const offerList = [...this.offers.values()];
    const offerKeys = offerList.map((o) => this.offerKey.get(o.id)!);
    const companyIds = [...this.companies.keys()];
    const companyIndex = new Map(companyIds.map((id, i) => [id, i]));
    const offerIndexByKey = new Int32Array(this.offerByKey.length).fill(-1);
    offerKeys.forEach((k, i) => (offerIndexByKey[k] = i));
    const nS = studentIds.length;
    let edgeCount = 0;
    for (const id of studentIds) edgeCount += this.eligible.byStudent.get(id)!.offers.length;
    const edgeStart = new Int32Array(nS + 1);
    const edgeOffer = new Int32Array(edgeCount);
    const edgeScore = new Int32Array(edgeCount);
    const priority = new Int32Array(nS);
    let k = 0;
    studentIds.forEach((id, s) => {
      edgeStart[s] = k;
      priority[s] = studentPriority(this.students.get(id)!);
      const list = this.eligible.byStudent.get(id)!;
      for (let i = 0; i < list.offers.length; i++) {
        edgeOffer[k] = offerIndexByKey[list.offers[i]];
        edgeScore[k++] = list.scores[i];
      }
    });
    edgeStart[nS] = k;
    const companyCap = Int32Array.from(companyIds, (id) => {
      const c = this.companies.get(id)!;
      return c.monthlyProposalCap === undefined
        ? -1
        : Math.max(0, c.monthlyProposalCap - (c.proposalsThisMonth ?? 0));
    });
    const problem: CoreProblem = {
      studentCount: nS,
      offerCount: offerList.length,
      companyCount: companyIds.length,
      priority,
      offerSeats: Int32Array.from(offerList, (o) => o.freeSeats),
      offerCompany: Int32Array.from(offerList, (o) => companyIndex.get(o.companyId)!),
      companyCap,
      edgeStart,
      edgeOffer,
      edgeScore,
    };
    return { problem, studentIds, offerKeys, companyIds };
  }

  private toResult(
    problem: CoreProblem,
    solution: CoreSolution,
    studentIds: string[],
    offerKeys: number[],
    timings: MatchingResult['timings'],
    incremental: boolean,
    changed: { offers: Set<number>; students: Set<string> },
  ): MatchingResult {
    const scores = new Map<string, { offerKey: number; score: ScoreBreakdown }>();
    const assignments: MatchingResult['assignments'] = [];
    const unplaced: MatchingResult['unplaced'] = [];
    let freeSeats = 0;
    for (let o = 0; o < problem.offerCount; o++) freeSeats += problem.offerSeats[o];
    studentIds.forEach((id, s) => {
      const o = solution.offerOf[s];
      const eligibleOffers = problem.edgeStart[s + 1] - problem.edgeStart[s];
      if (o < 0) {
        unplaced.push({ studentId: id, priority: problem.priority[s], eligibleOffers });
        return;
      }
      const offerKey = offerKeys[o];
      const offer = this.offers.get(this.offerByKey[offerKey])!;
      const company = this.companies.get(offer.companyId)!;
      const last = this.lastScores.get(id);
      const score =
        last?.offerKey === offerKey && !changed.students.has(id) && !changed.offers.has(offerKey)
          ? last.score
          : checkPair(this.students.get(id)!, offer, company, this.weights).score!;
      scores.set(id, { offerKey, score });
      assignments.push({
        studentId: id,
        offerId: offer.id,
        companyId: company.id,
        priority: problem.priority[s],
        score,
      });
    });
    this.lastScores = scores;
    const { placedWeight, priorityWeight } = solution.weights;
    return {
      assignments,
      unplaced,
      objective: { ...solution.objective, placedWeight, priorityWeight },
      counts: {
        students: problem.studentCount,
        offers: problem.offerCount,
        freeSeats,
        eligiblePairs: problem.edgeStart[problem.studentCount],
        placed: assignments.length,
        unplaced: unplaced.length,
      },
      timings,
      incremental,
    };
  }
}

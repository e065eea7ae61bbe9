/**
 * From an instance to an optimal assignment: validation, eligible pairs with their scores,
 * the min-cost-flow core, and the mapping back to ids. {@link MatchingSession} keeps the
 * eligible pairs so that a re-solve after a few changes only re-checks what changed.
 */
import { solveAssignment } from './core';
import { CoreProblem, CoreSolution, ObjectiveWeights, evaluate, objectiveWeights } from './problem';
import { SspState, repairAssignmentSsp } from './repair';
import { checkPair, scoreIfEligible } from './eligibility';
import { FactsContext, OfferFacts, StudentFacts, studentPriority } from './facts';
import { GeoGrid, surelyBeyond } from './geography';
import { DEFAULT_WEIGHTS } from './score';
import { OfferIndex } from './offer-index';
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

/** Solves one instance from scratch (validates it first; throws InvalidInstanceError). */
export function solveMatching(
  instance: MatchingInstance,
  options: SolveOptions = {},
): MatchingResult {
  return new MatchingSession(instance, options).solve();
}

/**
 * Solves academy by academy (students grouped by `academy`, in code order); every academy sees
 * all offers (an offer within reach may serve a neighbouring academy) with the free seats and
 * monthly caps left by the academies solved before it.
 */
export function solveByAcademy(
  instance: MatchingInstance,
  options: SolveOptions = {},
): { academy: string; result: MatchingResult }[] {
  validateInstance(instance);
  const groups = new Map<string, Student[]>();
  for (const s of instance.students) {
    const key = s.academy ?? '';
    const g = groups.get(key);
    if (g) g.push(s);
    else groups.set(key, [s]);
  }
  const freeSeats = new Map(instance.offers.map((o) => [o.id, o.freeSeats]));
  const used = new Map(instance.companies.map((c) => [c.id, c.proposalsThisMonth ?? 0]));
  const out: { academy: string; result: MatchingResult }[] = [];
  for (const academy of [...groups.keys()].sort()) {
    const studentIds = new Set(groups.get(academy)!.map((s) => s.id));
    const result = solveMatching(
      {
        ...instance,
        students: groups.get(academy)!,
        offers: instance.offers.map((o) => ({ ...o, freeSeats: freeSeats.get(o.id)! })),
        companies: instance.companies.map((c) => ({ ...c, proposalsThisMonth: used.get(c.id)! })),
        declinedPairs: instance.declinedPairs?.filter((p) => studentIds.has(p.studentId)),
      },
      options,
    );
    for (const a of result.assignments) {
      freeSeats.set(a.offerId, freeSeats.get(a.offerId)! - 1);
      used.set(a.companyId, used.get(a.companyId)! + 1);
    }
    out.push({ academy, result });
  }
  return out;
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

interface PairList {
  offers: Int32Array; // stable offer keys
  scores: Int32Array;
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
  private pairs = new Map<string, PairList>();
  private solved = false;
  /** Flow and potentials of the last solve, by stable ids/keys, for the incremental repair. */
  private flowState?: FlowState;
  /** Offers (keys) and students whose pairs changed since the last solve. */
  private dirtyOffers = new Set<number>();
  private dirtyStudents = new Set<string>();
  /** Score breakdown of each assignment of the last solve, reused while neither side changed. */
  private lastScores = new Map<string, { offerKey: number; score: ScoreBreakdown }>();
  /** Eligibility facts (eligibility.ts) and the offer index, kept between solves. */
  private facts?: FactsContext;
  /** By object: a changed student or offer is a new object (upserts replace). */
  private studentFactsCache = new WeakMap<Student, StudentFacts>();
  private offerFactsCache = new WeakMap<Offer, { company: Company; facts: OfferFacts }>();
  private index?: { index: OfferIndex; keys: Int32Array; facts: OfferFacts[] };
  private studentPlaces?: {
    students: Student[];
    facts: StudentFacts[];
    grid: GeoGrid;
    maxRadius: number;
  };

  constructor(instance: MatchingInstance, options: SolveOptions = {}) {
    validateInstance(instance);
    this.weights = { ...DEFAULT_WEIGHTS, ...instance.weights, ...options.weights };
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
    this.computePairs([...this.students.keys()].filter((id) => !this.pairs.has(id)));
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
    const stale = [...this.students.keys()].filter((id) => !this.pairs.has(id));
    this.computePairs(stale);
    const t1 = performance.now();
    const { problem, studentIds, offerKeys, companyIds } = this.buildProblem();
    const solution = this.solveFlow(problem, studentIds, offerKeys, companyIds);
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

  /**
   * Cold: `solveAssignment` (core.ts). Warm: the previous flow and potentials are mapped to the
   * new indices and repaired (only the changed part is re-routed). Both solve with the session's
   * weights (chosen with headroom so that they stay exact after additions) and report the
   * objective with the canonical weights of the current size, like a cold `solveMatching`.
   */
  private solveFlow(
    problem: CoreProblem,
    studentIds: string[],
    offerKeys: number[],
    companyIds: string[],
  ): CoreSolution {
    const { studentCount: nS, offerCount: nO, companyCount: nC } = problem;
    const canonical = objectiveWeights(nS, nO);
    const prev = this.flowState;
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
      const offerIndexByKey = new Int32Array(this.offerByKey.length).fill(-1);
      offerKeys.forEach((k, o) => {
        offerIndexByKey[k] = o;
        const dirty =
          this.dirtyOffers.has(k) ||
          k >= prev.offerPrice.length ||
          Number.isNaN(prev.offerPrice[k]);
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
        if (old && !this.dirtyStudents.has(id)) {
          if (old.offerKey === -1) o = -1;
          else if (!this.dirtyOffers.has(old.offerKey))
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
    this.saveFlowState(
      problem,
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

  private saveFlowState(
    problem: CoreProblem,
    weights: ObjectiveWeights,
    m: number,
    offerOf: Int32Array,
    prices: Float64Array,
    studentIds: string[],
    offerKeys: number[],
    companyIds: string[],
  ): void {
    const { studentCount: nS, offerCount: nO } = problem;
    const offerPrice = new Float64Array(this.offerByKey.length).fill(NaN);
    const offerFlow = new Int32Array(this.offerByKey.length);
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
    this.flowState = {
      weights,
      m,
      students,
      offerPrice,
      offerFlow,
      companies,
      sinkPrice: prices[nS + nO + problem.companyCount],
    };
    this.dirtyOffers.clear();
    this.dirtyStudents.clear();
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
      this.pairs.delete(id);
      this.declined.delete(id);
    }
    for (const s of change.upsertStudents ?? []) {
      this.students.set(s.id, s);
      this.pairs.delete(s.id);
    }
    for (const p of change.addDeclinedPairs ?? []) {
      if (!this.students.has(p.studentId) || !this.offers.has(p.offerId)) continue;
      this.addDeclined(p.studentId, p.offerId);
      this.dropPair(p.studentId, this.offerKey.get(p.offerId)!);
    }
    for (const id of touchedOffers) this.dirtyOffers.add(this.offerKey.get(id)!);
    for (const s of change.upsertStudents ?? []) this.dirtyStudents.add(s.id);
    if (touchedOffers.size) this.recomputeOffers(touchedOffers);
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

  private dropPair(studentId: string, key: number): void {
    const list = this.pairs.get(studentId);
    if (!list) return;
    const i = list.offers.indexOf(key);
    if (i < 0) return;
    const offers = new Int32Array(list.offers.length - 1);
    const scores = new Int32Array(list.offers.length - 1);
    offers.set(list.offers.subarray(0, i));
    offers.set(list.offers.subarray(i + 1), i);
    scores.set(list.scores.subarray(0, i));
    scores.set(list.scores.subarray(i + 1), i);
    this.pairs.set(studentId, { offers, scores });
  }

  /** Eligible pairs of the given students against all offers (see offer-index.ts). */
  private computePairs(studentIds: string[]): void {
    if (!studentIds.length) return;
    const { index, keys } = this.offerIndex();
    // All lists of the batch in one buffer (views on it): one typed array per student would
    // cost an allocation of its own each. Offers then scores, per student.
    let buffer = new Int32Array(Math.max(1024, studentIds.length * 64));
    const at = new Int32Array(studentIds.length + 1);
    const outOffers = new Int32Array(index.size);
    const outScores = new Int32Array(index.size);
    studentIds.forEach((id, n) => {
      // Compiled afresh: these students are new or upserted (maybe the same object, changed).
      const student = this.students.get(id)!;
      const facts = this.factsContext().student(student);
      this.studentFactsCache.set(student, facts);
      const count = index.pairsOf(facts, this.declined.get(id), outOffers, outScores);
      const base = at[n];
      if (base + 2 * count > buffer.length) {
        const grown = new Int32Array(Math.max(2 * buffer.length, base + 2 * count));
        grown.set(buffer.subarray(0, base));
        buffer = grown;
      }
      for (let k = 0; k < count; k++) buffer[base + k] = keys[outOffers[k]];
      buffer.set(outScores.subarray(0, count), base + count);
      at[n + 1] = base + 2 * count;
    });
    studentIds.forEach((id, n) => {
      const count = (at[n + 1] - at[n]) / 2;
      this.pairs.set(id, {
        offers: buffer.subarray(at[n], at[n] + count),
        scores: buffer.subarray(at[n] + count, at[n + 1]),
      });
    });
  }

  /** Drops every pair of the touched offers, then re-checks those offers against nearby students. */
  private recomputeOffers(offerIds: Set<string>): void {
    const touched = new Uint8Array(this.offerByKey.length);
    for (const id of offerIds) touched[this.offerKey.get(id)!] = 1;
    for (const [id, list] of this.pairs) {
      let hits = 0;
      for (let i = 0; i < list.offers.length; i++) hits += touched[list.offers[i]];
      if (!hits) continue;
      const offers = new Int32Array(list.offers.length - hits);
      const scores = new Int32Array(list.offers.length - hits);
      let k = 0;
      for (let i = 0; i < list.offers.length; i++) {
        if (touched[list.offers[i]]) continue;
        offers[k] = list.offers[i];
        scores[k++] = list.scores[i];
      }
      this.pairs.set(id, { offers, scores });
    }
    const live = [...offerIds].map((id) => this.offers.get(id)).filter((o): o is Offer => !!o);
    if (!live.length) return;
    const ctx = this.factsContext();
    const { students, facts, grid, maxRadius } = this.studentGrid();
    for (const o of live) {
      const key = this.offerKey.get(o.id)!;
      const offerFacts = this.offerFacts(o, true);
      grid.forEachNear(o.location.lat, o.location.lon, maxRadius, (i) => {
        const s = students[i];
        if (surelyBeyond(facts[i], offerFacts.latRad, offerFacts.lonRad, offerFacts.cosLat)) return;
        const declined = this.declined.get(s.id)?.has(o.id) ?? false;
        const score = scoreIfEligible(ctx, facts[i], offerFacts, declined);
        if (score < 0) return;
        // Students without pairs yet (just upserted) get all theirs from computePairs.
        const list = this.pairs.get(s.id);
        if (!list) return;
        const offers = new Int32Array(list.offers.length + 1);
        offers.set(list.offers);
        offers[list.offers.length] = key;
        const scores = new Int32Array(list.scores.length + 1);
        scores.set(list.scores);
        scores[list.scores.length] = score;
        this.pairs.set(s.id, { offers, scores });
      });
    }
  }

  /** All students, their facts and a grid of them; kept while students are only added. */
  private studentGrid(): NonNullable<MatchingSession['studentPlaces']> {
    let kept = this.studentPlaces;
    if (kept) {
      let i = 0;
      for (const s of this.students.values()) {
        // (A student upserted as the same object, changed, has new facts.)
        if (
          i < kept.students.length &&
          (kept.students[i] !== s || kept.facts[i] !== this.studentFacts(s))
        )
          break;
        if (i >= kept.students.length) {
          kept.students.push(s);
          kept.facts.push(this.studentFacts(s));
          kept.grid.insert(i, s.location);
          kept.maxRadius = Math.max(kept.maxRadius, s.mobilityRadiusKm);
        }
        i++;
      }
      if (i !== this.students.size || i !== kept.students.length) kept = undefined;
    }
    if (!kept) {
      const students = [...this.students.values()];
      let maxRadius = 0;
      for (const s of students) maxRadius = Math.max(maxRadius, s.mobilityRadiusKm);
      kept = {
        students,
        facts: students.map((s) => this.studentFacts(s)),
        grid: new GeoGrid(students.map((s) => s.location)),
        maxRadius,
      };
    }
    return (this.studentPlaces = kept);
  }

  private factsContext(): FactsContext {
    return (this.facts ??= new FactsContext(this.weights));
  }

  /** A student's facts, compiled again only when the student object changed. */
  private studentFacts(s: Student): StudentFacts {
    let facts = this.studentFactsCache.get(s);
    if (facts === undefined)
      this.studentFactsCache.set(s, (facts = this.factsContext().student(s)));
    return facts;
  }

  /** An offer's facts, compiled again when the offer or its company object changed or `fresh`. */
  private offerFacts(o: Offer, fresh = false): OfferFacts {
    const company = this.companies.get(o.companyId)!;
    const hit = this.offerFactsCache.get(o);
    if (hit && hit.company === company && !fresh) return hit.facts;
    const facts = this.factsContext().offer(o, company);
    this.offerFactsCache.set(o, { company, facts });
    return facts;
  }

  /** The index of all offers (in session order), rebuilt only when an offer or company changed. */
  private offerIndex(): NonNullable<MatchingSession['index']> {
    const offers = [...this.offers.values()];
    const cached = this.index;
    if (
      cached &&
      cached.facts.length === offers.length &&
      offers.every((o, i) => cached.facts[i] === this.offerFacts(o))
    )
      return cached;
    if (!cached) {
      // First build: compiled in grid order, offers near each other then lie near each other
      // in memory (about 10% faster scans than in input order).
      const cell = offers.map(
        (o) => Math.floor(o.location.lat / 0.25) * 4096 + Math.floor(o.location.lon / 0.25),
      );
      for (const i of Array.from(offers, (_, i) => i).sort((a, b) => cell[a] - cell[b]))
        this.offerFacts(offers[i]);
    }
    const facts = offers.map((o) => this.offerFacts(o));
    const ids = offers.map((o) => o.id);
    const index = new OfferIndex(this.factsContext(), ids, facts);
    const keys = new Int32Array(offers.length);
    for (let i = 0; i < keys.length; i++) keys[i] = this.offerKey.get(ids[i])!;
    return (this.index = { index, keys, facts });
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
    for (const id of studentIds) edgeCount += this.pairs.get(id)!.offers.length;
    const edgeStart = new Int32Array(nS + 1);
    const edgeOffer = new Int32Array(edgeCount);
    const edgeScore = new Int32Array(edgeCount);
    const priority = new Int32Array(nS);
    let k = 0;
    studentIds.forEach((id, s) => {
      edgeStart[s] = k;
      priority[s] = studentPriority(this.students.get(id)!);
      const list = this.pairs.get(id)!;
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

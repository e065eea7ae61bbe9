/**
 * Eligibility (hard constraints) and score (soft preferences) of a student–offer pair, on facts
 * (facts.ts). Seats and the company's monthly cap are capacities of the assignment, checked by
 * the solver. The rules: diploma or specialty, distance (geography.ts), reservations, period,
 * minors (minors.ts); the score: score.ts. {@link checkPair} compiles both sides on the fly and
 * runs the same rules.
 */
import { FactsContext, OfferFacts, StudentFacts } from './facts';
import { haversineCosKm } from './geography';
import { MinorsReason, minorsRuleBroken, yearsBetween } from './minors';
import { breakdown, includes } from './score';
import type { Company, Offer, ScoreBreakdown, ScoreWeights, Student } from './types';

export type IneligibilityReason =
  | 'diploma'
  | 'period'
  | 'distance'
  | 'reserved-priority'
  | 'reserved-school'
  | MinorsReason
  | 'declined';

export interface PairCheck {
  eligible: boolean;
  reason?: IneligibilityReason;
  score?: ScoreBreakdown;
}

/** Set by {@link screen} for an eligible pair (no allocation per pair). */
const screened = { distanceKm: 0, specialtyOk: false };

/**
 * A rule the pair breaks, or undefined if eligible (then {@link screened} holds its distance).
 * By default the first rule broken in the order declined, diploma, distance, reservations,
 * period, minors. In `bulk` mode (many pairs; only eligibility and score wanted) any broken
 * rule: the distance (the costly part) is not computed when another rule fails.
 * Callers scanning many candidates dismiss the far ones with {@link surelyBeyond} first.
 */
export function screen(
  s: StudentFacts,
  o: OfferFacts,
  declined: boolean,
  bulk = false,
): IneligibilityReason | undefined {
  if (declined) return 'declined';
  const specialtyOk = includes(o.specialties, s.specialty);
  if (!specialtyOk && !includes(o.diplomas, s.diploma)) return 'diploma';
  const other = screenPlacement(s, o);
  if (other !== undefined && bulk) return other;
  const distanceKm = haversineCosKm(s.lat, s.lon, s.cosLat, o.lat, o.lon, o.cosLat);
  if (distanceKm > s.radiusKm) return 'distance';
  if (other !== undefined) return other;
  screened.distanceKm = distanceKm;
  screened.specialtyOk = specialtyOk;
  return undefined;
}

/** The rules after the distance: reservations, period, minors. */
function screenPlacement(s: StudentFacts, o: OfferFacts): IneligibilityReason | undefined {
  if (o.reservedForPriority && s.priority === 0) return 'reserved-priority';
  if (o.schools !== null && !includes(o.schools, s.school)) return 'reserved-school';
  // Period: enough weeks of the class PFMP period inside the offer's period.
  const studentFirst = s.startDay > o.startDay;
  const first = studentFirst ? s.startDay : o.startDay;
  const last = s.endDay < o.endDay ? s.endDay : o.endDay;
  const overlapDays = last < first ? 0 : last - first + 1;
  if (overlapDays <= 0 || Math.ceil(overlapDays / 7) < s.weeks) return 'period';
  // Minors: age on the first day of the placement.
  const firstYear = studentFirst ? s.startYear : o.startYear;
  const firstMonthDay = studentFirst ? s.startMonthDay : o.startMonthDay;
  const age = yearsBetween(s.birthYear, s.birthMonthDay, firstYear, firstMonthDay);
  return minorsRuleBroken(o, age, first, firstYear, firstMonthDay);
}

/**
 * The score of an eligible pair, or -1 (checking it with {@link screen}). `declined`: the pair
 * was declined before.
 */
export function scoreIfEligible(
  ctx: FactsContext,
  s: StudentFacts,
  o: OfferFacts,
  declined: boolean,
): number {
  if (screen(s, o, declined, true) !== undefined) return -1;
  return ctx.scores.score(s, o, screened.distanceKm, screened.specialtyOk);
}

/** One context per weights object (a session passes the same one every time), while unchanged. */
const contexts = new WeakMap<ScoreWeights, FactsContext>();

function contextFor(weights: ScoreWeights): FactsContext {
  let ctx = contexts.get(weights);
  if (ctx === undefined || !ctx.uses(weights))
    contexts.set(weights, (ctx = new FactsContext(weights)));
  return ctx;
}

/**
 * Checks one pair. `declined` tells whether the pair was declined before. Seats and caps are
 * not checked here (they are capacities).
 */
export function checkPair(
  student: Student,
  offer: Offer,
  company: Company,
  weights: ScoreWeights,
  declined = false,
): PairCheck {
  const ctx = contextFor(weights);
  const s = ctx.student(student);
  const o = ctx.offer(offer, company);
  const reason = screen(s, o, declined);
  if (reason) return { eligible: false, reason };
  return {
    eligible: true,
    score: breakdown(ctx.scores, s, o, screened.distanceKm, screened.specialtyOk),
  };
}

/** Same rules as {@link checkPair}: the score total, or -1 when not eligible. */
export function pairScore(
  student: Student,
  offer: Offer,
  company: Company,
  weights: ScoreWeights,
  declined = false,
): number {
  const ctx = contextFor(weights);
  return scoreIfEligible(ctx, ctx.student(student), ctx.offer(offer, company), declined);
}

/** The score parts of a pair (see {@link ScoreTable.score}), for a known distance. */
export function scorePair(
  student: Student,
  offer: Offer,
  company: Company,
  weights: ScoreWeights,
  distanceKm: number,
  specialtyOk: boolean,
): ScoreBreakdown {
  const ctx = contextFor(weights);
  return breakdown(
    ctx.scores,
    ctx.student(student),
    ctx.offer(offer, company),
    distanceKm,
    specialtyOk,
  );
}

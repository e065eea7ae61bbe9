/**
 * Minors' rules (Code du travail, PFMP): daily and weekly hours by age, regulated work ("travaux
 * réglementés") with its derogation, and — when the offer gives its schedule — night work,
 * daily rest, breaks and weekly rest.
 */
import { WEEKDAYS, minutesOfDay } from './validate';
import type { WorkSchedule } from './types';

/** Full years of age on `day` (YYYY-MM-DD). */
export function ageOn(birthDate: string, day: string): number {
  const years = +day.slice(0, 4) - +birthDate.slice(0, 4);
  // ISO dates: comparing the "-MM-DD" tails as strings compares the days of the year.
  return years - (day.slice(4) < birthDate.slice(4) ? 1 : 0);
}

export interface MinorLimits {
  /** Hours per day and per week. */
  daily: number;
  weekly: number;
  /** Allowed hours, minutes after midnight: no work before `earliest` nor after `latest`. */
  earliest: number;
  latest: number;
  /** Minimum rest between two working days, minutes. */
  dailyRest: number;
}

/** One object literal for every age band: a single shape for the hot path. */
function limits(daily: number, weekly: number, latestHour: number, restHours: number): MinorLimits {
  return { daily, weekly, earliest: 6 * 60, latest: latestHour * 60, dailyRest: restHours * 60 };
}
const LIMITS_UNDER_15 = limits(7, 30, 20, 14);
const LIMITS_15 = limits(7, 35, 20, 14);
const LIMITS_16_17 = limits(8, 35, 22, 12);
/** A minor working more than 4 h 30 in a day takes a break of at least 30 minutes. */
const BREAK_AFTER_MINUTES = 270;
const BREAK_MINUTES = 30;

/** Minors' limits (Code du travail / PFMP rules) by age; undefined from 18. */
export function minorLimits(age: number): Readonly<MinorLimits> | undefined {
  if (age >= 18) return undefined;
  if (age < 15) return LIMITS_UNDER_15;
  if (age < 16) return LIMITS_15;
  return LIMITS_16_17;
}

/** The minors' rules an offer can break, in the order they are checked. */
export type MinorsReason =
  | 'regulated-work-age'
  | 'regulated-work-derogation'
  | 'daily-hours'
  | 'weekly-hours'
  /** The schedule starts before 6h or ends after 20h (under 16) / 22h (16–17). */
  | 'night-work'
  /** Less than 14 h (under 16) / 12 h (16–17) between the end of a day and the next start. */
  | 'daily-rest'
  /** More than 4 h 30 of work in the day without a break of 30 minutes. */
  | 'break'
  /** Not two consecutive rest days including Sunday. */
  | 'weekly-rest';

export interface ScheduleFacts {
  /** Minutes after midnight. */
  start: number;
  end: number;
  breakMinutes: number;
  /** Bit per working day, Monday = bit 0 … Sunday = bit 6. */
  days: number;
}

const MONDAY = 1;
const SATURDAY = 1 << 5;
const SUNDAY = 1 << 6;

export function scheduleFacts(schedule: WorkSchedule): ScheduleFacts {
  let days = 0;
  for (const d of schedule.days) days |= 1 << WEEKDAYS.indexOf(d);
  return {
    start: minutesOfDay(schedule.start),
    end: minutesOfDay(schedule.end),
    breakMinutes: schedule.breakMinutes ?? 0,
    days,
  };
}

/** What the minors' rules read of an offer (its facts, facts.ts). */
export interface MinorsOfferFacts {
  involvesRegulatedWork: boolean;
  /** Day the company declared its derogation for regulated work (NaN: none), year, month·100+day. */
  derogationDay: number;
  derogationYear: number;
  derogationMonthDay: number;
  dailyHours: number;
  weeklyHours: number;
  schedule: ScheduleFacts | null;
}

/**
 * The first minors' rule the offer breaks for a student of `age` on the first day of the
 * placement (`first`, also as year and month·100 + day), or undefined.
 */
export function minorsRuleBroken(
  o: MinorsOfferFacts,
  age: number,
  first: number,
  firstYear: number,
  firstMonthDay: number,
): MinorsReason | undefined {
  const limits = minorLimits(age);
  if (!limits) return undefined;
  if (o.involvesRegulatedWork) {
    if (age < 15) return 'regulated-work-age';
    if (
      !(o.derogationDay <= first) ||
      yearsBetween(o.derogationYear, o.derogationMonthDay, firstYear, firstMonthDay) >= 3
    )
      return 'regulated-work-derogation';
  }
  if (o.dailyHours > limits.daily) return 'daily-hours';
  if (o.weeklyHours > limits.weekly) return 'weekly-hours';
  const sc = o.schedule;
  if (sc === null) return undefined;
  if (sc.start < limits.earliest || sc.end > limits.latest) return 'night-work';
  const span = sc.end - sc.start;
  if (24 * 60 - span < limits.dailyRest) return 'daily-rest';
  if (span - sc.breakMinutes > BREAK_AFTER_MINUTES && sc.breakMinutes < BREAK_MINUTES)
    return 'break';
  if (sc.days & SUNDAY || (sc.days & SATURDAY && sc.days & MONDAY)) return 'weekly-rest';
  return undefined;
}

/** Full years from one date to a later one (as {@link ageOn}). */
export function yearsBetween(
  fromYear: number,
  fromMonthDay: number,
  toYear: number,
  toMonthDay: number,
) {
  return toYear - fromYear - (toMonthDay < fromMonthDay ? 1 : 0);
}

/** Ages below 18 that the rules tell apart: under 15, 15, 16–17. */
const MINOR_AGE_BANDS = [14, 15, 16] as const;

/** Who may work a weekly schedule: from `minimumAge` (18: adults only), and why not below. */
export interface ScheduleForMinors {
  minimumAge: number;
  /** The first rule broken for each age band refused, youngest first (`age`: the band's lowest age). */
  refused: { age: number; rule: MinorsReason }[];
}

/**
 * The minors' rules on an offer's own terms (hours, schedule, regulated work), before any
 * student or date is known: what an offer's page says of it. The regulated-work derogation is
 * the company's and dated, so it is checked with each placement (checkPair), not here.
 */
export function scheduleForMinors(
  offer: Pick<MinorsOfferFacts, 'involvesRegulatedWork' | 'dailyHours' | 'weeklyHours'> & {
    schedule?: WorkSchedule;
  },
): ScheduleForMinors {
  const facts: MinorsOfferFacts = {
    involvesRegulatedWork: offer.involvesRegulatedWork,
    // Declared on the first day of the placement: valid (see above).
    derogationDay: 0,
    derogationYear: 0,
    derogationMonthDay: 0,
    dailyHours: offer.dailyHours,
    weeklyHours: offer.weeklyHours,
    schedule: offer.schedule ? scheduleFacts(offer.schedule) : null,
  };
  const refused: ScheduleForMinors['refused'] = [];
  for (const age of MINOR_AGE_BANDS) {
    const rule = minorsRuleBroken(facts, age, 0, 0, 0);
    if (rule) refused.push({ age, rule });
  }
  const oldestRefused = refused.length === 0 ? 13 : refused[refused.length - 1].age;
  const minimumAge = oldestRefused === 16 ? 18 : oldestRefused === 15 ? 16 : oldestRefused + 1;
  return { minimumAge, refused };
}

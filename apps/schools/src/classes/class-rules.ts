/**
 * The rules of a class and of its PFMP periods beyond each field's shape, in one place: the
 * DTOs check what the request alone shows (a 400 naming the field), the use cases check again
 * and against what is stored (RuleViolated), so that no door stores a class or a period that
 * breaks them.
 *
 * - A school year `YYYY-YYYY` runs from 1 September of its first year to 31 August of the next
 *   (the civil school year; PFMP periods are set by each school inside it, DOMAIN.md).
 * - A period is a range of calendar days, first and last included, inside its class's school
 *   year, not overlapping another period of the class; the weeks it requires are at most the
 *   weeks it spans, counted as started weeks (Monday to Friday is one week).
 * - The famille de métiers is the organisation of Bac Pro seconde only: refused on any other
 *   level, optional on seconde (a seconde may go straight to a specialty). A class names its
 *   specialty, except a seconde by famille de métiers, whose students choose theirs at its end.
 */
import type { Level } from '@tremplin/contracts';

export const SCHOOL_YEAR_PATTERN = /^(\d{4})-(\d{4})$/;

/** The most weeks a period may require (the contract's bound: a whole Bac Pro is 18–22). */
export const MAX_PERIOD_WEEKS = 22;

export interface PeriodInput {
  startDate: string;
  endDate: string;
  weeks: number;
}

export interface ClassLevelInput {
  level: Level;
  specialty?: string | null;
  familleDeMetiers?: string | null;
}

/** Whether a `YYYY-MM-DD` string is a day of the calendar (not 2027-02-30). */
export function isCalendarDay(value: unknown): value is string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/** What is wrong with a school year such as `2026-2027`, or undefined. */
export function schoolYearProblem(value: string): string | undefined {
  const match = SCHOOL_YEAR_PATTERN.exec(value);
  if (!match) return `the school year must look like 2026-2027 (got ${value})`;
  if (Number(match[2]) !== Number(match[1]) + 1)
    return `the school year ${value} must end the year after it starts (e.g. 2026-2027)`;
  return undefined;
}

/** First and last days of a well-formed school year. */
export function schoolYearBounds(schoolYear: string): { first: string; last: string } {
  const [start, end] = schoolYear.split('-');
  return { first: `${start}-09-01`, last: `${end}-08-31` };
}

/** Weeks a range of days spans, counting a started week as one. */
export function spannedWeeks(startDate: string, endDate: string): number {
  const days =
    (Date.parse(`${endDate}T00:00:00Z`) - Date.parse(`${startDate}T00:00:00Z`)) / 86_400_000 + 1;
  return Math.ceil(days / 7);
}

/** What is wrong with one period on its own, with the field it is about, or undefined. */
export function periodProblem(
  period: PeriodInput,
): { field: keyof PeriodInput; message: string } | undefined {
  if (!isCalendarDay(period.startDate))
    return { field: 'startDate', message: `${period.startDate} is not a day of the calendar` };
  if (!isCalendarDay(period.endDate))
    return { field: 'endDate', message: `${period.endDate} is not a day of the calendar` };
  if (period.endDate < period.startDate)
    return {
      field: 'endDate',
      message: `the period ends (${period.endDate}) before it starts (${period.startDate})`,
    };
  const span = spannedWeeks(period.startDate, period.endDate);
  if (period.weeks > span)
    return {
      field: 'weeks',
      message: `${period.weeks} weeks required, but ${period.startDate}–${period.endDate} spans ${span}`,
    };
  return undefined;
}

/** What is wrong with a period in its class's school year, or undefined. */
export function outsideSchoolYear(period: PeriodInput, schoolYear: string): string | undefined {
  const { first, last } = schoolYearBounds(schoolYear);
  if (period.startDate < first || period.endDate > last)
    return `the period ${period.startDate}–${period.endDate} lies outside the school year ${schoolYear} (${first} to ${last})`;
  return undefined;
}

/** The first two periods that overlap (days shared), or undefined. */
export function overlapProblem(periods: readonly PeriodInput[]): string | undefined {
  const sorted = [...periods].sort((a, b) => a.startDate.localeCompare(b.startDate));
  for (let i = 1; i < sorted.length; i++)
    if (sorted[i].startDate <= sorted[i - 1].endDate)
      return `the periods ${sorted[i - 1].startDate}–${sorted[i - 1].endDate} and ${sorted[i].startDate}–${sorted[i].endDate} overlap`;
  return undefined;
}

/**
 * What is wrong with a list of periods of one class in its school year (each on its own, then
 * the year, then overlaps), with the field path (`pfmpPeriods.1.endDate`), or undefined.
 */
export function periodsProblem(
  periods: readonly PeriodInput[],
  schoolYear: string,
  field = 'pfmpPeriods',
): { field: string; message: string } | undefined {
  for (const [index, period] of periods.entries()) {
    const own = periodProblem(period);
    if (own) return { field: `${field}.${index}.${own.field}`, message: own.message };
    const year = schoolYearProblem(schoolYear) ? undefined : outsideSchoolYear(period, schoolYear);
    if (year) return { field: `${field}.${index}.startDate`, message: year };
  }
  const overlap = overlapProblem(periods);
  return overlap ? { field, message: overlap } : undefined;
}

/** What is wrong with a class's level, specialty and famille de métiers, or undefined. */
export function levelProblem(
  input: ClassLevelInput,
): { field: 'familleDeMetiers' | 'specialty'; message: string } | undefined {
  const famille = input.familleDeMetiers ?? undefined;
  if (famille !== undefined && input.level !== 'bacpro-seconde')
    return {
      field: 'familleDeMetiers',
      message: `a famille de métiers organises Bac Pro seconde only, not ${input.level}`,
    };
  if ((input.specialty ?? undefined) === undefined && famille === undefined)
    return {
      field: 'specialty',
      message:
        input.level === 'bacpro-seconde'
          ? 'a seconde names its specialty or its famille de métiers'
          : 'a class names its specialty',
    };
  return undefined;
}

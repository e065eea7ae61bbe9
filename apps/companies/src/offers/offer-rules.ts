/**
 * The rules an offer's input must follow beyond each field's shape: its periods (each a real
 * date range, none overlapping another) and its weekly schedule (a day that ends after it
 * starts, a break shorter than the day). The DTOs check them (a 400 naming the field) and the
 * use cases again (RuleViolated), so that no door stores an offer that breaks them.
 * The minors' rules on the schedule are the matching engine's: minors-check.ts.
 */
import type { WeeklySchedule } from './internship-offer.entity';

export interface PeriodInput {
  startDate: string;
  endDate: string;
  seats: number;
}

/** `HH:MM` on a 24-hour clock, `24:00` for the end of the day. */
export const TIME_PATTERN = /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/;

/** Minutes after midnight of a `HH:MM` time. */
export function minutesOfDay(time: string): number {
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
}

/** Whether a `YYYY-MM-DD` string is a day of the calendar (not 2027-02-30). */
export function isCalendarDay(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/** What is wrong with an offer's periods, or undefined. */
export function periodsProblem(periods: readonly PeriodInput[]): string | undefined {
  for (const [index, period] of periods.entries()) {
    if (!isCalendarDay(period.startDate) || !isCalendarDay(period.endDate))
      return `period ${index + 1} has a date that is not a day of the calendar`;
    if (period.endDate < period.startDate)
      return `period ${index + 1} ends (${period.endDate}) before it starts (${period.startDate})`;
  }
  const sorted = [...periods].sort((a, b) => a.startDate.localeCompare(b.startDate));
  for (let i = 1; i < sorted.length; i++)
    if (sorted[i].startDate <= sorted[i - 1].endDate)
      return `periods ${sorted[i - 1].startDate}–${sorted[i - 1].endDate} and ${sorted[i].startDate}–${sorted[i].endDate} overlap`;
  return undefined;
}

/** What is wrong with a weekly schedule (beyond each field's shape), or undefined. */
export function scheduleProblem(schedule: WeeklySchedule): string | undefined {
  if (!TIME_PATTERN.test(schedule.start) || !TIME_PATTERN.test(schedule.end)) return undefined;
  const span = minutesOfDay(schedule.end) - minutesOfDay(schedule.start);
  if (span <= 0)
    return `the day ends (${schedule.end}) before it starts (${schedule.start}): no day across midnight`;
  if (schedule.breakMinutes >= span)
    return `the break (${schedule.breakMinutes} minutes) is not shorter than the day (${span} minutes)`;
  return undefined;
}

/** Hours of work a day and a week on this schedule. */
export function hoursOf(schedule: WeeklySchedule): { dailyHours: number; weeklyHours: number } {
  const daily =
    (minutesOfDay(schedule.end) - minutesOfDay(schedule.start) - schedule.breakMinutes) / 60;
  return { dailyHours: daily, weeklyHours: daily * schedule.days.length };
}

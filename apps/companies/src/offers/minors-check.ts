/**
 * Whether minors may work an offer's weekly schedule, by the matching engine's minors' rules
 * (one home for them: libs/matching-engine/src/minors.ts): hours a day and a week, night work,
 * daily rest, breaks, weekly rest, and regulated work from 15 only. A schedule no minor may
 * work is still accepted: the offer is for adults only, and says why.
 *
 * The regulated-work derogation (declared by the company, valid 3 years) is the company's and
 * depends on the period: matching checks it; here it is taken as declared, so that only the
 * age rule shows.
 */
import { scheduleForMinors } from '@tremplin/matching-engine';
import type { MinorsReason, WeeklySchedule } from './internship-offer.entity';
import { hoursOf } from './offer-rules';

export interface MinorsCheck {
  /** Some minor may work it; false: adults only. */
  minorsAllowed: boolean;
  /** The youngest age from which every age may work it (14: every student; 18: adults only). */
  minimumAge: number;
  /** For each minor age band refused (14: under 15, 15, 16: 16–17), the first rule broken. */
  minorsReasons: MinorsReason[];
}

export function checkScheduleForMinors(
  schedule: WeeklySchedule,
  involvesRegulatedWork: boolean,
): MinorsCheck {
  const { minimumAge, refused } = scheduleForMinors({
    involvesRegulatedWork,
    ...hoursOf(schedule),
    schedule: {
      days: schedule.days,
      start: schedule.start,
      end: schedule.end,
      breakMinutes: schedule.breakMinutes,
    },
  });
  return { minorsAllowed: minimumAge < 18, minimumAge, minorsReasons: refused };
}

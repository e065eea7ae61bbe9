import type { WeeklySchedule } from './internship-offer.entity';
import { checkScheduleForMinors } from './minors-check';
import { periodsProblem, scheduleProblem } from './offer-rules';

const weekdays: WeeklySchedule['days'] = ['mon', 'tue', 'wed', 'thu', 'fri'];
const schedule = (start: string, end: string, breakMinutes: number, days = weekdays) => ({
  days,
  start,
  end,
  breakMinutes,
});

describe("an offer's schedule under the minors' rules (the matching engine's)", () => {
  it('lets every student work 30 hours a week, and from 15 on 35 hours', () => {
    expect(checkScheduleForMinors(schedule('09:00', '17:00', 60), false)).toEqual({
      minorsAllowed: true,
      minimumAge: 15,
      minorsReasons: [{ age: 14, rule: 'weekly-hours' }],
    });
    expect(checkScheduleForMinors(schedule('09:00', '16:00', 60), false)).toEqual({
      minorsAllowed: true,
      minimumAge: 14,
      minorsReasons: [],
    });
  });

  it('keeps under-16s from working after 20:00', () => {
    expect(checkScheduleForMinors(schedule('13:00', '21:00', 60), false)).toEqual({
      minorsAllowed: true,
      minimumAge: 16,
      minorsReasons: [
        { age: 14, rule: 'weekly-hours' },
        { age: 15, rule: 'night-work' },
      ],
    });
  });

  it('flags a schedule no minor may work as adults only, with the rule broken at each age', () => {
    expect(checkScheduleForMinors(schedule('14:00', '22:00', 30), false)).toEqual({
      minorsAllowed: false,
      minimumAge: 18,
      minorsReasons: [
        { age: 14, rule: 'daily-hours' },
        { age: 15, rule: 'daily-hours' },
        { age: 16, rule: 'weekly-hours' },
      ],
    });
  });

  it('asks for two rest days including Sunday, a break after 4 h 30, and regulated work from 15', () => {
    const sunday = checkScheduleForMinors(
      schedule('09:00', '12:00', 0, ['tue', 'wed', 'thu', 'fri', 'sun']),
      false,
    );
    expect(sunday.minorsReasons.map((reason) => reason.rule)).toEqual(Array(3).fill('weekly-rest'));
    const noBreak = checkScheduleForMinors(schedule('08:00', '13:00', 0), false);
    expect(noBreak).toMatchObject({ minorsAllowed: false, minimumAge: 18 });
    expect(noBreak.minorsReasons.map((reason) => reason.rule)).toEqual(Array(3).fill('break'));
    expect(checkScheduleForMinors(schedule('09:00', '17:00', 60), true)).toEqual({
      minorsAllowed: true,
      minimumAge: 15,
      minorsReasons: [{ age: 14, rule: 'regulated-work-age' }],
    });
  });
});

describe("an offer's periods and schedule", () => {
  const period = (startDate: string, endDate: string) => ({ startDate, endDate, seats: 1 });

  it('refuses reversed, overlapping and impossible periods, and accepts adjacent ones', () => {
    expect(periodsProblem([period('2027-01-11', '2027-01-29')])).toBeUndefined();
    expect(
      periodsProblem([period('2027-03-01', '2027-03-12'), period('2027-01-11', '2027-02-28')]),
    ).toBeUndefined();
    expect(periodsProblem([period('2027-02-05', '2027-01-11')])).toMatch(
      /ends .* before it starts/,
    );
    expect(
      periodsProblem([period('2027-01-11', '2027-02-05'), period('2027-02-05', '2027-02-19')]),
    ).toMatch(/overlap/);
    expect(periodsProblem([period('2027-02-30', '2027-03-05')])).toMatch(/not a day/);
  });

  it('refuses a day that ends before it starts or a break as long as the day', () => {
    expect(scheduleProblem(schedule('17:00', '09:00', 0))).toMatch(/before it starts/);
    expect(scheduleProblem(schedule('09:00', '10:00', 60))).toMatch(/break/);
    expect(scheduleProblem(schedule('09:00', '24:00', 60))).toBeUndefined();
  });
});

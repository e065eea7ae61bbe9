import { checkPair, DEFAULT_WEIGHTS } from './index';
import { scheduleForMinors } from './minors';
import type { Offer, Student, Weekday, WorkSchedule } from './types';

const DAY = '2027-01-04';
const here = { lat: 43.6, lon: 1.44 };

/** What checkPair says of a student of `age` on an offer that meets every rule but the minors'. */
function pairRule(age: number, schedule: WorkSchedule, regulated: boolean): string | undefined {
  const worked =
    (minutes(schedule.end) - minutes(schedule.start) - (schedule.breakMinutes ?? 0)) / 60;
  const offer: Offer = {
    id: 'o',
    companyId: 'c',
    freeSeats: 1,
    specialties: ['s'],
    period: { startDate: DAY, endDate: DAY },
    location: here,
    involvesRegulatedWork: regulated,
    dailyHours: worked,
    weeklyHours: worked * schedule.days.length,
    schedule,
  };
  const student: Student = {
    id: 's',
    schoolId: 'school',
    diploma: 'd',
    specialty: 's',
    birthDate: `${2027 - age}-01-01`,
    location: here,
    mobilityRadiusKm: 1,
    pfmp: { startDate: DAY, endDate: DAY, weeks: 1 },
    hasProfessionalNetwork: false,
  };
  const check = checkPair(
    student,
    offer,
    { id: 'c', regulatedWorkDerogationDeclaredOn: DAY },
    DEFAULT_WEIGHTS,
  );
  return check.eligible ? undefined : check.reason;
}

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));
const WEEKS: Weekday[][] = [
  ['mon', 'tue', 'wed', 'thu', 'fri'],
  ['tue', 'wed', 'thu', 'fri', 'sat'],
  ['mon', 'tue', 'wed', 'thu', 'fri', 'sat'],
  ['wed', 'thu', 'fri', 'sun'],
];

describe('scheduleForMinors: the minors rules on an offer alone', () => {
  it('says for each age band what checkPair says of a student of that age', () => {
    let compared = 0;
    for (const start of ['05:30', '07:00', '08:30', '09:00'])
      for (const end of ['12:00', '13:00', '16:30', '17:00', '20:30', '22:30'])
        for (const breakMinutes of [0, 30, 60])
          for (const days of WEEKS)
            for (const regulated of [false, true]) {
              const schedule = { start, end, breakMinutes, days };
              if (minutes(end) - minutes(start) <= breakMinutes) continue;
              const worked = (minutes(end) - minutes(start) - breakMinutes) / 60;
              const { refused, minimumAge } = scheduleForMinors({
                involvesRegulatedWork: regulated,
                dailyHours: worked,
                weeklyHours: worked * days.length,
                schedule,
              });
              for (const age of [14, 15, 16, 17]) {
                const band = age >= 16 ? 16 : age;
                const rule = refused.find((r) => r.age === band)?.rule;
                expect({ schedule, regulated, age, rule }).toEqual({
                  schedule,
                  regulated,
                  age,
                  rule: pairRule(age, schedule, regulated),
                });
                expect(age >= minimumAge).toBe(rule === undefined);
                compared++;
              }
            }
    expect(compared).toBeGreaterThan(1000);
  });
});

import {
  levelProblem,
  outsideSchoolYear,
  overlapProblem,
  periodProblem,
  periodsProblem,
  schoolYearBounds,
  schoolYearProblem,
  spannedWeeks,
} from './class-rules';

const period = (startDate: string, endDate: string, weeks: number) => ({
  startDate,
  endDate,
  weeks,
});

describe('a school year', () => {
  it('is YYYY-YYYY over two consecutive years, from 1 September to 31 August', () => {
    expect(schoolYearProblem('2026-2027')).toBeUndefined();
    expect(schoolYearProblem('2026-2028')).toMatch(/the year after/);
    expect(schoolYearProblem('2026/2027')).toMatch(/look like/);
    expect(schoolYearBounds('2026-2027')).toEqual({ first: '2026-09-01', last: '2027-08-31' });
    expect(outsideSchoolYear(period('2026-09-01', '2027-08-31', 1), '2026-2027')).toBeUndefined();
    expect(outsideSchoolYear(period('2026-08-31', '2026-09-04', 1), '2026-2027')).toMatch(
      /outside the school year 2026-2027/,
    );
    expect(outsideSchoolYear(period('2027-08-30', '2027-09-03', 1), '2026-2027')).toMatch(
      /outside/,
    );
  });
});

describe('a PFMP period', () => {
  it('spans started weeks: Monday to Friday is one, six Monday-to-Friday weeks are six', () => {
    expect(spannedWeeks('2027-01-11', '2027-01-15')).toBe(1);
    expect(spannedWeeks('2027-01-11', '2027-01-11')).toBe(1);
    expect(spannedWeeks('2026-01-12', '2026-02-20')).toBe(6);
    expect(spannedWeeks('2027-01-11', '2027-01-18')).toBe(2);
  });

  it('is a real range of days requiring at most the weeks it spans', () => {
    expect(periodProblem(period('2027-01-11', '2027-02-05', 4))).toBeUndefined();
    expect(periodProblem(period('2027-02-05', '2027-01-11', 1))).toMatchObject({
      field: 'endDate',
    });
    expect(periodProblem(period('2027-02-29', '2027-03-05', 1))).toMatchObject({
      field: 'startDate',
    });
    expect(periodProblem(period('2027-01-11', '2027-02-05', 5))).toMatchObject({
      field: 'weeks',
      message: expect.stringMatching(/spans 4/),
    });
  });

  it('overlaps another when they share a day; adjacent periods do not', () => {
    expect(
      overlapProblem([
        period('2027-01-11', '2027-01-22', 2),
        period('2027-01-25', '2027-02-05', 2),
      ]),
    ).toBeUndefined();
    expect(
      overlapProblem([
        period('2027-03-01', '2027-03-12', 2),
        period('2027-01-11', '2027-03-01', 2),
      ]),
    ).toMatch(/overlap/);
  });

  it('names the field of the first problem of a list', () => {
    expect(
      periodsProblem(
        [period('2027-01-11', '2027-01-22', 2), period('2027-02-05', '2027-01-25', 1)],
        '2026-2027',
      ),
    ).toMatchObject({ field: 'pfmpPeriods.1.endDate' });
    expect(periodsProblem([period('2027-09-06', '2027-09-10', 1)], '2026-2027')).toMatchObject({
      field: 'pfmpPeriods.0.startDate',
    });
    expect(
      periodsProblem(
        [period('2027-01-11', '2027-01-22', 2), period('2027-01-22', '2027-02-05', 2)],
        '2026-2027',
      ),
    ).toMatchObject({ field: 'pfmpPeriods', message: expect.stringMatching(/overlap/) });
  });
});

describe("a class's level, specialty and famille de métiers", () => {
  it('takes a famille de métiers on a Bac Pro seconde only, and a specialty otherwise', () => {
    expect(levelProblem({ level: 'bacpro-seconde', familleDeMetiers: 'relation client' })).toBe(
      undefined,
    );
    expect(levelProblem({ level: 'bacpro-seconde', specialty: 'ASSP' })).toBeUndefined();
    expect(levelProblem({ level: 'cap1', specialty: 'EPC', familleDeMetiers: 'x' })).toMatchObject({
      field: 'familleDeMetiers',
    });
    expect(levelProblem({ level: 'bacpro-terminale' })).toMatchObject({ field: 'specialty' });
    expect(levelProblem({ level: 'bacpro-seconde', specialty: null })).toMatchObject({
      field: 'specialty',
    });
  });
});

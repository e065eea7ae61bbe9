import fc from 'fast-check';
import {
  InvalidInstanceError,
  MatchingSession,
  checkPair,
  solveByAcademy,
  solveMatching,
  DEFAULT_WEIGHTS,
  generateInstance,
} from './index';
import type { Company, MatchingInstance, Offer, Student } from './types';
import { SCHOOL_ID, company, offer, student } from './testing/fixtures';

const OTHER_SCHOOL_ID = '00000000-0000-4000-8000-000000000002';

const check = (
  s: Partial<Student>,
  o: Partial<Offer>,
  c: Partial<Company> = {},
  declined = false,
) => checkPair(student(s), offer(o), company(c), DEFAULT_WEIGHTS, declined);

describe('eligibility', () => {
  it('accepts a matching pair and explains its score', () => {
    const r = check({}, {});
    expect(r.eligible).toBe(true);
    const sc = r.score!;
    expect(sc.total).toBe(sc.distance + sc.specialty + sc.sector + sc.responseRate);
    expect(sc.total).toBeLessThanOrEqual(1000);
    expect(sc.distanceKm).toBeGreaterThan(5);
  });
  it('requires the diploma or the specialty', () => {
    expect(check({ diploma: 'X' }, {}).reason).toBe('diploma');
    expect(check({ diploma: 'X' }, { specialties: ['commerce'] }).eligible).toBe(true);
  });
  it('requires enough weeks of the PFMP period inside the offer period', () => {
    expect(check({}, { period: { startDate: '2026-01-20', endDate: '2026-06-30' } }).reason).toBe(
      'period',
    );
    expect(check({}, { period: { startDate: '2026-01-05', endDate: '2026-01-30' } }).reason).toBe(
      'period',
    );
    expect(check({}, { period: { startDate: '2026-01-05', endDate: '2026-02-13' } }).eligible).toBe(
      true,
    );
  });
  it('requires the offer within the mobility radius (haversine)', () => {
    expect(check({ mobilityRadiusKm: 5 }, {}).reason).toBe('distance');
  });
  it('keeps reserved offers for priority students and named schools', () => {
    expect(check({ hasProfessionalNetwork: true }, { reservedForPriority: true }).reason).toBe(
      'reserved-priority',
    );
    expect(
      check(
        { hasProfessionalNetwork: true, priorityFlags: ['priority-education'] },
        { reservedForPriority: true },
      ).eligible,
    ).toBe(true);
    expect(check({}, { reservedForSchoolIds: [OTHER_SCHOOL_ID] }).reason).toBe('reserved-school');
    expect(check({}, { reservedForSchoolIds: [SCHOOL_ID] }).eligible).toBe(true);
  });
  it('applies the minors rules on the first day of the period', () => {
    // Born 2011-02-01: 14 on 2026-01-05.
    expect(check({ birthDate: '2011-02-01' }, { weeklyHours: 35 }).reason).toBe('weekly-hours');
    expect(check({ birthDate: '2011-02-01' }, { weeklyHours: 30 }).eligible).toBe(true);
    expect(
      check(
        { birthDate: '2011-02-01' },
        { weeklyHours: 30, involvesRegulatedWork: true },
        { regulatedWorkDerogationDeclaredOn: '2025-01-01' },
      ).reason,
    ).toBe('regulated-work-age');
    // 16 years old: 8 h a day allowed, regulated work only with a derogation less than 3 years old.
    expect(check({ birthDate: '2009-06-01' }, { dailyHours: 8 }).eligible).toBe(true);
    expect(check({ birthDate: '2009-06-01' }, { dailyHours: 9 }).reason).toBe('daily-hours');
    expect(check({ birthDate: '2009-06-01' }, { involvesRegulatedWork: true }).reason).toBe(
      'regulated-work-derogation',
    );
    expect(
      check(
        { birthDate: '2009-06-01' },
        { involvesRegulatedWork: true },
        { regulatedWorkDerogationDeclaredOn: '2022-09-01' },
      ).reason,
    ).toBe('regulated-work-derogation');
    expect(
      check(
        { birthDate: '2009-06-01' },
        { involvesRegulatedWork: true },
        { regulatedWorkDerogationDeclaredOn: '2024-09-01' },
      ).eligible,
    ).toBe(true);
    // 18 on the first day: no minors' limits.
    expect(
      check(
        { birthDate: '2008-01-05' },
        { dailyHours: 10, weeklyHours: 39, involvesRegulatedWork: true },
      ).eligible,
    ).toBe(true);
  });
  it('never proposes a declined pair again', () => {
    expect(check({}, {}, {}, true).reason).toBe('declined');
  });
});

const base = (): MatchingInstance => ({
  students: [student()],
  offers: [offer()],
  companies: [company()],
});

describe('input validation names the field', () => {
  const cases: [string, (i: MatchingInstance) => void, string][] = [
    ['negative free seats', (i) => (i.offers[0].freeSeats = -1), 'offers[0].freeSeats'],
    [
      'reversed period',
      (i) => (i.offers[0].period = { startDate: '2026-03-01', endDate: '2026-02-01' }),
      'offers[0].period',
    ],
    [
      'latitude out of range',
      (i) => (i.students[0].location = { lat: 91, lon: 0 }),
      'students[0].location.lat',
    ],
    [
      'longitude out of range',
      (i) => (i.offers[0].location = { lat: 0, lon: -181 }),
      'offers[0].location.lon',
    ],
    ['unknown company', (i) => (i.offers[0].companyId = 'nope'), 'offers[0].companyId'],
    [
      'unknown student in a declined pair',
      (i) => (i.declinedPairs = [{ studentId: 'X', offerId: 'O1' }]),
      'declinedPairs[0].studentId',
    ],
    ['duplicate id', (i) => i.students.push(student()), 'students[1].id'],
    ['bad date', (i) => (i.students[0].birthDate = '10/03/2009'), 'students[0].birthDate'],
    [
      'reversed PFMP period',
      (i) => (i.students[0].pfmp = { startDate: '2026-02-13', endDate: '2026-01-05', weeks: 5 }),
      'students[0].pfmp',
    ],
  ];
  it.each(cases)('%s', (_, mutate, field) => {
    const inst = base();
    mutate(inst);
    let error: unknown;
    try {
      solveMatching(inst);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidInstanceError);
    expect((error as InvalidInstanceError).issues.map((i) => i.field)).toContain(field);
    expect((error as Error).message).toContain(field);
  });
});

describe('solveMatching', () => {
  it('fills seats with the priority student first and explains the assignment', () => {
    const inst: MatchingInstance = {
      students: [
        student({ id: 'net', hasProfessionalNetwork: true }),
        student({ id: 'nonet', hasProfessionalNetwork: false, mobilityRadiusKm: 15 }),
      ],
      offers: [offer()],
      companies: [company()],
    };
    const r = solveMatching(inst);
    expect(r.assignments.map((a) => a.studentId)).toEqual(['nonet']);
    expect(r.unplaced).toEqual([{ studentId: 'net', priority: 0, eligibleOffers: 1 }]);
    expect(r.assignments[0].score.total).toBeGreaterThan(0);
    expect(r.counts).toMatchObject({ students: 2, freeSeats: 1, placed: 1, unplaced: 1 });
  });

  it('respects the monthly cap including proposals already sent', () => {
    const inst: MatchingInstance = {
      students: [student({ id: 'a' }), student({ id: 'b' }), student({ id: 'c' })],
      offers: [offer({ id: 'O1', freeSeats: 2 }), offer({ id: 'O2', freeSeats: 2 })],
      companies: [company({ monthlyProposalCap: 3, proposalsThisMonth: 1 })],
    };
    expect(solveMatching(inst).counts.placed).toBe(2);
  });

  it('every assignment is eligible and within seats and caps on generated academies', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), (seed) => {
        const inst = generateInstance({ students: 120, offers: 50, seed });
        const r = solveMatching(inst);
        const offers = new Map(inst.offers.map((o) => [o.id, o]));
        const companies = new Map(inst.companies.map((c) => [c.id, c]));
        const students = new Map(inst.students.map((s) => [s.id, s]));
        const seats = new Map<string, number>();
        const proposals = new Map<string, number>();
        for (const a of r.assignments) {
          const o = offers.get(a.offerId)!;
          const c = companies.get(o.companyId)!;
          expect(checkPair(students.get(a.studentId)!, o, c, DEFAULT_WEIGHTS).eligible).toBe(true);
          seats.set(o.id, (seats.get(o.id) ?? 0) + 1);
          proposals.set(c.id, (proposals.get(c.id) ?? 0) + 1);
        }
        for (const [id, n] of seats) expect(n).toBeLessThanOrEqual(offers.get(id)!.freeSeats);
        for (const [id, n] of proposals) {
          const c = companies.get(id)!;
          if (c.monthlyProposalCap !== undefined)
            expect(n + (c.proposalsThisMonth ?? 0)).toBeLessThanOrEqual(c.monthlyProposalCap);
        }
        // Fairness on the real pipeline: an unplaced student without a network was not eligible
        // for any seat held by a student with a network.
        const holders = new Map<string, string[]>();
        for (const a of r.assignments)
          holders.set(a.offerId, [...(holders.get(a.offerId) ?? []), a.studentId]);
        for (const u of r.unplaced) {
          const s = students.get(u.studentId)!;
          if (s.hasProfessionalNetwork) continue;
          for (const [offerId, ids] of holders) {
            const o = offers.get(offerId)!;
            if (!checkPair(s, o, companies.get(o.companyId)!, DEFAULT_WEIGHTS).eligible) continue;
            for (const id of ids) expect(students.get(id)!.hasProfessionalNetwork).toBe(false);
          }
        }
      }),
      { numRuns: 25 },
    );
  });
});

describe('MatchingSession (incremental)', () => {
  it('gives after updates the same optimum as a cold solve of the updated instance', () => {
    const inst = generateInstance({ students: 400, offers: 160, seed: 7 });
    const session = new MatchingSession(inst);
    const first = session.solve();
    expect(first.incremental).toBe(false);
    const updated = session.update({
      removeOfferIds: [inst.offers[0].id, inst.offers[1].id],
      upsertOffers: [
        { ...inst.offers[2], freeSeats: 3 },
        { ...inst.offers[3], id: 'NEW-O' },
      ],
      removeStudentIds: [inst.students[0].id],
      upsertStudents: [
        { ...inst.students[5], id: 'NEW-E' },
        { ...inst.students[6], mobilityRadiusKm: 5 },
      ],
      upsertCompanies: [{ ...inst.companies[0], responseRate: 1 }],
      addDeclinedPairs: first.assignments
        .slice(0, 3)
        .map((a) => ({ studentId: a.studentId, offerId: a.offerId })),
    });
    expect(updated.incremental).toBe(true);
    const cold = solveMatching(session.instance());
    expect(updated.objective).toEqual(cold.objective);
    const declined = new Set(
      first.assignments.slice(0, 3).map((a) => `${a.studentId}|${a.offerId}`),
    );
    for (const a of updated.assignments)
      expect(declined.has(`${a.studentId}|${a.offerId}`)).toBe(false);
    expect(updated.timings.eligibilityMs).toBeLessThan(first.timings.eligibilityMs);
  });

  it('repairs the flow incrementally: after every change of a random sequence the objective equals a cold solve', () => {
    const change = fc.record({ kind: fc.integer({ min: 0, max: 8 }), a: fc.nat(), b: fc.nat() });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e6 }),
        fc.integer({ min: 20, max: 120 }),
        fc.integer({ min: 5, max: 50 }),
        fc.array(fc.array(change, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 5 }),
        (seed, nS, nO, steps) => {
          const inst = generateInstance({ students: nS, offers: nO, seed, spreadDeg: 0.2 });
          const extra = generateInstance({
            students: 40,
            offers: 20,
            seed: seed + 1,
            spreadDeg: 0.2,
            idPrefix: 'X',
          });
          const session = new MatchingSession(inst);
          let last = session.solve();
          let k = 0;
          for (const step of steps) {
            const cur = session.instance();
            const ch: Parameters<MatchingSession['update']>[0] = {
              upsertOffers: [],
              removeOfferIds: [],
              upsertStudents: [],
              removeStudentIds: [],
              upsertCompanies: [],
              addDeclinedPairs: [],
            };
            const usedOffers = new Set<string>();
            const usedStudents = new Set<string>();
            for (const { kind, a, b } of step) {
              const o = cur.offers[a % cur.offers.length];
              const s = cur.students[a % cur.students.length];
              const c = cur.companies[a % cur.companies.length];
              const asg = last.assignments.length
                ? last.assignments[a % last.assignments.length]
                : undefined;
              if (kind <= 2 && o && !usedOffers.has(o.id)) {
                usedOffers.add(o.id);
                if (kind === 0)
                  ch.upsertOffers!.push({ ...o, freeSeats: b % 4 }); // seats added or removed
                else if (kind === 1 && cur.offers.length > 1)
                  ch.removeOfferIds!.push(o.id); // withdrawn
                else
                  ch.upsertOffers!.push({
                    ...extra.offers[b % extra.offers.length],
                    id: `N${k++}`,
                    companyId: c.id,
                  }); // new offer
              } else if (kind === 3) {
                ch.upsertStudents!.push({
                  ...extra.students[b % extra.students.length],
                  id: `NS${k++}`,
                }); // new student
              } else if (kind === 4 && s && !usedStudents.has(s.id) && cur.students.length > 1) {
                usedStudents.add(s.id);
                ch.removeStudentIds!.push(s.id);
              } else if (kind === 5 && s && !usedStudents.has(s.id)) {
                usedStudents.add(s.id);
                ch.upsertStudents!.push({
                  ...s,
                  hasProfessionalNetwork: !s.hasProfessionalNetwork,
                  mobilityRadiusKm: 5 + (b % 30),
                }); // changed student
              } else if (kind === 6 && asg) {
                ch.addDeclinedPairs!.push({ studentId: asg.studentId, offerId: asg.offerId }); // pair declined
              } else if (kind === 7 && c) {
                ch.upsertCompanies!.push({
                  ...c,
                  monthlyProposalCap: b % 3 === 0 ? undefined : b % 4,
                  proposalsThisMonth: 0,
                }); // cap changed
              } else if (kind === 8 && c) {
                ch.upsertCompanies!.push({ ...c, responseRate: (b % 101) / 100 });
              }
            }
            const byId = new Map<string, Company>();
            for (const x of ch.upsertCompanies!) byId.set(x.id, x);
            ch.upsertCompanies = [...byId.values()];
            const stillThere = new Set(
              cur.students
                .map((x) => x.id)
                .filter((id) => !usedStudents.has(id) || !ch.removeStudentIds!.includes(id)),
            );
            ch.addDeclinedPairs = ch.addDeclinedPairs!.filter(
              (p) => stillThere.has(p.studentId) && !ch.removeOfferIds!.includes(p.offerId),
            );
            last = session.update(ch);
            expect(last.incremental).toBe(true);
            const now = session.instance();
            const cold = solveMatching(now);
            expect(last.objective).toEqual(cold.objective);
            // Explanations kept from the previous solve are those a fresh check gives.
            const studentOf = new Map(now.students.map((x) => [x.id, x]));
            const offerOf = new Map(now.offers.map((x) => [x.id, x]));
            const companyOf = new Map(now.companies.map((x) => [x.id, x]));
            for (const a of last.assignments)
              expect(a.score).toEqual(
                checkPair(
                  studentOf.get(a.studentId)!,
                  offerOf.get(a.offerId)!,
                  companyOf.get(a.companyId)!,
                  { ...DEFAULT_WEIGHTS, ...now.weights },
                ).score,
              );
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('rejects a bad update and keeps the session usable', () => {
    const session = new MatchingSession(base());
    session.solve();
    expect(() => session.update({ upsertOffers: [offer({ id: 'O2', freeSeats: -2 })] })).toThrow(
      /upsertOffers\[0\]\.freeSeats/,
    );
    expect(() =>
      session.update({ upsertOffers: [offer({ id: 'O3', companyId: 'nope' })] }),
    ).toThrow(/upsertOffers\[0\]\.companyId: unknown company 'nope'/);
    expect(() =>
      session.update({ addDeclinedPairs: [{ studentId: 'ghost', offerId: 'O1' }] }),
    ).toThrow(/addDeclinedPairs\[0\]\.studentId: unknown student 'ghost'/);
    expect(session.solve().counts.placed).toBe(1);
  });
});

describe('solveByAcademy', () => {
  it('lets a neighbouring academy use the seats left over', () => {
    const inst: MatchingInstance = {
      students: [student({ id: 'a', academy: '16' }), student({ id: 'b', academy: '17' })],
      offers: [offer({ freeSeats: 1 }), offer({ id: 'O2', freeSeats: 1 })],
      companies: [company()],
    };
    const results = solveByAcademy(inst);
    expect(results.map((r) => r.academy)).toEqual(['16', '17']);
    expect(results.map((r) => r.result.assignments[0]?.offerId).sort()).toEqual(['O1', 'O2']);
  });
});

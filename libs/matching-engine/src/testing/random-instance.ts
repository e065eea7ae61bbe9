/**
 * Seeded random instances shaped like an academy: schools spread over a region, students
 * around their school, offers around the same towns, a dozen diplomas, PFMP periods, minors.
 * Used by the tests and the benchmark; deterministic for a given seed.
 */
import type { Company, MatchingInstance, Offer, Student, WorkSchedule } from '../types';

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface InstanceShape {
  students: number;
  offers: number;
  seed: number;
  /** Region centre; academies of a national run use different centres. */
  center?: { lat: number; lon: number };
  /** Half-size of the region in degrees (default scales with the number of offers). */
  spreadDeg?: number;
  schools?: number;
  academy?: string;
  /** Mean mobility radius in km (default 25). */
  radiusKm?: number;
  idPrefix?: string;
  /**
   * Give offers working schedules (office hours mostly; early, evening, split, long and weekend
   * ones too). Drawn from a stream of their own: the rest of the instance is the same as without.
   */
  schedules?: boolean;
}

const DIPLOMAS = [
  '40025214',
  '40025215',
  '40031101',
  '40031102',
  '40033003',
  '40022106',
  '50025218',
  '50031213',
  '40023203',
  '40020002',
  '40034004',
  '50022304',
];
const SPECIALTIES = [
  'commerce',
  'vente',
  'electricite',
  'mecanique',
  'cuisine',
  'service',
  'batiment',
  'logistique',
  'soins',
  'accueil',
  'numerique',
  'maintenance',
];
const SECTORS = ['47.11Z', '56.10A', '43.21A', '45.20A', '49.41A', '86.10Z', '62.01Z', '33.12Z'];

export function generateInstance(shape: InstanceShape): MatchingInstance {
  const r = mulberry32(shape.seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  const pre = shape.idPrefix ?? '';
  const center = shape.center ?? { lat: 43.6, lon: 1.44 };
  const spread = shape.spreadDeg ?? Math.max(0.15, 1.3 * Math.sqrt(shape.offers / 12000));
  const schoolCount = shape.schools ?? Math.max(2, Math.round(shape.students / 400));
  const towns = Array.from({ length: schoolCount }, () => ({
    lat: center.lat + (r() * 2 - 1) * spread,
    lon: center.lon + (r() * 2 - 1) * spread * 1.3,
  }));
  const schools = towns.map((t, i) => ({
    id: `${pre}S${i}`,
    town: t,
    diplomas: [0, 1, 2, 3].map(() => Math.floor(r() * DIPLOMAS.length)),
  }));
  const year = 2026;
  const windows = [
    { startDate: `${year}-01-05`, endDate: `${year}-02-13`, weeks: 5 },
    { startDate: `${year}-03-02`, endDate: `${year}-04-03`, weeks: 4 },
    { startDate: `${year}-05-04`, endDate: `${year}-06-12`, weeks: 6 },
  ];
  const companyCount = Math.max(1, Math.round(shape.offers / 2));
  const companies: Company[] = Array.from({ length: companyCount }, (_, i) => ({
    id: `${pre}C${i}`,
    monthlyProposalCap: r() < 0.4 ? 1 + Math.floor(r() * 4) : undefined,
    proposalsThisMonth: r() < 0.2 ? 1 : 0,
    responseRate: Math.round(r() * 100) / 100,
    regulatedWorkDerogationDeclaredOn:
      r() < 0.5 ? `${year - 1 - Math.floor(r() * 4)}-09-01` : undefined,
  }));
  for (const c of companies)
    if (c.monthlyProposalCap !== undefined && c.proposalsThisMonth! > c.monthlyProposalCap)
      c.proposalsThisMonth = 0;
  const jitter = (t: { lat: number; lon: number }, d: number) => ({
    lat: +(t.lat + (r() * 2 - 1) * d).toFixed(5),
    lon: +(t.lon + (r() * 2 - 1) * d * 1.3).toFixed(5),
  });
  const offers: Offer[] = Array.from({ length: shape.offers }, (_, i) => {
    const d = Math.floor(r() * DIPLOMAS.length);
    const d2 = Math.floor(r() * DIPLOMAS.length);
    const w = r() < 0.85 ? null : pick(windows);
    return {
      id: `${pre}O${i}`,
      companyId: `${pre}C${Math.floor(r() * companyCount)}`,
      freeSeats: 1 + Math.floor(r() * 3),
      diplomas: r() < 0.7 ? [DIPLOMAS[d], DIPLOMAS[d2]] : [DIPLOMAS[d]],
      specialties: r() < 0.5 ? [SPECIALTIES[d]] : undefined,
      period: w
        ? { startDate: w.startDate, endDate: w.endDate }
        : { startDate: `${year}-01-01`, endDate: `${year}-06-30` },
      location: r() < 0.8 ? jitter(pick(towns), 0.12) : jitter(center, spread),
      sector: pick(SECTORS),
      reservedForPriority: r() < 0.05 || undefined,
      reservedForSchoolIds: r() < 0.03 ? [pick(schools).id] : undefined,
      involvesRegulatedWork: r() < 0.1 || undefined,
      dailyHours: r() < 0.85 ? 7 : 8,
      weeklyHours: r() < 0.8 ? 35 : r() < 0.5 ? 30 : 39,
    };
  });
  const radius = shape.radiusKm ?? 25;
  const students: Student[] = Array.from({ length: shape.students }, (_, i) => {
    const school = schools[Math.floor((i / shape.students) * schools.length)];
    const d = pick(school.diplomas);
    const w = windows[Math.floor(r() * windows.length)];
    const age = 15 + Math.floor(r() * 4);
    return {
      id: `${pre}E${i}`,
      academy: shape.academy,
      schoolId: school.id,
      diploma: DIPLOMAS[d],
      specialty: SPECIALTIES[d],
      birthDate: `${year - age - 1}-${String(1 + Math.floor(r() * 12)).padStart(2, '0')}-${String(1 + Math.floor(r() * 28)).padStart(2, '0')}`,
      location: jitter(school.town, 0.1),
      mobilityRadiusKm: Math.round(radius * (0.6 + r() * 0.8)),
      pfmp: { ...w },
      hasProfessionalNetwork: r() < 0.6,
      priorityFlags: r() < 0.1 ? ['priority-education'] : undefined,
      preferredSectors: r() < 0.7 ? [pick(SECTORS), pick(SECTORS)] : undefined,
    };
  });
  if (shape.schedules) {
    const rs = mulberry32(shape.seed ^ 0x5c4ed01e);
    for (const o of offers) o.schedule = randomSchedule(rs, o.dailyHours);
  }
  return { students, offers, companies };
}

const WEEK: WorkSchedule['days'] = ['mon', 'tue', 'wed', 'thu', 'fri'];

/** A schedule whose working time is `dailyHours`; some break minors' rules, on purpose. */
function randomSchedule(r: () => number, dailyHours: number): WorkSchedule {
  const hhmm = (minutes: number) =>
    `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
  const day = (start: number, breakMinutes: number, days = WEEK): WorkSchedule => ({
    start: hhmm(start),
    end: hhmm(start + dailyHours * 60 + breakMinutes),
    breakMinutes,
    days,
  });
  const x = r();
  if (x < 0.6) return day(8 * 60 + 30 * Math.floor(r() * 3), 30 + 30 * Math.floor(r() * 2));
  if (x < 0.7) return day(5 * 60, 30); // bakery: before 6h
  if (x < 0.8)
    return day(14 * 60, 60 + 30 * Math.floor(r() * 2), ['tue', 'wed', 'thu', 'fri', 'sat']);
  if (x < 0.85) return day(8 * 60, 5 * 60); // split shift: 12 h from start to end
  if (x < 0.9) return day(8 * 60, 0); // no break
  if (x < 0.95) return day(9 * 60, 60, ['wed', 'thu', 'fri', 'sat', 'sun']);
  return day(9 * 60, 60, ['mon', 'tue', 'wed', 'thu', 'fri', 'sat']);
}

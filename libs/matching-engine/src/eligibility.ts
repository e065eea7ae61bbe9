/**
 * Eligibility (hard constraints) and score (soft preferences) of a student–offer pair.
 * Seats and the company's monthly cap are capacities of the assignment, checked by the solver.
 */
import { SCORE_MAX } from './core';
import { parseDay } from './validate';
import type { Company, Offer, ScoreBreakdown, ScoreWeights, Student } from './types';

export const DEFAULT_WEIGHTS: ScoreWeights = {
  distance: 3,
  specialty: 3,
  sector: 2,
  responseRate: 2,
};

const EARTH_RADIUS_KM = 6371.0088;

export function haversineKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const toRad = Math.PI / 180;
  const dLat = (lat2 - lat1) * toRad;
  const dLon = (lon2 - lon1) * toRad;
  const a =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(lat1 * toRad) * Math.cos(lat2 * toRad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(a)));
}

/** 0: with a professional network and no flag … 3: no network and a priority flag. */
export function studentPriority(student: Student): number {
  return (student.hasProfessionalNetwork ? 0 : 2) + (student.priorityFlags?.length ? 1 : 0);
}

/** Full years of age on `day` (YYYY-MM-DD). */
export function ageOn(birthDate: string, day: string): number {
  const years = +day.slice(0, 4) - +birthDate.slice(0, 4);
  // ISO dates: comparing the "-MM-DD" tails as strings compares the days of the year.
  return years - (day.slice(4) < birthDate.slice(4) ? 1 : 0);
}

/** Minors' limits (Code du travail / PFMP rules): hours per day and week by age. */
export function minorLimits(age: number): { daily: number; weekly: number } | undefined {
  if (age >= 18) return undefined;
  if (age < 15) return { daily: 7, weekly: 30 };
  if (age < 16) return { daily: 7, weekly: 35 };
  return { daily: 8, weekly: 35 };
}

export type IneligibilityReason =
  | 'diploma'
  | 'period'
  | 'distance'
  | 'reserved-priority'
  | 'reserved-school'
  | 'dangerous-work-age'
  | 'dangerous-work-derogation'
  | 'daily-hours'
  | 'weekly-hours'
  | 'declined';

export interface PairCheck {
  eligible: boolean;
  reason?: IneligibilityReason;
  score?: ScoreBreakdown;
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
  const reason = screen(student, offer, company, declined);
  if (reason) return { eligible: false, reason };
  const total = scoreInto(
    student,
    offer,
    company,
    weights,
    scratch.distanceKm,
    scratch.specialtyOk,
  );
  const [distance, specialty, sector, responseRate] = scratch.parts;
  return {
    eligible: true,
    score: {
      total,
      distance,
      specialty,
      sector,
      responseRate,
      distanceKm: Math.round(scratch.distanceKm * 100) / 100,
    },
  };
}

/** Same rules as {@link checkPair}, without allocating: the score total, or -1 when not eligible. */
export function pairScore(
  student: Student,
  offer: Offer,
  company: Company,
  weights: ScoreWeights,
  declined = false,
): number {
  if (screen(student, offer, company, declined)) return -1;
  return scoreInto(student, offer, company, weights, scratch.distanceKm, scratch.specialtyOk);
}

const scratch = { distanceKm: 0, specialtyOk: false, parts: [0, 0, 0, 0] };

function screen(
  student: Student,
  offer: Offer,
  company: Company,
  declined: boolean,
): IneligibilityReason | undefined {
  if (declined) return 'declined';
  const diplomaOk = offer.diplomas !== undefined && offer.diplomas.includes(student.diploma);
  const specialtyOk =
    offer.specialties !== undefined && offer.specialties.includes(student.specialty);
  if (!diplomaOk && !specialtyOk) return 'diploma';
  const distanceKm = haversineKm(
    student.location.lat,
    student.location.lon,
    offer.location.lat,
    offer.location.lon,
  );
  if (distanceKm > student.mobilityRadiusKm) return 'distance';
  if (offer.reservedForPriority && studentPriority(student) === 0) return 'reserved-priority';
  if (offer.reservedForSchools?.length && !offer.reservedForSchools.includes(student.schoolId))
    return 'reserved-school';
  // Period: enough weeks of the class PFMP period inside the offer's period.
  const first = student.pfmp.start > offer.period.start ? student.pfmp.start : offer.period.start;
  const last = student.pfmp.end < offer.period.end ? student.pfmp.end : offer.period.end;
  const overlapDays = last < first ? 0 : parseDay(last) - parseDay(first) + 1;
  if (overlapDays <= 0 || Math.ceil(overlapDays / 7) < student.pfmp.weeks) return 'period';
  // Minors: age on the first day of the placement.
  const age = ageOn(student.birthDate, first);
  const limits = minorLimits(age);
  if (limits) {
    if (offer.dangerousWork) {
      if (age < 15) return 'dangerous-work-age';
      const declared = company.dangerousWorkDerogationDeclaredOn;
      if (!declared || declared > first || ageOn(declared, first) >= 3)
        return 'dangerous-work-derogation';
    }
    if (offer.dailyHours > limits.daily) return 'daily-hours';
    if (offer.weeklyHours > limits.weekly) return 'weekly-hours';
  }
  scratch.distanceKm = distanceKm;
  scratch.specialtyOk = specialtyOk;
  return undefined;
}

/**
 * Score parts, each = floor(SCORE_MAX · weight · factor / Σweights) with factors in [0, 1]:
 * distance 1 - d/radius; specialty 1 if the offer names the student's specialty, 0.5 if only the
 * diploma; sector 1 if among the student's preferred sectors, 0 if not, 0.5 without preference;
 * responseRate the company's answer rate (0.5 if unknown). The total is the sum of the parts.
 */
export function scorePair(
  student: Student,
  offer: Offer,
  company: Company,
  weights: ScoreWeights,
  distanceKm: number,
  specialtyOk: boolean,
): ScoreBreakdown {
  const total = scoreInto(student, offer, company, weights, distanceKm, specialtyOk);
  const [distance, specialty, sector, responseRate] = scratch.parts;
  return {
    total,
    distance,
    specialty,
    sector,
    responseRate,
    distanceKm: Math.round(distanceKm * 100) / 100,
  };
}

function scoreInto(
  student: Student,
  offer: Offer,
  company: Company,
  weights: ScoreWeights,
  distanceKm: number,
  specialtyOk: boolean,
): number {
  const sum = weights.distance + weights.specialty + weights.sector + weights.responseRate;
  const part = (w: number, f: number) =>
    Math.floor((SCORE_MAX * w * Math.max(0, Math.min(1, f))) / sum + 1e-9);
  const radius = student.mobilityRadiusKm;
  const prefs = student.preferredSectors;
  const p = scratch.parts;
  p[0] = part(weights.distance, radius > 0 ? 1 - distanceKm / radius : 1);
  p[1] = part(weights.specialty, specialtyOk ? 1 : 0.5);
  p[2] = part(
    weights.sector,
    !prefs?.length ? 0.5 : offer.sector !== undefined && prefs.includes(offer.sector) ? 1 : 0,
  );
  p[3] = part(weights.responseRate, company.responseRate ?? 0.5);
  return p[0] + p[1] + p[2] + p[3];
}

/** Spatial index of points on a lat/lon grid, to find the offers within a radius quickly. */
export class GeoGrid {
  private readonly cells = new Map<number, number[]>();
  constructor(
    points: { lat: number; lon: number }[],
    private readonly cellDeg = 0.25,
  ) {
    points.forEach((p, i) => this.insert(i, p));
  }

  insert(index: number, p: { lat: number; lon: number }): void {
    const key = this.key(Math.floor(p.lat / this.cellDeg), Math.floor(p.lon / this.cellDeg));
    const cell = this.cells.get(key);
    if (cell) cell.push(index);
    else this.cells.set(key, [index]);
  }

  /** Calls `visit` for every point index in the cells that intersect the circle (a superset). */
  forEachNear(lat: number, lon: number, radiusKm: number, visit: (index: number) => void): void {
    const dLat = radiusKm / 110.574;
    const cos = Math.max(0.01, Math.cos((lat * Math.PI) / 180));
    const dLon = Math.min(180, radiusKm / (111.32 * cos));
    const y0 = Math.floor((lat - dLat) / this.cellDeg);
    const y1 = Math.floor((lat + dLat) / this.cellDeg);
    const x0 = Math.floor((lon - dLon) / this.cellDeg);
    const x1 = Math.floor((lon + dLon) / this.cellDeg);
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const cell = this.cells.get(this.key(y, x));
        if (cell) for (let i = 0; i < cell.length; i++) visit(cell[i]);
      }
    }
  }

  private key(y: number, x: number): number {
    return (y + 1000) * 4096 + (x + 2000);
  }
}

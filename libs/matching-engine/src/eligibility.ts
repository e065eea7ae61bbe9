/**
 * Eligibility (hard constraints) and score (soft preferences) of a student–offer pair.
 * Seats and the company's monthly cap are capacities of the assignment, checked by the solver.
 *
 * The rules run on "facts": a student or an offer compiled once (strings interned to integers,
 * dates as day numbers, latitudes' cosines precomputed), so that each of the tens of millions of
 * candidate pairs of a national run is checked without string work or allocation.
 * {@link checkPair} compiles both sides on the fly and runs the same rules.
 */
import { SCORE_MAX } from './problem';
import { WEEKDAYS, minutesOfDay, parseDay } from './validate';
import type { Company, Offer, ScoreBreakdown, ScoreWeights, Student, WorkSchedule } from './types';

export const DEFAULT_WEIGHTS: ScoreWeights = {
  distance: 3,
  specialty: 3,
  sector: 2,
  responseRate: 2,
};

const EARTH_RADIUS_KM = 6371.0088;
const TO_RAD = Math.PI / 180;

export function haversineKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  return haversineCosKm(lat1, lon1, Math.cos(lat1 * TO_RAD), lat2, lon2, Math.cos(lat2 * TO_RAD));
}

/** Haversine with the cosines of both latitudes given (computed once per point). */
function haversineCosKm(
  lat1: number,
  lon1: number,
  cos1: number,
  lat2: number,
  lon2: number,
  cos2: number,
): number {
  const dLat = (lat2 - lat1) * TO_RAD;
  const dLon = (lon2 - lon1) * TO_RAD;
  const a = Math.sin(dLat / 2) ** 2 + cos1 * cos2 * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(a)));
}

/** x − x³/6 ≤ sin x for x ≥ 0 (and ≥ 0 below 2). */
function sinLowerBound(x: number): number {
  return x < 2 ? x - (x * x * x) / 6 : 0;
}

/**
 * True when the point (radians, cosine of its latitude) is surely farther from the student than
 * the mobility radius: a trig-free lower bound of the haversine term exceeds its maximum.
 */
export function surelyBeyond(
  s: StudentFacts,
  latRad: number,
  lonRad: number,
  cosLat: number,
): boolean {
  const hLat = sinLowerBound(Math.abs(latRad - s.latRad) / 2);
  const hLon = sinLowerBound(Math.abs(lonRad - s.lonRad) / 2);
  return hLat * hLat + s.cosLat * cosLat * hLon * hLon > s.maxHaversineTerm;
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

export type IneligibilityReason =
  | 'diploma'
  | 'period'
  | 'distance'
  | 'reserved-priority'
  | 'reserved-school'
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
  | 'weekly-rest'
  | 'declined';

export interface PairCheck {
  eligible: boolean;
  reason?: IneligibilityReason;
  score?: ScoreBreakdown;
}

/** A `YYYY-MM-DD` date as a day number, and as year and month·100 + day to count full years. */
interface DateParts {
  day: number;
  year: number;
  monthDay: number;
}

/**
 * A point as the distance rules use it: degrees, radians, cosine of the latitude (written out in
 * each object literal: a spread there made compiling three times slower).
 */
interface PlaceFacts {
  lat: number;
  lon: number;
  latRad: number;
  lonRad: number;
  cosLat: number;
}

/**
 * What the rules need of a student. The student's and the offer's facts are built as plain
 * literals, place and period spelled out in each: built with spread helpers instead, the pair
 * loop ran 8x slower (eligibility 4.0 s against 0.5 s at 30,000 students), the objects no longer
 * sharing one fast shape.
 */
export interface StudentFacts extends PlaceFacts {
  diploma: number;
  specialty: number;
  school: number;
  radiusKm: number;
  /** Largest haversine term within the radius (a little over, for the trig-free pre-filter). */
  maxHaversineTerm: number;
  /** PFMP period: day numbers; the first day also as year and month·100 + day. */
  startDay: number;
  startYear: number;
  startMonthDay: number;
  endDay: number;
  weeks: number;
  birthYear: number;
  birthMonthDay: number;
  priority: number;
  /** Preferred sectors; empty: no preference. */
  sectors: readonly number[];
}

/** What the rules need of an offer and its company. */
export interface OfferFacts extends PlaceFacts {
  diplomas: readonly number[];
  specialties: readonly number[];
  /** Period, as the student's. */
  startDay: number;
  startYear: number;
  startMonthDay: number;
  endDay: number;
  /** -1: none. */
  sector: number;
  reservedForPriority: boolean;
  /** null: open to every school. */
  schools: readonly number[] | null;
  involvesRegulatedWork: boolean;
  /** Day the company declared its derogation for regulated work (NaN: none), year, month·100+day. */
  derogationDay: number;
  derogationYear: number;
  derogationMonthDay: number;
  dailyHours: number;
  weeklyHours: number;
  schedule: ScheduleFacts | null;
  /** The response-rate part of the score (the same for every student). */
  responsePart: number;
}

interface ScheduleFacts {
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

function scheduleFacts(schedule: WorkSchedule): ScheduleFacts {
  let days = 0;
  for (const d of schedule.days) days |= 1 << WEEKDAYS.indexOf(d);
  return {
    start: minutesOfDay(schedule.start),
    end: minutesOfDay(schedule.end),
    breakMinutes: schedule.breakMinutes ?? 0,
    days,
  };
}

/**
 * Compiles students and offers into facts for one set of score weights. Strings are interned
 * per context: facts of different contexts must not be mixed.
 */
export class FactsContext {
  private readonly ids = new Map<string, number>();
  private readonly dates = new Map<string, DateParts>();
  private readonly weightSum: number;
  /** Specialty part: [diploma only, specialty named]. */
  private readonly specialtyPart: [number, number];
  /** Sector part: [not preferred, preferred, no preference]. */
  private readonly sectorPart: [number, number, number];

  readonly weights: ScoreWeights;

  constructor(weights: ScoreWeights) {
    this.weights = { ...weights };
    this.weightSum = weights.distance + weights.specialty + weights.sector + weights.responseRate;
    this.specialtyPart = [this.part(weights.specialty, 0.5), this.part(weights.specialty, 1)];
    this.sectorPart = [
      this.part(weights.sector, 0),
      this.part(weights.sector, 1),
      this.part(weights.sector, 0.5),
    ];
  }

  student(s: Student): StudentFacts {
    const radius = Math.min(Math.PI / 2, s.mobilityRadiusKm / (2 * EARTH_RADIUS_KM));
    const start = this.date(s.pfmp.startDate);
    const birth = this.date(s.birthDate);
    return {
      diploma: this.id(s.diploma),
      specialty: this.id(s.specialty),
      school: this.id(s.schoolId),
      lat: s.location.lat,
      lon: s.location.lon,
      latRad: s.location.lat * TO_RAD,
      lonRad: s.location.lon * TO_RAD,
      cosLat: Math.cos(s.location.lat * TO_RAD),
      radiusKm: s.mobilityRadiusKm,
      // Margins far above rounding errors: the pre-filter only rejects pairs surely too far.
      maxHaversineTerm: Math.sin(radius) ** 2 * (1 + 1e-6) + 1e-16,
      startDay: start.day,
      startYear: start.year,
      startMonthDay: start.monthDay,
      endDay: this.date(s.pfmp.endDate).day,
      weeks: s.pfmp.weeks,
      birthYear: birth.year,
      birthMonthDay: birth.monthDay,
      priority: studentPriority(s),
      sectors: this.idList(s.preferredSectors),
    };
  }

  offer(o: Offer, company: Company): OfferFacts {
    const start = this.date(o.period.startDate);
    const declared = company.regulatedWorkDerogationDeclaredOn
      ? this.date(company.regulatedWorkDerogationDeclaredOn)
      : undefined;
    return {
      diplomas: this.idList(o.diplomas),
      specialties: this.idList(o.specialties),
      lat: o.location.lat,
      lon: o.location.lon,
      latRad: o.location.lat * TO_RAD,
      lonRad: o.location.lon * TO_RAD,
      cosLat: Math.cos(o.location.lat * TO_RAD),
      startDay: start.day,
      startYear: start.year,
      startMonthDay: start.monthDay,
      endDay: this.date(o.period.endDate).day,
      sector: o.sector === undefined ? -1 : this.id(o.sector),
      reservedForPriority: !!o.reservedForPriority,
      schools: o.reservedForSchoolIds?.length ? this.idList(o.reservedForSchoolIds) : null,
      involvesRegulatedWork: !!o.involvesRegulatedWork,
      derogationDay: declared ? declared.day : NaN,
      derogationYear: declared ? declared.year : 0,
      derogationMonthDay: declared ? declared.monthDay : 0,
      dailyHours: o.dailyHours,
      weeklyHours: o.weeklyHours,
      schedule: o.schedule ? scheduleFacts(o.schedule) : null,
      responsePart: this.part(this.weights.responseRate, company.responseRate ?? 0.5),
    };
  }

  /**
   * Score parts, each = floor(SCORE_MAX · weight · factor / Σweights) with factors in [0, 1]:
   * distance 1 - d/radius; specialty 1 if the offer names the student's specialty, 0.5 if only
   * the diploma; sector 1 if among the student's preferred sectors, 0 if not, 0.5 without
   * preference; responseRate the company's answer rate (0.5 if unknown). The total is their sum.
   */
  score(
    s: StudentFacts,
    o: OfferFacts,
    distanceKm: number,
    specialtyOk: boolean,
    parts?: number[],
  ): number {
    const radius = s.radiusKm;
    const distance = this.part(this.weights.distance, radius > 0 ? 1 - distanceKm / radius : 1);
    const specialty = this.specialtyPart[specialtyOk ? 1 : 0];
    const sector =
      this.sectorPart[s.sectors.length === 0 ? 2 : includes(s.sectors, o.sector) ? 1 : 0];
    if (parts) {
      parts[0] = distance;
      parts[1] = specialty;
      parts[2] = sector;
      parts[3] = o.responsePart;
    }
    return distance + specialty + sector + o.responsePart;
  }

  /**
   * The score of an eligible pair, or -1 (checking it with {@link screen}). `declined`: the
   * pair was declined before.
   */
  pairScore(s: StudentFacts, o: OfferFacts, declined: boolean): number {
    if (screen(s, o, declined, true) !== undefined) return -1;
    return this.score(s, o, screened.distanceKm, screened.specialtyOk);
  }

  /** Whether `weights` (possibly changed since) are the ones this context scores with. */
  uses(weights: ScoreWeights): boolean {
    const w = this.weights;
    return (
      w.distance === weights.distance &&
      w.specialty === weights.specialty &&
      w.sector === weights.sector &&
      w.responseRate === weights.responseRate
    );
  }

  private part(weight: number, factor: number): number {
    return Math.floor(
      (SCORE_MAX * weight * Math.max(0, Math.min(1, factor))) / this.weightSum + 1e-9,
    );
  }

  private date(value: string): DateParts {
    let parts = this.dates.get(value);
    if (parts === undefined) {
      const monthDay = +value.slice(5, 7) * 100 + +value.slice(8, 10);
      parts = { day: parseDay(value), year: +value.slice(0, 4), monthDay };
      this.dates.set(value, parts);
    }
    return parts;
  }

  private id(value: string): number {
    let id = this.ids.get(value);
    if (id === undefined) this.ids.set(value, (id = this.ids.size));
    return id;
  }

  private idList(values: string[] | undefined): number[] {
    return values ? values.map((v) => this.id(v)) : [];
  }
}

function includes(list: readonly number[], value: number): boolean {
  for (let i = 0; i < list.length; i++) if (list[i] === value) return true;
  return false;
}

/** Set by {@link screen} for an eligible pair (no allocation per pair). */
const screened = { distanceKm: 0, specialtyOk: false };

/**
 * A rule the pair breaks, or undefined if eligible (then {@link screened} holds its distance).
 * By default the first rule broken in the order declined, diploma, distance, reservations,
 * period, minors. In `bulk` mode (many pairs; only eligibility and score wanted) any broken
 * rule: the distance (the costly part) is not computed when another rule fails.
 * Callers scanning many candidates dismiss the far ones with {@link surelyBeyond} first.
 */
export function screen(
  s: StudentFacts,
  o: OfferFacts,
  declined: boolean,
  bulk = false,
): IneligibilityReason | undefined {
  if (declined) return 'declined';
  const specialtyOk = includes(o.specialties, s.specialty);
  if (!specialtyOk && !includes(o.diplomas, s.diploma)) return 'diploma';
  const other = screenPlacement(s, o);
  if (other !== undefined && bulk) return other;
  const distanceKm = haversineCosKm(s.lat, s.lon, s.cosLat, o.lat, o.lon, o.cosLat);
  if (distanceKm > s.radiusKm) return 'distance';
  if (other !== undefined) return other;
  screened.distanceKm = distanceKm;
  screened.specialtyOk = specialtyOk;
  return undefined;
}

/** The rules after the distance: reservations, period, minors. */
function screenPlacement(s: StudentFacts, o: OfferFacts): IneligibilityReason | undefined {
  if (o.reservedForPriority && s.priority === 0) return 'reserved-priority';
  if (o.schools !== null && !includes(o.schools, s.school)) return 'reserved-school';
  // Period: enough weeks of the class PFMP period inside the offer's period.
  const studentFirst = s.startDay > o.startDay;
  const first = studentFirst ? s.startDay : o.startDay;
  const last = s.endDay < o.endDay ? s.endDay : o.endDay;
  const overlapDays = last < first ? 0 : last - first + 1;
  if (overlapDays <= 0 || Math.ceil(overlapDays / 7) < s.weeks) return 'period';
  // Minors: age on the first day of the placement.
  const firstYear = studentFirst ? s.startYear : o.startYear;
  const firstMonthDay = studentFirst ? s.startMonthDay : o.startMonthDay;
  const age = yearsBetween(s.birthYear, s.birthMonthDay, firstYear, firstMonthDay);
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
function yearsBetween(fromYear: number, fromMonthDay: number, toYear: number, toMonthDay: number) {
  return toYear - fromYear - (toMonthDay < fromMonthDay ? 1 : 0);
}

/** One context per weights object (a session passes the same one every time), while unchanged. */
const contexts = new WeakMap<ScoreWeights, FactsContext>();

function contextFor(weights: ScoreWeights): FactsContext {
  let ctx = contexts.get(weights);
  if (ctx === undefined || !ctx.uses(weights))
    contexts.set(weights, (ctx = new FactsContext(weights)));
  return ctx;
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
  const ctx = contextFor(weights);
  const s = ctx.student(student);
  const o = ctx.offer(offer, company);
  const reason = screen(s, o, declined);
  if (reason) return { eligible: false, reason };
  return {
    eligible: true,
    score: breakdown(ctx, s, o, screened.distanceKm, screened.specialtyOk),
  };
}

/** Same rules as {@link checkPair}: the score total, or -1 when not eligible. */
export function pairScore(
  student: Student,
  offer: Offer,
  company: Company,
  weights: ScoreWeights,
  declined = false,
): number {
  const ctx = contextFor(weights);
  return ctx.pairScore(ctx.student(student), ctx.offer(offer, company), declined);
}

/** The score parts of a pair (see {@link FactsContext.score}), for a known distance. */
export function scorePair(
  student: Student,
  offer: Offer,
  company: Company,
  weights: ScoreWeights,
  distanceKm: number,
  specialtyOk: boolean,
): ScoreBreakdown {
  const ctx = contextFor(weights);
  return breakdown(ctx, ctx.student(student), ctx.offer(offer, company), distanceKm, specialtyOk);
}

function breakdown(
  ctx: FactsContext,
  s: StudentFacts,
  o: OfferFacts,
  distanceKm: number,
  specialtyOk: boolean,
): ScoreBreakdown {
  const parts = [0, 0, 0, 0];
  const total = ctx.score(s, o, distanceKm, specialtyOk, parts);
  return {
    total,
    distance: parts[0],
    specialty: parts[1],
    sector: parts[2],
    responseRate: parts[3],
    distanceKm: Math.round(distanceKm * 100) / 100,
  };
}

const CELL_KEY_ROWS = 1000;
const CELL_KEY_COLS = 2000;

/** Key of a grid cell: increasing with the row, then with the column. */
export function cellKey(y: number, x: number): number {
  return (y + CELL_KEY_ROWS) * 4096 + (x + CELL_KEY_COLS);
}

/**
 * The grid cells (of `cellDeg` degrees) that can hold points within a radius of a centre: the
 * rows of a box around the circle and, in each row, only the columns that the circle reaches
 * in that band of latitude. Never wider than the box (its bounds, kept as they always were,
 * define which pairs are found).
 */
export class CircleCells {
  y0 = 0;
  y1 = -1;
  /** Columns of row y0 + k: from[k] .. to[k] (none if from[k] > to[k]). */
  from = new Int32Array(16);
  to = new Int32Array(16);

  constructor(private readonly cellDeg: number) {}

  cover(lat: number, lon: number, radiusKm: number): void {
    const c = this.cellDeg;
    const dLat = radiusKm / 110.574;
    const cos = Math.max(0.01, Math.cos((lat * Math.PI) / 180));
    const dLon = Math.min(180, radiusKm / (111.32 * cos));
    this.y0 = Math.floor((lat - dLat) / c);
    this.y1 = Math.floor((lat + dLat) / c);
    const x0 = Math.floor((lon - dLon) / c);
    const x1 = Math.floor((lon + dLon) / c);
    const rows = this.y1 - this.y0 + 1;
    if (rows > this.from.length) {
      this.from = new Int32Array(2 * rows);
      this.to = new Int32Array(2 * rows);
    }
    // A point of the band at latitude gap g and longitude gap l has haversine term
    // >= hav(g_min) + cos(lat)·cos_min(band)·hav(l): bound l where that exceeds the radius's.
    const maxTerm =
      Math.sin(Math.min(Math.PI / 2, radiusKm / (2 * EARTH_RADIUS_KM))) ** 2 * (1 + 1e-6) + 1e-16;
    const cosLat = Math.cos(lat * TO_RAD);
    for (let k = 0; k < rows; k++) {
      const south = (this.y0 + k) * c;
      const north = south + c;
      const gap = lat < south ? south - lat : lat > north ? lat - north : 0;
      const latTerm = Math.sin((gap * TO_RAD) / 2) ** 2;
      const lonTerm =
        (maxTerm - latTerm) /
        (cosLat * Math.max(0, Math.min(Math.cos(south * TO_RAD), Math.cos(north * TO_RAD))));
      if (latTerm > maxTerm) {
        this.from[k] = 1;
        this.to[k] = 0;
      } else if (!(lonTerm < 1)) {
        this.from[k] = x0;
        this.to[k] = x1;
      } else {
        const reach = ((2 * Math.asin(Math.sqrt(lonTerm))) / TO_RAD) * (1 + 1e-9) + 1e-9;
        this.from[k] = Math.max(x0, Math.floor((lon - reach) / c));
        this.to[k] = Math.min(x1, Math.floor((lon + reach) / c));
      }
    }
  }
}

/** Spatial index of points on a lat/lon grid, to find the points within a radius quickly. */
export class GeoGrid {
  private readonly cells = new Map<number, number[]>();
  private readonly circle: CircleCells;
  constructor(
    points: { lat: number; lon: number }[],
    private readonly cellDeg = 0.25,
  ) {
    this.circle = new CircleCells(cellDeg);
    points.forEach((p, i) => this.insert(i, p));
  }

  insert(index: number, p: { lat: number; lon: number }): void {
    const key = cellKey(Math.floor(p.lat / this.cellDeg), Math.floor(p.lon / this.cellDeg));
    const cell = this.cells.get(key);
    if (cell) cell.push(index);
    else this.cells.set(key, [index]);
  }

  /** Calls `visit` for every point index in the cells that intersect the circle (a superset). */
  forEachNear(lat: number, lon: number, radiusKm: number, visit: (index: number) => void): void {
    const circle = this.circle;
    circle.cover(lat, lon, radiusKm);
    for (let y = circle.y0; y <= circle.y1; y++) {
      for (let x = circle.from[y - circle.y0]; x <= circle.to[y - circle.y0]; x++) {
        const cell = this.cells.get(cellKey(y, x));
        if (cell) for (let i = 0; i < cell.length; i++) visit(cell[i]);
      }
    }
  }
}

import type { DateRange, MatchingInstance, Weekday, WorkSchedule } from './types';

export interface InputIssue {
  /** Path of the offending field, e.g. `offers[3].freeSeats`. */
  field: string;
  message: string;
}

/** Raised for bad input; no assignment is computed from an invalid instance. */
export class InvalidInstanceError extends Error {
  readonly field: string;
  constructor(readonly issues: InputIssue[]) {
    super(`invalid matching instance: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`);
    this.name = 'InvalidInstanceError';
    this.field = issues[0]?.field ?? '';
  }
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

const dayCache = new Map<string, number>();

/** Day number (days since 1970-01-01, UTC) of a `YYYY-MM-DD` date; NaN when invalid. */
export function parseDay(value: string): number {
  let day = dayCache.get(value);
  if (day === undefined) {
    day = Date.parse(`${value}T00:00:00Z`) / 86_400_000;
    if (dayCache.size > 100_000) dayCache.clear();
    dayCache.set(value, day);
  }
  return day;
}

export const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

const TIME = /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/;

/** Minutes after midnight of a valid `HH:MM` time. */
export function minutesOfDay(time: string): number {
  return +time.slice(0, 2) * 60 + +time.slice(3, 5);
}

interface IdSet {
  has(id: string): boolean;
}

/** How to read an instance that is a change to a session (see MatchingSession.update). */
export interface ValidationScope {
  /** Ids the instance may refer to besides its own: the session's. */
  known: { companyIds: IdSet; offerIds: IdSet; studentIds: IdSet };
  /** Names of the lists in the error fields, e.g. `upsertOffers` for `offers`. */
  lists: { students: string; offers: string; companies: string; declinedPairs: string };
}

/** Checks an instance and throws {@link InvalidInstanceError} listing every bad field. */
export function validateInstance(instance: MatchingInstance, scope?: ValidationScope): void {
  const list = scope?.lists ?? {
    students: 'students',
    offers: 'offers',
    companies: 'companies',
    declinedPairs: 'declinedPairs',
  };
  const issues: InputIssue[] = [];
  const add = (field: string, message: string) => issues.push({ field, message });
  const isObject = (v: unknown) => typeof v === 'object' && v !== null;
  if (!isObject(instance))
    throw new InvalidInstanceError([{ field: '', message: 'must be an object' }]);
  for (const key of ['students', 'offers', 'companies'] as const) {
    if (!Array.isArray(instance[key])) add(key, 'must be an array');
  }
  if (issues.length) throw new InvalidInstanceError(issues);

  const str = (v: unknown, field: string) => {
    if (typeof v !== 'string' || v.length === 0) add(field, 'must be a non-empty string');
  };
  const num = (v: unknown, field: string, min: number, max: number, integer = false) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) add(field, 'must be a finite number');
    else if (integer && !Number.isInteger(v)) add(field, 'must be an integer');
    else if (v < min || v > max) add(field, `must be between ${min} and ${max} (got ${v})`);
  };
  const date = (v: unknown, field: string) => {
    if (typeof v !== 'string' || !DATE.test(v) || Number.isNaN(parseDay(v)))
      add(field, 'must be a date YYYY-MM-DD');
  };
  const range = (v: DateRange | undefined, field: string) => {
    if (!isObject(v)) return add(field, 'must be an object with startDate and endDate');
    date(v!.startDate, `${field}.startDate`);
    date(v!.endDate, `${field}.endDate`);
    if (
      DATE.test(String(v!.startDate)) &&
      DATE.test(String(v!.endDate)) &&
      parseDay(v!.endDate) < parseDay(v!.startDate)
    )
      add(field, `endDate ${v!.endDate} is before startDate ${v!.startDate}`);
  };
  const point = (v: { lat: number; lon: number } | undefined, field: string) => {
    if (!isObject(v)) return add(field, 'must be an object with lat and lon');
    num(v!.lat, `${field}.lat`, -90, 90);
    num(v!.lon, `${field}.lon`, -180, 180);
  };
  const strings = (v: unknown, field: string) => {
    if (v === undefined) return;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))
      add(field, 'must be an array of strings');
  };
  const unique = (ids: string[], field: string) => {
    const seen = new Set<string>();
    ids.forEach((id, i) => {
      if (seen.has(id)) add(`${field}[${i}].id`, `duplicate id '${id}'`);
      seen.add(id);
    });
    return seen;
  };

  const schedule = (v: WorkSchedule, field: string, dailyHours: unknown) => {
    if (!isObject(v)) return add(field, 'must be an object with start, end and days');
    const time = (t: unknown, f: string) => {
      if (typeof t === 'string' && TIME.test(t)) return minutesOfDay(t);
      add(f, 'must be a time HH:MM between 00:00 and 24:00');
      return NaN;
    };
    const start = time(v.start, `${field}.start`);
    const end = time(v.end, `${field}.end`);
    if (start >= end)
      add(`${field}.end`, `end ${v.end} is not after start ${v.start} (no day across midnight)`);
    if (!Array.isArray(v.days) || v.days.length === 0)
      add(`${field}.days`, `must list the working days among ${WEEKDAYS.join(', ')}`);
    else
      v.days.forEach((d, k) => {
        if (!WEEKDAYS.includes(d)) add(`${field}.days[${k}]`, `unknown day '${d}'`);
        else if (v.days.indexOf(d) < k) add(`${field}.days[${k}]`, `day '${d}' given twice`);
      });
    const pause = v.breakMinutes ?? 0;
    if (v.breakMinutes !== undefined) num(pause, `${field}.breakMinutes`, 0, 1440, true);
    if (!(start < end) || !Number.isInteger(pause) || pause < 0) return;
    if (pause >= end - start)
      return add(`${field}.breakMinutes`, `must be shorter than the day (${end - start} minutes)`);
    const worked = end - start - pause;
    if (typeof dailyHours === 'number' && worked > dailyHours * 60 + 1e-9)
      add(
        field,
        `${v.start}–${v.end} less a ${pause}-minute break is ${worked / 60} h of work, more than dailyHours (${dailyHours})`,
      );
  };

  instance.companies.forEach((c, i) => {
    const f = `${list.companies}[${i}]`;
    str(c?.id, `${f}.id`);
    if (c?.monthlyProposalCap !== undefined)
      num(c.monthlyProposalCap, `${f}.monthlyProposalCap`, 0, 1e9, true);
    if (c?.proposalsThisMonth !== undefined)
      num(c.proposalsThisMonth, `${f}.proposalsThisMonth`, 0, 1e9, true);
    if (c?.responseRate !== undefined) num(c.responseRate, `${f}.responseRate`, 0, 1);
    if (c?.regulatedWorkDerogationDeclaredOn !== undefined)
      date(c.regulatedWorkDerogationDeclaredOn, `${f}.regulatedWorkDerogationDeclaredOn`);
  });
  const companyIds = unique(
    instance.companies.map((c) => c?.id),
    list.companies,
  );

  instance.offers.forEach((o, i) => {
    const f = `${list.offers}[${i}]`;
    str(o?.id, `${f}.id`);
    if (!isObject(o)) return;
    str(o.companyId, `${f}.companyId`);
    if (
      typeof o.companyId === 'string' &&
      !companyIds.has(o.companyId) &&
      !scope?.known.companyIds.has(o.companyId)
    )
      add(`${f}.companyId`, `unknown company '${o.companyId}'`);
    num(o.freeSeats, `${f}.freeSeats`, 0, 1e6, true);
    strings(o.diplomas, `${f}.diplomas`);
    strings(o.specialties, `${f}.specialties`);
    strings(o.reservedForSchoolIds, `${f}.reservedForSchoolIds`);
    if (!o.diplomas?.length && !o.specialties?.length)
      add(f, 'must accept at least one diploma or specialty');
    range(o.period, `${f}.period`);
    point(o.location, `${f}.location`);
    num(o.dailyHours, `${f}.dailyHours`, 0.5, 24);
    num(o.weeklyHours, `${f}.weeklyHours`, 0.5, 168);
    if (o.schedule !== undefined) schedule(o.schedule, `${f}.schedule`, o.dailyHours);
  });
  const offerIds = unique(
    instance.offers.map((o) => o?.id),
    list.offers,
  );

  instance.students.forEach((s, i) => {
    const f = `${list.students}[${i}]`;
    str(s?.id, `${f}.id`);
    if (!isObject(s)) return;
    str(s.schoolId, `${f}.schoolId`);
    str(s.diploma, `${f}.diploma`);
    str(s.specialty, `${f}.specialty`);
    date(s.birthDate, `${f}.birthDate`);
    point(s.location, `${f}.location`);
    num(s.mobilityRadiusKm, `${f}.mobilityRadiusKm`, 0, 20_000);
    range(s.pfmp, `${f}.pfmp`);
    if (isObject(s.pfmp)) num(s.pfmp.weeks, `${f}.pfmp.weeks`, 1, 60, true);
    if (typeof s.hasProfessionalNetwork !== 'boolean')
      add(`${f}.hasProfessionalNetwork`, 'must be a boolean');
    strings(s.priorityFlags, `${f}.priorityFlags`);
    strings(s.preferredSectors, `${f}.preferredSectors`);
  });
  const studentIds = unique(
    instance.students.map((s) => s?.id),
    list.students,
  );

  (instance.declinedPairs ?? []).forEach((p, i) => {
    const f = `${list.declinedPairs}[${i}]`;
    if (!studentIds.has(p?.studentId) && !scope?.known.studentIds.has(p?.studentId))
      add(`${f}.studentId`, `unknown student '${p?.studentId}'`);
    if (!offerIds.has(p?.offerId) && !scope?.known.offerIds.has(p?.offerId))
      add(`${f}.offerId`, `unknown offer '${p?.offerId}'`);
  });
  if (instance.weights !== undefined) {
    const w = instance.weights;
    let sum = 0;
    for (const [k, v] of Object.entries(w)) {
      if (!['distance', 'specialty', 'sector', 'responseRate'].includes(k))
        add(`weights.${k}`, 'unknown weight');
      else num(v, `weights.${k}`, 0, 1e6);
      if (typeof v === 'number') sum += v;
    }
    if (Object.keys(w).length === 4 && sum <= 0)
      add('weights', 'at least one weight must be positive');
  }
  if (issues.length) throw new InvalidInstanceError(issues);
}

/**
 * Input and output types of the matching engine. Dates are ISO `YYYY-MM-DD` strings,
 * coordinates are WGS84 degrees, distances kilometres.
 */

export interface GeoPoint {
  lat: number;
  lon: number;
}

export interface DateRange {
  /** First day, `YYYY-MM-DD`. */
  startDate: string;
  /** Last day (inclusive), `YYYY-MM-DD`, not before `startDate`. */
  endDate: string;
}

export interface Student {
  id: string;
  /** Academy code (e.g. "16" for Toulouse); used to solve academy by academy. */
  academy?: string;
  /**
   * The school's id (the UUID of SchoolRegistered; opaque to the engine), used for offers
   * reserved to named schools.
   */
  schoolId: string;
  /** Code diplôme (CFD), e.g. "40025214". */
  diploma: string;
  /** Specialty / famille de métiers label or code. */
  specialty: string;
  birthDate: string;
  location: GeoPoint;
  mobilityRadiusKm: number;
  /** The class PFMP period and the number of weeks the student must do in it. */
  pfmp: DateRange & { weeks: number };
  /** A student with a professional network (family, contacts) has lower priority for scarce seats. */
  hasProfessionalNetwork: boolean;
  /**
   * Other priority flags (e.g. "priority-education", "scholarship"); any flag raises the priority
   * by one level.
   */
  priorityFlags?: string[];
  /** Preferred sectors (NAF codes or labels), matched against the offer's sector. */
  preferredSectors?: string[];
}

/** A day of the week, as in a working schedule. */
export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

/**
 * When the student works, e.g. `{ start: "09:00", end: "17:00", breakMinutes: 60, days: ["mon",
 * "tue", "wed", "thu", "fri"] }`. Every working day lies within `start`–`end` (for days of
 * different lengths, give the widest hours); the working time of a day is `end - start -
 * breakMinutes` and must not exceed the offer's `dailyHours`.
 */
export interface WorkSchedule {
  /** Time the working day starts, `HH:MM` (24-hour clock). */
  start: string;
  /** Time it ends, `HH:MM`, later than `start` on the same day (`24:00` at the latest). */
  end: string;
  /** Length of the break(s) taken during the day, in minutes (default 0). */
  breakMinutes?: number;
  /** Working days (at least one, no repeats). */
  days: Weekday[];
}

export interface Offer {
  id: string;
  companyId: string;
  /**
   * Seats still free for this run (>= 0, integer): the offer's seats less those already held by
   * placements and open proposals.
   */
  freeSeats: number;
  /** Accepted diplomas (CFD codes); the offer accepts a student whose diploma OR specialty is listed. */
  diplomas?: string[];
  specialties?: string[];
  /** When the company can host. */
  period: DateRange;
  location: GeoPoint;
  sector?: string;
  /** Only students with priority (no professional network or a priority flag). */
  reservedForPriority?: boolean;
  /** Only students of these schools (their `schoolId`). */
  reservedForSchoolIds?: string[];
  /** Involves regulated work by minors ("travaux réglementés"). */
  involvesRegulatedWork?: boolean;
  dailyHours: number;
  weeklyHours: number;
  /** Working hours and days; when given, minors' rules on hours, rest and breaks are checked. */
  schedule?: WorkSchedule;
}

export interface Company {
  id: string;
  /** Maximum proposals per month; absent = no cap. */
  monthlyProposalCap?: number;
  /** Proposals already sent this month (counted against the cap). */
  proposalsThisMonth?: number;
  /** Share of proposals the company answers, 0..1 (absent = 0.5). */
  responseRate?: number;
  /** Date the derogation for regulated work by minors was declared (valid 3 years). */
  regulatedWorkDerogationDeclaredOn?: string;
}

/** Relative weights of the score parts (>= 0, not all 0). An academy can configure them. */
export interface ScoreWeights {
  distance: number;
  specialty: number;
  sector: number;
  responseRate: number;
}

export interface MatchingInstance {
  students: Student[];
  offers: Offer[];
  companies: Company[];
  /** Pairs already declined: never proposed again. */
  declinedPairs?: { studentId: string; offerId: string }[];
  weights?: Partial<ScoreWeights>;
}

/** Score parts in points; they add up to `total` (0..1000). */
export interface ScoreBreakdown {
  total: number;
  distance: number;
  specialty: number;
  sector: number;
  responseRate: number;
  distanceKm: number;
}

export interface Assignment {
  studentId: string;
  offerId: string;
  companyId: string;
  priority: number;
  score: ScoreBreakdown;
}

export interface MatchingObjective {
  /** Students placed (first criterion). */
  placed: number;
  /** Sum of the priority levels of placed students (second criterion). */
  prioritySum: number;
  /** Sum of the scores of the assignments (third criterion). */
  scoreSum: number;
  /** The three criteria as one integer: placed·placedWeight + prioritySum·priorityWeight + scoreSum. */
  value: number;
  placedWeight: number;
  priorityWeight: number;
}

export interface MatchingResult {
  assignments: Assignment[];
  /** Students left without a placement, with the number of offers they were eligible for. */
  unplaced: { studentId: string; priority: number; eligibleOffers: number }[];
  objective: MatchingObjective;
  counts: {
    students: number;
    offers: number;
    /** Sum of the offers' `freeSeats`. */
    freeSeats: number;
    eligiblePairs: number;
    placed: number;
    unplaced: number;
  };
  timings: { eligibilityMs: number; solveMs: number; totalMs: number };
  /** True when the solve reused the previous solution (incremental). */
  incremental: boolean;
}

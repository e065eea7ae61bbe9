/**
 * The score of an eligible pair (0–SCORE_MAX, integer) and its parts, for one set of weights:
 * each part is floor(SCORE_MAX · weight · factor / Σ weights) with its factor in [0, 1].
 */
import { SCORE_MAX } from './problem';
import type { ScoreBreakdown, ScoreWeights } from './types';

export const DEFAULT_WEIGHTS: ScoreWeights = {
  distance: 3,
  specialty: 3,
  sector: 2,
  responseRate: 2,
};

/** What the score reads of a student (its facts, facts.ts). */
export interface ScoredStudent {
  radiusKm: number;
  /** Preferred sectors; empty: no preference. */
  sectors: readonly number[];
}

/** What the score reads of an offer: its sector (-1: none) and its company's response part. */
export interface ScoredOffer {
  sector: number;
  responsePart: number;
}

export function includes(list: readonly number[], value: number): boolean {
  for (let i = 0; i < list.length; i++) if (list[i] === value) return true;
  return false;
}

/** The parts that depend on the weights only, computed once. */
export class ScoreTable {
  private readonly weightSum: number;
  /** Specialty part: [diploma only, specialty named]. */
  private readonly specialtyPart: [number, number];
  /** Sector part: [not preferred, preferred, no preference]. */
  private readonly sectorPart: [number, number, number];

  constructor(readonly weights: ScoreWeights) {
    this.weightSum = weights.distance + weights.specialty + weights.sector + weights.responseRate;
    this.specialtyPart = [this.part(weights.specialty, 0.5), this.part(weights.specialty, 1)];
    this.sectorPart = [
      this.part(weights.sector, 0),
      this.part(weights.sector, 1),
      this.part(weights.sector, 0.5),
    ];
  }

  /** The response-rate part of an offer's company (0.5 when unknown). */
  responsePart(responseRate: number | undefined): number {
    return this.part(this.weights.responseRate, responseRate ?? 0.5);
  }

  /**
   * Score parts, each = floor(SCORE_MAX · weight · factor / Σweights) with factors in [0, 1]:
   * distance 1 - d/radius; specialty 1 if the offer names the student's specialty, 0.5 if only
   * the diploma; sector 1 if among the student's preferred sectors, 0 if not, 0.5 without
   * preference; responseRate the company's answer rate (0.5 if unknown). The total is their sum.
   */
  score(
    s: ScoredStudent,
    o: ScoredOffer,
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

  part(weight: number, factor: number): number {
    return Math.floor(
      (SCORE_MAX * weight * Math.max(0, Math.min(1, factor))) / this.weightSum + 1e-9,
    );
  }
}

export function breakdown(
  table: ScoreTable,
  s: ScoredStudent,
  o: ScoredOffer,
  distanceKm: number,
  specialtyOk: boolean,
): ScoreBreakdown {
  const parts = [0, 0, 0, 0];
  const total = table.score(s, o, distanceKm, specialtyOk, parts);
  return {
    total,
    distance: parts[0],
    specialty: parts[1],
    sector: parts[2],
    responseRate: parts[3],
    distanceKm: Math.round(distanceKm * 100) / 100,
  };
}

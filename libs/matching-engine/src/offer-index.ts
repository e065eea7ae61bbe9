/**
 * Offers indexed to find the eligible pairs of many students: one list per diploma and one per
 * specialty, each bucketed by 0.25° cells sorted by cell key, so that a row of cells of a
 * student's search box is one contiguous run of offers (two binary searches, no hashing).
 *
 * Candidates come in the order of the former scan (one GeoGrid per list): the diploma's list,
 * then the specialty's; cells row by row, west to east; offers in input order. The solver sees
 * that order as edge order and breaks ties by it, so it is kept.
 */
import { scoreIfEligible } from './eligibility';
import type { FactsContext, OfferFacts, StudentFacts } from './facts';
import { CircleCells, cellKey, surelyBeyond } from './geography';

const CELL_DEG = 0.25;
/** Sort keys are cell · OFFER_SPAN + offer index: exact in a double for up to 2^26 offers. */
const OFFER_SPAN = 2 ** 26;

/** The list of `value` in `lists`, created (numbered after all lists of both kinds) if new. */
function listOf(lists: Map<number, number>, value: number, other: Map<number, number>): number {
  let l = lists.get(value);
  if (l === undefined) lists.set(value, (l = lists.size + other.size));
  return l;
}

export class OfferIndex {
  private readonly diplomaList = new Map<number, number>();
  private readonly specialtyList = new Map<number, number>();
  /** List l owns cells listStart[l] .. listStart[l + 1] - 1. */
  private readonly listStart: Int32Array;
  private readonly cellKeys: Int32Array;
  /** Cell c holds members cellStart[c] .. cellStart[c + 1] - 1 (offer indices). */
  private readonly cellStart: Int32Array;
  private readonly members: Int32Array;
  /** Members' coordinates side by side, so that far candidates are dismissed reading only these. */
  private readonly memberLatRad: Float64Array;
  private readonly memberLonRad: Float64Array;
  private readonly memberCosLat: Float64Array;
  /** Offer last seen for the current student (an offer can be in both of its lists). */
  private readonly seen: Int32Array;
  private student = 0;
  private readonly circle = new CircleCells(CELL_DEG);

  /** `ids` and `offers` are parallel: offer i has id ids[i] and facts offers[i]. */
  constructor(
    private readonly ctx: FactsContext,
    private readonly ids: string[],
    private readonly offers: OfferFacts[],
  ) {
    // Entries (list, offer): an offer is in the list of each of its diplomas and specialties.
    let entries = 0;
    for (const o of offers) entries += o.diplomas.length + o.specialties.length;
    const entryList = new Int32Array(entries);
    const entryOffer = new Int32Array(entries);
    const offerCell = new Int32Array(offers.length);
    let e = 0;
    offers.forEach((o, i) => {
      offerCell[i] = cellKey(Math.floor(o.lat / CELL_DEG), Math.floor(o.lon / CELL_DEG));
      for (const d of o.diplomas) {
        entryList[e] = listOf(this.diplomaList, d, this.specialtyList);
        entryOffer[e++] = i;
      }
      for (const sp of o.specialties) {
        entryList[e] = listOf(this.specialtyList, sp, this.diplomaList);
        entryOffer[e++] = i;
      }
    });
    // Counting sort by list, then each list's entries sorted by (cell, offer) as one number
    // (cell keys of real coordinates are positive and below 2^24).
    const lists = this.diplomaList.size + this.specialtyList.size;
    const listEntry = new Int32Array(lists + 1);
    for (let k = 0; k < entries; k++) listEntry[entryList[k] + 1]++;
    for (let l = 0; l < lists; l++) listEntry[l + 1] += listEntry[l];
    const fill = listEntry.slice(0, lists);
    const sortKey = new Float64Array(entries);
    for (let k = 0; k < entries; k++)
      sortKey[fill[entryList[k]]++] = offerCell[entryOffer[k]] * OFFER_SPAN + entryOffer[k];
    for (let l = 0; l < lists; l++) sortKey.subarray(listEntry[l], listEntry[l + 1]).sort();
    this.members = new Int32Array(entries);
    const cellKeys = new Int32Array(entries);
    const cellStart = new Int32Array(entries + 1);
    this.listStart = new Int32Array(lists + 1);
    let cells = 0;
    for (let l = 0; l < lists; l++) {
      this.listStart[l] = cells;
      for (let m = listEntry[l]; m < listEntry[l + 1]; m++) {
        const cell = Math.floor(sortKey[m] / OFFER_SPAN);
        this.members[m] = sortKey[m] - cell * OFFER_SPAN;
        if (m === listEntry[l] || cell !== cellKeys[cells - 1]) {
          cellKeys[cells] = cell;
          cellStart[cells++] = m;
        }
      }
    }
    this.listStart[lists] = cells;
    cellStart[cells] = entries;
    this.cellKeys = cellKeys.slice(0, cells);
    this.cellStart = cellStart.slice(0, cells + 1);
    this.memberLatRad = new Float64Array(entries);
    this.memberLonRad = new Float64Array(entries);
    this.memberCosLat = new Float64Array(entries);
    for (let m = 0; m < entries; m++) {
      const o = offers[this.members[m]];
      this.memberLatRad[m] = o.latRad;
      this.memberLonRad[m] = o.lonRad;
      this.memberCosLat[m] = o.cosLat;
    }
    this.seen = new Int32Array(offers.length);
  }

  get size(): number {
    return this.offers.length;
  }

  /**
   * Writes the student's eligible offers (indices) and their scores into `outOffers` and
   * `outScores` (each at least {@link size} long); returns how many. `declined`: ids of the
   * offers the student declined.
   */
  pairsOf(
    s: StudentFacts,
    declined: Set<string> | undefined,
    outOffers: Int32Array,
    outScores: Int32Array,
  ): number {
    const { cellKeys, cellStart, members, seen, offers, ctx, circle } = this;
    const { memberLatRad, memberLonRad, memberCosLat } = this;
    const stamp = ++this.student;
    circle.cover(s.lat, s.lon, s.radiusKm);
    let n = 0;
    for (let pass = 0; pass < 2; pass++) {
      const l = pass === 0 ? this.diplomaList.get(s.diploma) : this.specialtyList.get(s.specialty);
      if (l === undefined) continue;
      const c0 = this.listStart[l];
      const c1 = this.listStart[l + 1];
      for (let y = circle.y0; y <= circle.y1; y++) {
        const from = circle.from[y - circle.y0];
        const to = circle.to[y - circle.y0];
        if (from > to) continue;
        const lo = lowerBound(cellKeys, c0, c1, cellKey(y, from));
        const hi = lowerBound(cellKeys, lo, c1, cellKey(y, to) + 1);
        for (let m = cellStart[lo]; m < cellStart[hi]; m++) {
          const i = members[m];
          if (seen[i] === stamp) continue;
          seen[i] = stamp;
          if (surelyBeyond(s, memberLatRad[m], memberLonRad[m], memberCosLat[m])) continue;
          const score = scoreIfEligible(
            ctx,
            s,
            offers[i],
            declined !== undefined && declined.has(this.ids[i]),
          );
          if (score < 0) continue;
          outOffers[n] = i;
          outScores[n++] = score;
        }
      }
    }
    return n;
  }
}

/** First index in [lo, hi) whose key is >= `key` (hi if none). */
function lowerBound(keys: Int32Array, lo: number, hi: number, key: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid] < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

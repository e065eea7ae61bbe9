/**
 * Geography: great-circle distances, the trig-free pre-filter of far pairs, and the grid cells
 * a search circle reaches (used by the offer index and by the session's student grid).
 */

/**
 * A point as the distance rules use it: degrees, radians, cosine of the latitude (written out in
 * each object literal: a spread there made compiling three times slower).
 */
export interface PlaceFacts {
  lat: number;
  lon: number;
  latRad: number;
  lonRad: number;
  cosLat: number;
}

/** A student's search circle as the pre-filter reads it. */
export interface SearchCircle extends PlaceFacts {
  /** Largest haversine term within the radius (a little over). */
  maxHaversineTerm: number;
}

export const EARTH_RADIUS_KM = 6371.0088;
export const TO_RAD = Math.PI / 180;

export function haversineKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  return haversineCosKm(lat1, lon1, Math.cos(lat1 * TO_RAD), lat2, lon2, Math.cos(lat2 * TO_RAD));
}

/** Haversine with the cosines of both latitudes given (computed once per point). */
export function haversineCosKm(
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
  s: SearchCircle,
  latRad: number,
  lonRad: number,
  cosLat: number,
): boolean {
  const hLat = sinLowerBound(Math.abs(latRad - s.latRad) / 2);
  const hLon = sinLowerBound(Math.abs(lonRad - s.lonRad) / 2);
  return hLat * hLat + s.cosLat * cosLat * hLon * hLon > s.maxHaversineTerm;
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

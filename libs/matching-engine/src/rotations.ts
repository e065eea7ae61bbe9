/**
 * Speed-dating rotations: for a meetup with `slots` time slots and company tables (one student
 * per table per slot), choose which student meets which table, then place every meeting in a
 * slot so that nobody (student or table) has two meetings at once.
 *
 * 1. Choice of meetings: a min-cost flow source → student → table → sink where a meeting is
 *    only possible if the table fits one of the student's specialties. Costs, in lexicographic
 *    order: as many meetings as possible; then spread among students (the k-th meeting of a
 *    student costs k — convex, so the least served are served first); then spread the load
 *    among tables the same way.
 * 2. Slots: each student has at most `slots` meetings and each table at most `slots`, so by
 *    König's theorem the bipartite meeting graph can be edge-coloured with `slots` colours;
 *    a colour is a slot. Colouring by alternating-path swaps.
 */
import { solveCostScaling } from './flow/cost-scaling';
import { FlowNetworkBuilder } from './flow/flow-network';

export interface RotationInput {
  slots: number;
  tables: { id: string; companyId?: string; specialties: string[] }[];
  students: { id: string; specialties: string[] }[];
  /** At most this many meetings per student (default: slots). */
  maxMeetingsPerStudent?: number;
}

export interface RotationMeeting {
  /** 0-based slot. */
  slot: number;
  tableId: string;
  studentId: string;
}

export interface RotationResult {
  meetings: RotationMeeting[];
  meetingsPerStudent: Record<string, number>;
  meetingsPerTable: Record<string, number>;
  /** Fitting student–table pairs that could not be scheduled. */
  unmetFits: number;
}

export function buildRotations(input: RotationInput): RotationResult {
  const T = input.slots;
  if (!Number.isInteger(T) || T < 1 || T > 1000)
    throw new RangeError('slots: must be an integer between 1 and 1000');
  const ids = new Set<string>();
  input.tables.forEach((t, i) => {
    if (typeof t.id !== 'string' || !t.id)
      throw new RangeError(`tables[${i}].id: must be a non-empty string`);
    if (ids.has(`t:${t.id}`)) throw new RangeError(`tables[${i}].id: duplicate id '${t.id}'`);
    ids.add(`t:${t.id}`);
  });
  input.students.forEach((s, i) => {
    if (typeof s.id !== 'string' || !s.id)
      throw new RangeError(`students[${i}].id: must be a non-empty string`);
    if (ids.has(`s:${s.id}`)) throw new RangeError(`students[${i}].id: duplicate id '${s.id}'`);
    ids.add(`s:${s.id}`);
  });
  const perStudent = Math.min(T, input.maxMeetingsPerStudent ?? T);
  const nS = input.students.length;
  const nT = input.tables.length;
  const fits: [number, number][] = [];
  input.students.forEach((s, i) => {
    const spec = new Set(s.specialties);
    input.tables.forEach((t, j) => {
      if (t.specialties.some((x) => spec.has(x))) fits.push([i, j]);
    });
  });
  // Lexicographic weights (see the module comment); a residual cycle crosses the bypass at most once.
  const tableWeight = 1;
  const studentWeight = 2 * T * (nT + 1) * tableWeight + 1;
  const meetingWeight = 2 * T * (nS + 1) * studentWeight + 2 * T * (nT + 1) + 1;
  const source = nS + nT;
  const sink = source + 1;
  const b = new FlowNetworkBuilder(sink + 1, nS * perStudent + fits.length + nT * T + 1);
  for (let s = 0; s < nS; s++)
    for (let k = 0; k < perStudent; k++) b.addArc(source, s, 1, -meetingWeight + k * studentWeight);
  const fitArc = fits.map(([s, t]) => b.addArc(s, nS + t, 1, 0));
  for (let t = 0; t < nT; t++)
    for (let k = 0; k < T; k++) b.addArc(nS + t, sink, 1, k * tableWeight);
  const supply = nS * perStudent;
  b.addArc(source, sink, supply, 0);
  const net = b.build();
  const excess = new Int32Array(sink + 1);
  excess[source] = supply;
  excess[sink] = -supply;
  solveCostScaling(net, excess);
  const chosen = fits.filter((_, i) => net.flow(fitArc[i]) > 0);

  // Edge colouring: slotOfStudent[s*T+c] = table meeting s in slot c (or -1), same for tables.
  const atStudent = new Int32Array(nS * T).fill(-1);
  const atTable = new Int32Array(nT * T).fill(-1);
  const freeAt = (arr: Int32Array, v: number) => {
    for (let c = 0; c < T; c++) if (arr[v * T + c] < 0) return c;
    throw new Error('rotation: degree above the number of slots');
  };
  for (const [s, t] of chosen) {
    const a = freeAt(atStudent, s);
    if (atTable[t * T + a] >= 0) {
      const bColor = freeAt(atTable, t);
      // Swap colours a and bColor along the alternating path that starts at table t with colour a.
      const path: [number, number, number][] = []; // [student, table, colour]
      let tableNode = t;
      let color = a;
      for (;;) {
        const st = atTable[tableNode * T + color];
        if (st < 0) break;
        path.push([st, tableNode, color]);
        const other = color === a ? bColor : a;
        const nextTable = atStudent[st * T + other];
        if (nextTable < 0) break;
        path.push([st, nextTable, other]);
        tableNode = nextTable; // tables are left by colour a, students by colour bColor
        color = a;
      }
      for (const [st, tb, c] of path) {
        atStudent[st * T + c] = -1;
        atTable[tb * T + c] = -1;
      }
      for (const [st, tb, c] of path) {
        const nc = c === a ? bColor : a;
        atStudent[st * T + nc] = tb;
        atTable[tb * T + nc] = st;
      }
    }
    atStudent[s * T + a] = t;
    atTable[t * T + a] = s;
  }
  const meetings: RotationMeeting[] = [];
  const meetingsPerStudent: Record<string, number> = {};
  const meetingsPerTable: Record<string, number> = {};
  for (const s of input.students) meetingsPerStudent[s.id] = 0;
  for (const t of input.tables) meetingsPerTable[t.id] = 0;
  for (let s = 0; s < nS; s++) {
    for (let c = 0; c < T; c++) {
      const t = atStudent[s * T + c];
      if (t < 0) continue;
      meetings.push({ slot: c, tableId: input.tables[t].id, studentId: input.students[s].id });
      meetingsPerStudent[input.students[s].id]++;
      meetingsPerTable[input.tables[t].id]++;
    }
  }
  meetings.sort((x, y) => x.slot - y.slot || x.tableId.localeCompare(y.tableId));
  return { meetings, meetingsPerStudent, meetingsPerTable, unmetFits: fits.length - chosen.length };
}

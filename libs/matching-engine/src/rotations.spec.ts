import fc from 'fast-check';
import { buildRotations } from './rotations';

const SPECS = ['a', 'b', 'c', 'd'];
const meetup = fc.record({
  slots: fc.integer({ min: 1, max: 6 }),
  tables: fc.array(fc.subarray(SPECS, { minLength: 1 }), { minLength: 1, maxLength: 8 }),
  students: fc.array(fc.subarray(SPECS, { minLength: 1, maxLength: 2 }), {
    minLength: 1,
    maxLength: 25,
  }),
});

describe('speed-dating rotations', () => {
  it('never double-books a student or a table and only schedules fitting meetings', () => {
    fc.assert(
      fc.property(meetup, (m) => {
        const input = {
          slots: m.slots,
          tables: m.tables.map((specialties, i) => ({ id: `T${i}`, specialties })),
          students: m.students.map((specialties, i) => ({ id: `S${i}`, specialties })),
        };
        const r = buildRotations(input);
        const busy = new Set<string>();
        const pairs = new Set<string>();
        for (const x of r.meetings) {
          expect(x.slot).toBeGreaterThanOrEqual(0);
          expect(x.slot).toBeLessThan(m.slots);
          for (const key of [`s${x.studentId}@${x.slot}`, `t${x.tableId}@${x.slot}`]) {
            expect(busy.has(key)).toBe(false);
            busy.add(key);
          }
          expect(pairs.has(`${x.studentId}-${x.tableId}`)).toBe(false);
          pairs.add(`${x.studentId}-${x.tableId}`);
          const st = input.students.find((s) => s.id === x.studentId)!;
          const tb = input.tables.find((t) => t.id === x.tableId)!;
          expect(tb.specialties.some((sp) => st.specialties.includes(sp))).toBe(true);
        }
        // As many useful meetings as possible: bounded by slots on both sides and by the fits.
        const fits = input.students.map(
          (s) =>
            input.tables.filter((t) => t.specialties.some((sp) => s.specialties.includes(sp)))
              .length,
        );
        expect(r.meetings.length).toBeLessThanOrEqual(
          Math.min(
            m.slots * input.tables.length,
            fits.reduce((a, b) => a + Math.min(b, m.slots), 0),
          ),
        );
      }),
      { numRuns: 100 },
    );
  });

  it('gives every student at least k meetings when capacity allows', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 30 }),
        (slots, tables, students) => {
          const k = Math.min(tables, slots, Math.floor((slots * tables) / students));
          const r = buildRotations({
            slots,
            tables: Array.from({ length: tables }, (_, i) => ({ id: `T${i}`, specialties: ['x'] })),
            students: Array.from({ length: students }, (_, i) => ({
              id: `S${i}`,
              specialties: ['x'],
            })),
          });
          for (const n of Object.values(r.meetingsPerStudent)) expect(n).toBeGreaterThanOrEqual(k);
          expect(r.meetings.length).toBe(
            Math.min(slots * tables, students * Math.min(slots, tables)),
          );
          const loads = Object.values(r.meetingsPerTable);
          expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('rejects a bad slot count naming the field', () => {
    expect(() => buildRotations({ slots: 0, tables: [], students: [] })).toThrow(/slots/);
  });
});

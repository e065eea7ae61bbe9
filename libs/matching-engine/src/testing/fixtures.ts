/** One student, offer and company that match, for the tests to vary field by field. */
import type { Company, Offer, Student } from '../types';

/** The student's school (a SchoolRegistered UUID, opaque to the engine). */
export const SCHOOL_ID = '00000000-0000-4000-8000-000000000001';

export const student = (over: Partial<Student> = {}): Student => ({
  id: 'E1',
  schoolId: SCHOOL_ID,
  diploma: '40025214',
  specialty: 'commerce',
  birthDate: '2009-03-10',
  location: { lat: 43.6, lon: 1.44 },
  mobilityRadiusKm: 20,
  pfmp: { startDate: '2026-01-05', endDate: '2026-02-13', weeks: 5 },
  hasProfessionalNetwork: false,
  ...over,
});

export const offer = (over: Partial<Offer> = {}): Offer => ({
  id: 'O1',
  companyId: 'C1',
  freeSeats: 1,
  diplomas: ['40025214'],
  period: { startDate: '2026-01-01', endDate: '2026-06-30' },
  location: { lat: 43.65, lon: 1.45 },
  dailyHours: 7,
  weeklyHours: 35,
  ...over,
});

export const company = (over: Partial<Company> = {}): Company => ({
  id: 'C1',
  responseRate: 0.5,
  ...over,
});

import type { IntegrationEvent } from './integration-event';
import {
  AgreementSigned,
  AllowanceComputed,
  CompanyRegistered,
  ContactDetailsChanged,
  InternshipFilled,
  InternshipPosted,
  InternshipUpdated,
  InternshipWithdrawn,
  MatchDeclined,
  MatchExpired,
  MatchingRunCompleted,
  MatchProposed,
  MeetupScheduled,
  OfficeManagerAssigned,
  PfmpPeriodScheduled,
  PlacementCancelled,
  SchoolRegistered,
  StudentErased,
  StudentPlaced,
  StudentProfileUpdated,
  StudentRegistered,
} from './catalogue';

// Fixed ids: the examples go into the generated AsyncAPI document, which must be reproducible.
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const school = id(1);
const student = id(2);
const klass = id(3);
const period = id(4);
const company = id(5);
const internship = id(6);
const proposal = id(7);
const run = id(8);
const placement = id(9);
const agreement = id(10);

const student_ = {
  studentId: student,
  schoolId: school,
  classId: klass,
  academy: '16',
  level: 'bacpro-premiere' as const,
  diploma: '40025214',
  communeCode: '31555',
  mobilityRadiusKm: 25,
  birthDate: '2009-03-14',
  hasProfessionalNetwork: false,
  priorityFlags: ['scholarship' as const],
};
const offer = {
  internshipId: internship,
  companyId: company,
  academy: '16',
  title: 'Assistant(e) technicien(ne) réseaux',
  diplomas: ['40025214'],
  romeCode: 'I1401',
  period: { startDate: '2026-01-12', endDate: '2026-02-20' },
  seats: 2,
  communeCode: '31069',
  reservedForPriority: true,
  monthlyProposalCap: 10,
  involvesRegulatedWork: false,
};

/** One valid example of every event of the catalogue, for the AsyncAPI document and the tests. */
export function examples(): IntegrationEvent[] {
  return [
    SchoolRegistered.of({
      schoolId: school,
      uai: '0381758E',
      academy: '16',
      schoolName: 'Lycée professionnel Jean Jaurès',
      communeCode: '31555',
      priorityEducation: true,
    }),
    OfficeManagerAssigned.of({
      schoolId: school,
      officeManagerId: id(11),
      academy: '16',
      assignedAt: '2025-09-01T08:00:00.000Z',
    }),
    PfmpPeriodScheduled.of({
      periodId: period,
      classId: klass,
      schoolId: school,
      academy: '16',
      schoolYear: '2025-2026',
      level: 'bacpro-premiere',
      diploma: '40025214',
      startDate: '2026-01-12',
      endDate: '2026-02-20',
      weeks: 6,
    }),
    StudentRegistered.of(student_),
    StudentProfileUpdated.of({ ...student_, mobilityRadiusKm: 40 }),
    StudentErased.of({ studentId: student, academy: '16', erasedAt: '2026-07-01T10:00:00.000Z' }),
    AgreementSigned.of({
      agreementId: agreement,
      placementId: placement,
      studentId: student,
      companyId: company,
      schoolId: school,
      periodId: period,
      academy: '16',
      signedAt: '2025-12-15T14:30:00.000Z',
    }),
    AllowanceComputed.of({
      allowanceId: id(12),
      agreementId: agreement,
      studentId: student,
      periodId: period,
      academy: '16',
      level: 'bacpro-premiere',
      daysCompleted: 28,
      dailyRateCents: 1500,
      amountCents: 42000,
      currency: 'EUR',
    }),
    CompanyRegistered.of({
      companyId: company,
      siret: '73282932000074',
      legalName: 'Réseaux du Sud SARL',
      nafCode: '61.10Z',
      nafRevision: 'rev2',
      communeCode: '31069',
      academy: '16',
      regulatedWorkDerogationDeclaredOn: '2025-09-01',
    }),
    InternshipPosted.of(offer),
    InternshipUpdated.of({ ...offer, seats: 3 }),
    InternshipWithdrawn.of({
      internshipId: internship,
      companyId: company,
      academy: '16',
      reason: 'cancelled',
    }),
    InternshipFilled.of({ internshipId: internship, companyId: company, academy: '16' }),
    MeetupScheduled.of({
      meetupId: id(13),
      academy: '16',
      companyIds: [company],
      schoolIds: [school],
      startsAt: '2025-11-20T13:30:00.000Z',
      endsAt: '2025-11-20T17:00:00.000Z',
      communeCode: '31555',
      slotMinutes: 10,
    }),
    MatchProposed.of({
      proposalId: proposal,
      runId: run,
      studentId: student,
      internshipId: internship,
      companyId: company,
      academy: '16',
      score: 0.87,
      expiresAt: '2025-12-01T00:00:00.000Z',
    }),
    MatchDeclined.of({
      proposalId: proposal,
      studentId: student,
      internshipId: internship,
      academy: '16',
      declinedBy: 'company',
    }),
    MatchExpired.of({
      proposalId: proposal,
      studentId: student,
      internshipId: internship,
      academy: '16',
    }),
    StudentPlaced.of({
      placementId: placement,
      proposalId: proposal,
      studentId: student,
      internshipId: internship,
      companyId: company,
      schoolId: school,
      academy: '16',
      startDate: '2026-01-12',
      endDate: '2026-02-20',
    }),
    PlacementCancelled.of({
      placementId: placement,
      studentId: student,
      internshipId: internship,
      companyId: company,
      academy: '16',
      cancelledBy: 'company',
    }),
    MatchingRunCompleted.of({
      runId: run,
      academy: '16',
      startedAt: '2025-11-15T02:00:00.000Z',
      completedAt: '2025-11-15T02:00:41.000Z',
      proposals: 1240,
      unplacedStudents: 312,
      placementRate: 0.81,
    }),
    ContactDetailsChanged.of({
      personId: student,
      role: 'student',
      givenName: 'Inès',
      familyName: 'Martin',
      email: 'ines.martin@example.org',
      locale: 'fr',
    }),
  ];
}

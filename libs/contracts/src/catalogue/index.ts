import type { EventClass } from '../integration-event';
import {
  CompanyRegistered,
  InternshipFilled,
  InternshipPosted,
  InternshipUpdated,
  InternshipWithdrawn,
  MeetupScheduled,
} from './companies.events';
import { ContactDetailsChanged } from './contacts.events';
import {
  MatchDeclined,
  MatchExpired,
  MatchingRunCompleted,
  MatchProposed,
  PlacementCancelled,
  StudentPlaced,
} from './matching.events';
import {
  AgreementSigned,
  AllowanceComputed,
  OfficeManagerAssigned,
  PfmpPeriodCancelled,
  PfmpPeriodChanged,
  PfmpPeriodScheduled,
  SchoolRegistered,
  StudentErased,
  StudentProfileUpdated,
  StudentRegistered,
} from './schools.events';

export * from './companies.events';
export * from './contacts.events';
export * from './matching.events';
export * from './rules';
export * from './schools.events';

/** Every event class of the catalogue: the one list the generator, parser and tests read. */
export const CATALOGUE: readonly EventClass[] = [
  SchoolRegistered,
  OfficeManagerAssigned,
  PfmpPeriodScheduled,
  PfmpPeriodChanged,
  PfmpPeriodCancelled,
  StudentRegistered,
  StudentProfileUpdated,
  StudentErased,
  AgreementSigned,
  AllowanceComputed,
  CompanyRegistered,
  InternshipPosted,
  InternshipUpdated,
  InternshipWithdrawn,
  InternshipFilled,
  MeetupScheduled,
  MatchProposed,
  MatchDeclined,
  MatchExpired,
  StudentPlaced,
  PlacementCancelled,
  MatchingRunCompleted,
  ContactDetailsChanged,
];

const byType = new Map<string, EventClass>(
  CATALOGUE.map((eventClass) => [eventClass.type, eventClass]),
);

export function eventClassOf(type: string): EventClass | undefined {
  return byType.get(type);
}

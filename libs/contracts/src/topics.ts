import type { ServiceName } from './services';

export interface TopicDefinition {
  /** Logical name; a deployment may prepend a prefix (KAFKA_TOPIC_PREFIX). */
  readonly name: string;
  readonly producers: readonly ServiceName[];
  /** What the partition key is: events of one aggregate keep their order. */
  readonly key: string;
  readonly description: string;
  /** Compacted topics keep the latest value per key; a null value (tombstone) erases it. */
  readonly compacted?: boolean;
  /** Private topics carry personal data and are not part of the public AsyncAPI contract for subscribers outside Tremplin. */
  readonly private?: boolean;
}

function topic(definition: TopicDefinition): TopicDefinition {
  return Object.freeze(definition);
}

/** Every topic of the catalogue: one per producing context and aggregate. */
export const TOPICS = {
  schools: topic({
    name: 'schools.schools',
    producers: ['schools'],
    key: 'schoolId',
    description: 'Schools of an academy and the office managers covering them.',
  }),
  calendar: topic({
    name: 'schools.calendar',
    producers: ['schools'],
    key: 'classId',
    description: 'PFMP periods of each class: the shared calendar.',
  }),
  students: topic({
    name: 'schools.students',
    producers: ['schools'],
    key: 'studentId',
    description: 'Students and the attributes matching needs (no names or contact details).',
  }),
  agreements: topic({
    name: 'schools.agreements',
    producers: ['schools'],
    key: 'agreementId',
    description: 'PFMP agreements once signed, and the allowance computed after each period.',
  }),
  companies: topic({
    name: 'companies.companies',
    producers: ['companies'],
    key: 'companyId',
    description: 'Companies (sites identified by SIRET) hosting students.',
  }),
  internships: topic({
    name: 'companies.internships',
    producers: ['companies'],
    key: 'internshipId',
    description: 'Internship offers: posted, updated, withdrawn, filled.',
  }),
  meetups: topic({
    name: 'companies.meetups',
    producers: ['companies'],
    key: 'meetupId',
    description: 'Professional speed-dating meetups.',
  }),
  proposals: topic({
    name: 'matching.proposals',
    producers: ['matching'],
    key: 'studentId',
    description:
      "Match proposals and their outcome, keyed by student so a student's history keeps its order.",
  }),
  placements: topic({
    name: 'matching.placements',
    producers: ['matching'],
    key: 'studentId',
    description: 'Placements of students in internships, and their cancellation.',
  }),
  runs: topic({
    name: 'matching.runs',
    producers: ['matching'],
    key: 'academy',
    description: 'Completed assignment runs, one academy at a time.',
  }),
  contacts: topic({
    name: 'private.contacts',
    producers: ['schools', 'companies'],
    key: 'personId',
    description:
      'Private, compacted: the latest contact details of each person (students, guardians, office managers, company contacts). ' +
      'Erasure publishes a tombstone (null value) for the person id.',
    compacted: true,
    private: true,
  }),
} as const;

export type TopicKey = keyof typeof TOPICS;
export const ALL_TOPICS: readonly TopicDefinition[] = Object.values(TOPICS);

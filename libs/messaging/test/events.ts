import { randomUUID } from 'node:crypto';
import { InternshipFilled } from '@tremplin/contracts';

/** A small valid event of the catalogue, keyed by internship id. */
export function filled(internshipId: string = randomUUID()): InternshipFilled {
  return InternshipFilled.of({ internshipId, companyId: randomUUID(), academy: '16' });
}

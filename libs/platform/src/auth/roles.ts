import { SetMetadata } from '@nestjs/common';
import type { ServiceName } from '@tremplin/contracts';

export const ROLES = [
  'admin',
  'academy_admin',
  'office_manager',
  'teacher',
  'company',
  'student',
  'service',
] as const;
export type Role = (typeof ROLES)[number];

export const REQUIRED_ROLES = 'tremplin:roles';

/** Restricts a route to callers holding at least one of these roles. */
export const Roles = (...roles: Role[]) => SetMetadata(REQUIRED_ROLES, roles);

/** The verified caller, with the tenancy scopes that every query must respect. */
export interface Caller {
  subject: string;
  roles: Role[];
  academy?: string;
  schools: string[];
  company?: string;
  student?: string;
}

/** Claims as they appear in the JWT. */
export interface TremplinClaims {
  sub: string;
  roles: Role[];
  academy?: string;
  schools?: string[];
  company?: string;
  student?: string;
}

/**
 * The service itself, as the caller of the use cases its event handlers run: scoped to the
 * event's academy, and audited under its own name.
 */
export function systemCaller(service: ServiceName, academy?: string): Caller {
  return { subject: `service:${service}`, roles: ['service'], academy, schools: [] };
}

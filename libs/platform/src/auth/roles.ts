import { SetMetadata } from '@nestjs/common';

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

import { SetMetadata } from '@nestjs/common';
import type { ServiceName } from '@tremplin/contracts';

export const ROLES = [
  'admin',
  'academy_admin',
  'office_manager',
  'teacher',
  'school_head',
  'company',
  'student',
  'guardian',
  'service',
] as const;
export type Role = (typeof ROLES)[number];

export const REQUIRED_ROLES = 'tremplin:roles';

/** Restricts a route to callers holding at least one of these roles. */
export const Roles = (...roles: Role[]) => SetMetadata(REQUIRED_ROLES, roles);

/**
 * The verified caller, with the tenancy scopes that every query must respect. Scopes are the
 * natural identifiers the academy's identity provider knows; each service resolves them to its
 * own rows (libs/platform/src/scope).
 */
export interface Caller {
  /** Who, as the provider names them (`sub`), or `service:<name>` for the system caller. */
  subject: string;
  roles: Role[];
  /** Academy code, e.g. "16" for Toulouse. */
  academy?: string;
  /** UAIs of the schools the caller works for (office managers, heads, teachers). */
  schools: string[];
  /** SIREN (9 digits: every site of the company) or SIRET (14 digits: one site). */
  companies: string[];
  /** The students the caller is, or acts for (a guardian), as the provider identifies them. */
  students: string[];
}

/** Marks the callers systemCaller makes: no token can carry a symbol. */
const SYSTEM_CALLER = Symbol('tremplin:system-caller');

/**
 * The service itself, as the caller of the use cases its event handlers run: scoped to the
 * event's academy, and audited under its own name.
 */
export function systemCaller(service: ServiceName, academy?: string): Caller {
  return {
    subject: `service:${service}`,
    roles: ['service'],
    academy,
    schools: [],
    companies: [],
    students: [],
    [SYSTEM_CALLER]: true,
  } as Caller;
}

/**
 * Whether the service itself calls (systemCaller), not a token holder: only it may go without
 * an academy and see every academy (a platform job). A `service` token is limited to its academy.
 */
export function isSystemCaller(caller: Caller): boolean {
  return (caller as Caller & { [SYSTEM_CALLER]?: true })[SYSTEM_CALLER] === true;
}

/**
 * Claims as the development and test tokens carry them, under the default AUTH_CLAIM_* names
 * (an academy's provider may name them otherwise; see auth/claims.ts).
 */
export interface TremplinClaims {
  sub: string;
  roles: Role[];
  academy?: string;
  schools?: string[];
  companies?: string[];
  students?: string[];
}

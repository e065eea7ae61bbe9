import type { JWTPayload } from 'jose';
import type { AuthEnv } from './auth-env';
import { Caller, Role, ROLES } from './roles';

/** Where each part of the caller sits in the provider's tokens: a claim name or a dotted path. */
export interface ClaimNames {
  roles: string;
  academy: string;
  schools: string;
  companies: string;
  students: string;
}

export function claimNamesFrom(env: AuthEnv): ClaimNames {
  return {
    roles: env.AUTH_CLAIM_ROLES,
    academy: env.AUTH_CLAIM_ACADEMY,
    schools: env.AUTH_CLAIM_SCHOOLS,
    companies: env.AUTH_CLAIM_COMPANIES,
    students: env.AUTH_CLAIM_STUDENTS,
  };
}

export const DEFAULT_CLAIM_NAMES: ClaimNames = {
  roles: 'roles',
  academy: 'academy',
  schools: 'schools',
  companies: 'companies',
  students: 'students',
};

/**
 * The caller a verified token names. A claim may be a string, a number (an academy code) or an
 * array of them (anything else counts as absent); roles Tremplin does not know are dropped, so a provider's own roles
 * grant nothing.
 */
export function callerFromClaims(payload: JWTPayload, names: ClaimNames): Caller {
  const strings = (path: string) => stringsAt(payload, path);
  return {
    subject: typeof payload.sub === 'string' ? payload.sub : '',
    roles: [...new Set(strings(names.roles).filter(isRole))],
    // One academy or none: a token naming several is not one academy's (its scope is none).
    academy: singleOrNone(strings(names.academy)),
    schools: strings(names.schools),
    companies: strings(names.companies),
    students: strings(names.students),
  };
}

/** An exact claim name first (providers use URLs as names), then a dotted path into objects. */
function stringsAt(payload: JWTPayload, path: string): string[] {
  let value: unknown = payload[path];
  if (value === undefined && path.includes('.')) {
    value = path
      .split('.')
      .reduce<unknown>(
        (node, key) =>
          node !== null && typeof node === 'object'
            ? (node as Record<string, unknown>)[key]
            : undefined,
        payload,
      );
  }
  return (Array.isArray(value) ? value : [value]).flatMap(identifier);
}

function singleOrNone(values: string[]): string | undefined {
  return values.length === 1 ? values[0] : undefined;
}

function identifier(value: unknown): string[] {
  if (typeof value === 'string' && value !== '') return [value];
  if (typeof value === 'number' && Number.isFinite(value)) return [String(value)];
  return [];
}

function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

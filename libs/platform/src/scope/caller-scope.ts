import { type Caller, isSystemCaller, type Role } from '../auth/roles';
import type { DeclaredScopeColumns, ScopeDimension } from './tenant-scoped';

/**
 * What each role is limited by. A role sees the rows matching its caller's identifiers on every
 * dimension the entity has among these; a role none of whose dimensions the entity has sees none
 * of it (deny by default). `all` sees everything.
 */
const LIMITED_BY: Record<Role, readonly ScopeDimension[] | 'all'> = {
  admin: 'all',
  academy_admin: ['academy'],
  office_manager: ['academy', 'school'],
  school_head: ['academy', 'school'],
  teacher: ['academy', 'school'],
  company: ['company'],
  student: ['student'],
  guardian: ['student'],
  // The system caller of an event handler is scoped to the event's academy; without one, it is
  // a platform job's (isSystemCaller), never a token's: a service token without an academy sees nothing.
  service: ['academy'],
};

/** One way of being in scope: on every named dimension, one of the values. */
export type ScopeClause = Partial<Record<ScopeDimension, string[]>>;

/** The rows of one entity a caller may see: all, none, or those matching any of the clauses. */
export type EntityScope =
  { kind: 'all' } | { kind: 'none' } | { kind: 'some'; clauses: ScopeClause[] };

/** The caller's scope over an entity with these scope columns (a caller with several roles sees the union). */
export function scopeOver(caller: Caller, columns: DeclaredScopeColumns): EntityScope {
  const clauses: ScopeClause[] = [];
  for (const role of new Set(caller.roles)) {
    const limits = LIMITED_BY[role];
    if (limits === 'all') return { kind: 'all' };
    if (role === 'service' && caller.academy === undefined && isSystemCaller(caller))
      return { kind: 'all' };
    const dimensions = limits.filter((dimension) => columns[dimension] !== undefined);
    if (dimensions.length === 0) continue;
    const clause: ScopeClause = {};
    for (const dimension of dimensions) clause[dimension] = identifiersOf(caller, dimension);
    // A clause with an empty list admits nothing (an office manager without schools).
    if (Object.values(clause).every((values) => values.length > 0)) clauses.push(clause);
  }
  return clauses.length === 0 ? { kind: 'none' } : { kind: 'some', clauses };
}

function identifiersOf(caller: Caller, dimension: ScopeDimension): string[] {
  switch (dimension) {
    case 'academy':
      return caller.academy === undefined ? [] : [caller.academy];
    case 'school':
      return caller.schools;
    case 'company':
      return caller.companies;
    case 'student':
      return caller.students;
  }
}

/** Whether a row with these identifiers lies in the scope (the in-memory twin of the SQL condition). */
export function admits(
  scope: EntityScope,
  columns: DeclaredScopeColumns,
  row: Record<string, unknown>,
): boolean {
  if (scope.kind !== 'some') return scope.kind === 'all';
  return scope.clauses.some((clause) =>
    Object.entries(clause).every(([dimension, values]) => {
      const property = columns[dimension as ScopeDimension];
      const value = property === undefined ? undefined : row[property];
      if (typeof value !== 'string') return false;
      return dimension === 'company' ? companyMatches(value, values) : values.includes(value);
    }),
  );
}

/** A SIRET is in a company scope given by its own SIRET or by its SIREN (its first 9 digits). */
function companyMatches(siret: string, scope: string[]): boolean {
  return scope.includes(siret) || scope.includes(siret.slice(0, 9));
}

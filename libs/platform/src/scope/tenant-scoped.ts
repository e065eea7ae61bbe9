/**
 * What a row can be scoped by: the natural identifiers the academy's provider puts in tokens.
 * A scoped entity carries them as columns (they never change: an academy code, a UAI, a SIRET),
 * so that the scope is a plain, indexable condition on the row itself.
 */
export const SCOPE_DIMENSIONS = ['academy', 'school', 'company', 'student'] as const;
export type ScopeDimension = (typeof SCOPE_DIMENSIONS)[number];

/** For each dimension the entity can be scoped by, the property holding the identifier. */
export type ScopeColumns<T> = Partial<Record<ScopeDimension, keyof T & string>>;
/** The same, once the entity type is erased (the scope logic needs only property names). */
export type DeclaredScopeColumns = Partial<Record<ScopeDimension, string>>;

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
const declared = new WeakMap<Function, DeclaredScopeColumns>();

/**
 * Marks an entity as holding tenant data: every read and write through a ScopedRepository is
 * limited to the caller's scope, and the scope check refuses any other way of loading or writing
 * a row outside it.
 *
 *   `@TenantScoped<School>({ academy: 'academy', school: 'uai' })`
 *
 * A company column holds a SIRET: a caller scoped by SIREN sees every site of the company.
 */
export function TenantScoped<T>(columns: ScopeColumns<T>): ClassDecorator {
  return (target) => {
    declared.set(target, columns);
  };
}

/** The scope columns of an entity class, or undefined if it holds no tenant data. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export function scopeColumnsOf(entity: Function): DeclaredScopeColumns | undefined {
  for (let target = entity; target; target = Object.getPrototypeOf(target)) {
    const columns = declared.get(target);
    if (columns) return columns;
  }
  return undefined;
}

import { type Caller, systemCaller } from '../auth/roles';
import { admits, scopeOver } from './caller-scope';
import type { DeclaredScopeColumns } from './tenant-scoped';

const nobody: Caller = { subject: 'u', roles: [], schools: [], companies: [], students: [] };
const caller = (overrides: Partial<Caller>): Caller => ({ ...nobody, ...overrides });

const student: DeclaredScopeColumns = {
  academy: 'academy',
  school: 'uai',
  student: 'ine',
};
const offer: DeclaredScopeColumns = { academy: 'academy', company: 'siret' };

const row = { academy: '16', uai: '0310001A', ine: 'INE-1', siret: '12345678900011' };

describe('scopeOver and admits', () => {
  it('lets an admin see every row, and a caller without roles none', () => {
    expect(scopeOver(caller({ roles: ['admin'] }), student)).toEqual({ kind: 'all' });
    expect(scopeOver(nobody, student)).toEqual({ kind: 'none' });
  });

  it('limits an office manager to the schools of their academy', () => {
    const manager = caller({ roles: ['office_manager'], academy: '16', schools: ['0310001A'] });
    expect(admits(scopeOver(manager, student), student, row)).toBe(true);
    expect(admits(scopeOver(manager, student), student, { ...row, uai: '0310002B' })).toBe(false);
    expect(admits(scopeOver(manager, student), student, { ...row, academy: '13' })).toBe(false);
    // Offers have no school: the manager sees those of the academy.
    expect(admits(scopeOver(manager, offer), offer, row)).toBe(true);
    expect(admits(scopeOver(manager, offer), offer, { ...row, academy: '13' })).toBe(false);
  });

  it('gives nothing to a scoped role whose claim is missing', () => {
    expect(scopeOver(caller({ roles: ['office_manager'], academy: '16' }), student)).toEqual({
      kind: 'none',
    });
    expect(scopeOver(caller({ roles: ['academy_admin'] }), offer)).toEqual({ kind: 'none' });
    expect(scopeOver(caller({ roles: ['company'] }), offer)).toEqual({ kind: 'none' });
  });

  it('denies a role none of whose dimensions the entity has', () => {
    const company = caller({ roles: ['company'], companies: ['123456789'] });
    expect(scopeOver(company, student)).toEqual({ kind: 'none' });
  });

  it('matches a company by its SIRET or by its SIREN', () => {
    const bySiren = caller({ roles: ['company'], companies: ['123456789'] });
    const bySiret = caller({ roles: ['company'], companies: ['12345678900011'] });
    expect(admits(scopeOver(bySiren, offer), offer, row)).toBe(true);
    expect(admits(scopeOver(bySiret, offer), offer, row)).toBe(true);
    expect(admits(scopeOver(bySiret, offer), offer, { ...row, siret: '12345678900029' })).toBe(
      false,
    );
  });

  it('lets a guardian see the students they act for only', () => {
    const guardian = caller({ roles: ['guardian'], students: ['INE-1'] });
    expect(admits(scopeOver(guardian, student), student, row)).toBe(true);
    expect(admits(scopeOver(guardian, student), student, { ...row, ine: 'INE-2' })).toBe(false);
  });

  it('scopes the system caller to its academy, and to all only without one; a service token without one to none', () => {
    for (const handler of [
      systemCaller('schools', '16'),
      caller({ roles: ['service'], academy: '16' }),
    ]) {
      expect(admits(scopeOver(handler, student), student, row)).toBe(true);
      expect(admits(scopeOver(handler, student), student, { ...row, academy: '13' })).toBe(false);
    }
    expect(scopeOver(systemCaller('schools'), student)).toEqual({ kind: 'all' });
    // A copy (a spread caller) is still the system's.
    expect(scopeOver({ ...systemCaller('schools') }, student)).toEqual({ kind: 'all' });
    expect(scopeOver(caller({ roles: ['service'] }), student)).toEqual({ kind: 'none' });
  });

  it('gives a caller with several roles the union of their scopes', () => {
    const both = caller({
      roles: ['teacher', 'guardian'],
      academy: '16',
      schools: ['0310002B'],
      students: ['INE-1'],
    });
    expect(admits(scopeOver(both, student), student, row)).toBe(true);
    expect(admits(scopeOver(both, student), student, { ...row, uai: '0310002B', ine: 'X' })).toBe(
      true,
    );
    expect(admits(scopeOver(both, student), student, { ...row, ine: 'X' })).toBe(false);
  });

  it('never admits a row whose scope column is not a string', () => {
    const manager = caller({ roles: ['academy_admin'], academy: '16' });
    expect(admits(scopeOver(manager, offer), offer, { academy: null })).toBe(false);
  });
});

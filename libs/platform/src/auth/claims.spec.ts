import { callerFromClaims, ClaimNames, DEFAULT_CLAIM_NAMES } from './claims';

describe('callerFromClaims', () => {
  it('maps the default claims to the caller, dropping roles Tremplin does not know', () => {
    expect(
      callerFromClaims(
        {
          sub: 'u1',
          roles: ['office_manager', 'offline_access', 'teacher', 'office_manager'],
          academy: '16',
          schools: ['0310001A', '0310002B'],
          companies: ['123456789'],
          students: ['ine-1'],
        },
        DEFAULT_CLAIM_NAMES,
      ),
    ).toEqual({
      subject: 'u1',
      roles: ['office_manager', 'teacher'],
      academy: '16',
      schools: ['0310001A', '0310002B'],
      companies: ['123456789'],
      students: ['ine-1'],
    });
  });

  it('takes a single string or number for a list, and ignores values of other types', () => {
    expect(
      callerFromClaims(
        {
          sub: 'u2',
          roles: 'company',
          academy: 16,
          schools: 42,
          companies: '12345678900011',
          students: [{ id: 1 }, '', 'ine-2'],
        },
        DEFAULT_CLAIM_NAMES,
      ),
    ).toEqual({
      subject: 'u2',
      roles: ['company'],
      academy: '16',
      schools: ['42'],
      companies: ['12345678900011'],
      students: ['ine-2'],
    });
  });

  it('reads renamed claims, by exact name first (URLs as names), then by dotted path', () => {
    const names: ClaimNames = {
      roles: 'realm_access.roles',
      academy: 'https://tremplin.example/academy',
      schools: 'tremplin.scope.uai',
      companies: 'siret',
      students: 'missing.path.here',
    };
    expect(
      callerFromClaims(
        {
          sub: 'u3',
          realm_access: { roles: ['school_head', 'uma_authorization'] },
          'https://tremplin.example/academy': '16',
          tremplin: { scope: { uai: ['0310001A'] } },
          siret: ['12345678900011'],
          missing: null,
          roles: ['admin'],
        },
        names,
      ),
    ).toEqual({
      subject: 'u3',
      roles: ['school_head'],
      academy: '16',
      schools: ['0310001A'],
      companies: ['12345678900011'],
      students: [],
    });
  });

  it('gives a caller without claims no role and no scope', () => {
    expect(callerFromClaims({ sub: 'u4' }, DEFAULT_CLAIM_NAMES)).toEqual({
      subject: 'u4',
      roles: [],
      academy: undefined,
      schools: [],
      companies: [],
      students: [],
    });
  });
});

import { Outbox } from '@tremplin/messaging';
import { AlreadyRegistered, Caller, NotFound } from '@tremplin/platform';
import { createServiceDatabase, ServiceDatabase } from '@tremplin/testing';
import { CreateCompanies1764331200000 } from '../../migrations/1764331200000-create-companies';
import { getCompany, listCompanies } from '../companies.queries';
import { Company } from '../company.entity';
import { RegisterCompany, RegisterCompanyCommand } from './register-company';

const officeManager: Caller = {
  subject: 'manager-1',
  roles: ['office_manager'],
  academy: '16',
  schools: [],
  companies: [],
  students: [],
};
const command: RegisterCompanyCommand = {
  siret: '73282932000074',
  legalName: 'Atelier Garonne',
  nafCode: '62.01Z',
  nafRevision: 'rev2',
  communeCode: '31555',
  academy: '16',
};

describe('RegisterCompany', () => {
  let database: ServiceDatabase;
  const registerCompany = new RegisterCompany(new Outbox('companies'));
  const register = () =>
    database.dataSource.transaction((manager) =>
      registerCompany.execute(command, { manager, caller: officeManager }),
    );

  beforeAll(async () => {
    database = await createServiceDatabase('register_company', {
      entities: [Company],
      migrations: [CreateCompanies1764331200000],
    });
  });
  afterAll(() => database.drop());

  it('stores the site, announces it once, and refuses its SIRET a second time', async () => {
    const view = await register();
    const refused = await register().catch((error: unknown) => error);

    expect(view).toEqual({ ...command, id: expect.any(String), createdAt: expect.any(Date) });
    expect(refused).toBeInstanceOf(AlreadyRegistered);
    expect(refused).toMatchObject({ field: 'siret' });
    const outbox = await database.dataSource.query(
      `SELECT key, headers->>'ce_type' AS type FROM messaging_outbox`,
    );
    expect(outbox).toEqual([{ key: view.id, type: 'fr.tremplin.companies.CompanyRegistered.v1' }]);
    const page = await listCompanies(
      { manager: database.dataSource.manager, caller: officeManager },
      { offset: 0, limit: 10 },
    );
    expect(page.items).toEqual([view]);
    expect(page.items[0]).not.toBeInstanceOf(Company);
    await expect(
      getCompany(
        { manager: database.dataSource.manager, caller: officeManager },
        '7d0b1f8e-2f7c-4a56-9a3e-0c1d2e3f4a5b',
      ),
    ).rejects.toBeInstanceOf(NotFound);
  });
});

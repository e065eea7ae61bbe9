import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { AuthEnv, loadConfig, TokenVerifier } from '@tremplin/platform';

const ROOT = join(__dirname, '..', '..', '..');
function token(args: string[], env: NodeJS.ProcessEnv = {}) {
  const inherited = { ...process.env };
  delete inherited.JWT_SECRET;
  delete inherited.JWT_ISSUER;
  return spawnSync('node', ['-r', '@swc-node/register', 'scripts/token.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...inherited, ...env },
  });
}

/** What `npm start` gives the services (scripts/run-services.ts). */
function localServicesVerifier(secret = 'tremplin-local-development-secret'): TokenVerifier {
  return new TokenVerifier(loadConfig(AuthEnv, { JWT_SECRET: secret }));
}

describe('npm run token (scripts/token.ts)', () => {
  it('prints a token the local services accept, with the role and scopes asked', async () => {
    const printed = token([
      '--role',
      'office_manager',
      '--academy',
      '16',
      '--schools',
      '0310001A, 0310002B',
    ]);
    expect(printed.status).toBe(0);
    expect(printed.stderr).toBe('');
    await expect(localServicesVerifier().verify(printed.stdout.trim())).resolves.toEqual({
      subject: 'local-office-manager',
      roles: ['office_manager'],
      academy: '16',
      schools: ['0310001A', '0310002B'],
      companies: [],
      students: [],
    });
  });

  it('signs with JWT_SECRET when set, so a service given another secret accepts it', async () => {
    const secret = 'another-secret-of-16-chars';
    const printed = token(['--role', 'company', '--academy', '16', '--companies', '443061841'], {
      JWT_SECRET: secret,
    });
    await expect(
      localServicesVerifier(secret).verify(printed.stdout.trim()),
    ).resolves.toMatchObject({ roles: ['company'], companies: ['443061841'] });
    await expect(localServicesVerifier().verify(printed.stdout.trim())).rejects.toMatchObject({
      response: { detail: 'Invalid token: the signature does not match' },
    });
  });

  it('refuses an unknown role, and warns of a scope left out', () => {
    const unknown = token(['--role', 'principal']);
    expect(unknown.status).toBe(2);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toMatch(/--role is one of admin, academy_admin, office_manager/);

    const unscoped = token(['--role', 'guardian', '--academy', '16']);
    expect(unscoped.status).toBe(0);
    expect(unscoped.stderr).toMatch(/a guardian without --students sees nothing/);
  });
});

/**
 * Prints a development token the local services accept (HS256 with the development secret):
 *
 *   npm run -s token -- --role office_manager --academy 16 --schools 0310001A,0310002B
 *   npm run -s token -- --role company --academy 16 --companies 44306184100047
 *   npm run -s token -- --role guardian --academy 16 --students s-1024 --hours 2
 *
 * The services started by `npm start` use DEV_JWT_SECRET; a service given another JWT_SECRET
 * accepts tokens printed with that variable set. Tokens of an academy's identity provider
 * (AUTH_JWKS_URL) are not made here: HS256 is refused once a JWKS is configured.
 */
import { parseArgs } from 'node:util';
import { SignJWT } from 'jose';
import { Role, ROLES } from '../libs/platform/src/auth/roles';

/** The secret and issuer of development tokens: `npm start` gives them to the services. */
export const DEV_JWT_SECRET = 'tremplin-local-development-secret';
export const DEV_JWT_ISSUER = 'tremplin';

export interface DevelopmentClaims {
  role: Role;
  subject?: string;
  academy?: string;
  schools?: string[];
  companies?: string[];
  students?: string[];
  hours?: number;
}

/** What each role sees nothing without (LIMITED_BY in libs/platform/src/scope/caller-scope.ts). */
const SCOPES_OF_ROLE: Partial<Record<Role, ('academy' | 'schools' | 'companies' | 'students')[]>> =
  {
    academy_admin: ['academy'],
    office_manager: ['academy', 'schools'],
    school_head: ['academy', 'schools'],
    teacher: ['academy', 'schools'],
    company: ['companies'],
    student: ['students'],
    guardian: ['students'],
  };

export function signDevelopmentToken(
  claims: DevelopmentClaims,
  secret = process.env.JWT_SECRET ?? DEV_JWT_SECRET,
): Promise<string> {
  const { role, subject, hours = 12, ...scopes } = claims;
  return new SignJWT({ roles: [role], ...scopes })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(subject ?? `local-${role.replace('_', '-')}`)
    .setIssuer(process.env.JWT_ISSUER ?? DEV_JWT_ISSUER)
    .setIssuedAt()
    .setExpirationTime(`${hours}h`)
    .sign(new TextEncoder().encode(secret));
}

const USAGE = `usage: npm run -s token -- --role <${ROLES.join('|')}>
  [--academy <code>] [--schools <UAI,UAI>] [--companies <SIREN|SIRET,...>]
  [--students <id,id>] [--sub <subject>] [--hours <1-720, default 12>]`;

function fail(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

async function main(): Promise<void> {
  if (process.argv.includes('--help')) {
    console.log(USAGE);
    return;
  }
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        role: { type: 'string' },
        academy: { type: 'string' },
        schools: { type: 'string' },
        companies: { type: 'string' },
        students: { type: 'string' },
        sub: { type: 'string' },
        hours: { type: 'string' },
      },
    }));
  } catch (error) {
    fail((error as Error).message);
  }
  const role = values.role as Role;
  if (!(ROLES as readonly string[]).includes(role)) fail(`--role is one of ${ROLES.join(', ')}`);
  const list = (value?: string) =>
    value
      ?.split(',')
      .map((item) => item.trim())
      .filter(Boolean);
  const hours = values.hours === undefined ? 12 : Number(values.hours);
  if (!Number.isInteger(hours) || hours < 1 || hours > 720) fail('--hours is 1 to 720');
  const claims: DevelopmentClaims = {
    role,
    subject: values.sub,
    academy: values.academy,
    schools: list(values.schools),
    companies: list(values.companies),
    students: list(values.students),
    hours,
  };
  for (const scope of SCOPES_OF_ROLE[role] ?? []) {
    const value = claims[scope];
    // Allowed (a test of an empty scope), but rarely meant: the services would show nothing.
    if (value === undefined || value.length === 0)
      console.error(`note: a ${role} without --${scope} sees nothing`);
  }
  console.log(await signDevelopmentToken(claims));
}

if (require.main === module) void main();

import { ConfigError, loadConfig } from '../config/load-config';
import { AuthEnv } from './auth-env';

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(AuthEnv, env);
  } catch (error) {
    return (error as ConfigError).problems;
  }
  return [];
}

describe('AuthEnv', () => {
  it('needs JWT_SECRET or AUTH_JWKS_URL, and says so naming both', () => {
    expect(problemsOf({})).toEqual([
      expect.stringMatching(/^JWT_SECRET: JWT_SECRET is required when AUTH_JWKS_URL is not set/),
    ]);
    expect(problemsOf({ JWT_SECRET: 'short' })).toEqual([
      'JWT_SECRET: JWT_SECRET must be at least 16 characters (got "short")',
    ]);
  });

  it('with AUTH_JWKS_URL, needs the issuer and audience but no JWT_SECRET', () => {
    expect(problemsOf({ AUTH_JWKS_URL: 'https://idp.example/jwks' })).toEqual([
      expect.stringMatching(/^AUTH_ISSUER: AUTH_ISSUER is required when AUTH_JWKS_URL is set/),
      expect.stringMatching(/^AUTH_AUDIENCE: AUTH_AUDIENCE is required when AUTH_JWKS_URL is set/),
    ]);
    expect(
      problemsOf({ AUTH_JWKS_URL: 'http://idp:8080/jwks', AUTH_ISSUER: 'i', AUTH_AUDIENCE: 'a' }),
    ).toEqual([]);
    expect(
      problemsOf({ AUTH_JWKS_URL: 'not a url', AUTH_ISSUER: 'i', AUTH_AUDIENCE: 'a' }),
    ).toEqual([expect.stringMatching(/^AUTH_JWKS_URL: /)]);
  });
});

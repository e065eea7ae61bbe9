import { createHmac } from 'node:crypto';
import { base64url } from 'jose';

/** The HS256 secret the tests give the services. */
export const TEST_JWT_SECRET = 'tremplin-test-secret-0123456789';
export const TEST_JWT_ISSUER = 'tremplin';

/**
 * Claims under the services' default AUTH_CLAIM_* names (platform's TremplinClaims; restated
 * here because the platform's own tests use these helpers, so this library cannot import it).
 */
export interface TokenClaims {
  sub?: string;
  roles: string[];
  academy?: string;
  schools?: string[];
  companies?: string[];
  students?: string[];
}

/**
 * A signed HS256 bearer token (1 h) for the given claims, as the development secret signs them.
 * Synchronous on purpose, so that it fits in a header expression: jose only signs
 * asynchronously, so the MAC is node:crypto's; jose verifies it in the services.
 */
export function mintToken(claims: TokenClaims): string {
  const now = Math.floor(Date.now() / 1000);
  const encode = (part: object) => base64url.encode(JSON.stringify(part));
  const signingInput = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode({
    sub: 'test-user',
    ...claims,
    iss: TEST_JWT_ISSUER,
    iat: now,
    exp: now + 3600,
  })}`;
  const signature = createHmac('sha256', TEST_JWT_SECRET).update(signingInput).digest('base64url');
  return `${signingInput}.${signature}`;
}

import { JwtService } from '@nestjs/jwt';
import type { TremplinClaims } from '@tremplin/platform';

/** The HS256 secret the tests give the services. */
export const TEST_JWT_SECRET = 'tremplin-test-secret-0123456789';
export const TEST_JWT_ISSUER = 'tremplin';

const jwt = new JwtService({ secret: TEST_JWT_SECRET });

/** A signed bearer token for the given claims, as the academy's identity provider would issue. */
export function mintToken(claims: Partial<TremplinClaims> & Pick<TremplinClaims, 'roles'>): string {
  return jwt.sign(
    { sub: 'test-user', ...claims },
    { algorithm: 'HS256', issuer: TEST_JWT_ISSUER, expiresIn: '1h' },
  );
}

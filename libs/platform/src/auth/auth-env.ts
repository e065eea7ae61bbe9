import {
  IsDefined,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';

const jwksConfigured = (env: AuthEnv) => Boolean(env.AUTH_JWKS_URL);

/**
 * How callers authenticate: bearer JWTs verified against the academy's identity provider
 * (AUTH_JWKS_URL, RS256/ES256), or, for development and tests only, HS256 with JWT_SECRET.
 * When AUTH_JWKS_URL is set, HS256 is refused whatever JWT_SECRET says.
 */
export class AuthEnv {
  /** The provider's JSON Web Key Set, e.g. https://idp.example/realms/ac-toulouse/protocol/openid-connect/certs */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  AUTH_JWKS_URL?: string;

  /** Expected `iss` of the provider's tokens (required with AUTH_JWKS_URL). */
  @ValidateIf(jwksConfigured)
  @IsDefined({ message: 'AUTH_ISSUER is required when AUTH_JWKS_URL is set' })
  AUTH_ISSUER?: string;

  /** Expected `aud`: Tremplin's client id at the provider; a comma-separated list is accepted. */
  @ValidateIf(jwksConfigured)
  @IsDefined({ message: 'AUTH_AUDIENCE is required when AUTH_JWKS_URL is set' })
  AUTH_AUDIENCE?: string;

  /** Clock skew allowed on exp and nbf. */
  @IsInt()
  @Min(0)
  AUTH_CLOCK_TOLERANCE_SECONDS: number = 30;

  /** Keys are refetched after this age even when every kid is known (picks up revocations). */
  @IsInt()
  @Min(1)
  AUTH_JWKS_CACHE_MAX_AGE_SECONDS: number = 600;

  /** An unknown kid refetches the key set at most once per this many seconds. */
  @IsInt()
  @Min(0)
  AUTH_JWKS_COOLDOWN_SECONDS: number = 30;

  /** After a failed fetch, the provider is not asked again for this long (start-up retries too). */
  @IsInt()
  @Min(0)
  AUTH_JWKS_RETRY_MS: number = 5_000;

  @IsInt()
  @Min(1)
  AUTH_JWKS_TIMEOUT_MS: number = 5_000;

  /** Where the caller's roles, academy and scopes are in the provider's tokens (dotted paths). */
  @IsString()
  AUTH_CLAIM_ROLES = 'roles';

  @IsString()
  AUTH_CLAIM_ACADEMY = 'academy';

  @IsString()
  AUTH_CLAIM_SCHOOLS = 'schools';

  @IsString()
  AUTH_CLAIM_COMPANIES = 'companies';

  @IsString()
  AUTH_CLAIM_STUDENTS = 'students';

  /** HS256 secret, development and tests only; ignored (HS256 refused) when AUTH_JWKS_URL is set. */
  @ValidateIf((env: AuthEnv) => !jwksConfigured(env) || env.JWT_SECRET !== undefined)
  @IsDefined({
    message:
      'JWT_SECRET is required when AUTH_JWKS_URL is not set (AUTH_JWKS_URL: the identity provider; JWT_SECRET: development only)',
  })
  @MinLength(16, { message: 'JWT_SECRET must be at least 16 characters' })
  JWT_SECRET?: string;

  /** Expected `iss` of HS256 tokens. */
  @IsString()
  JWT_ISSUER = 'tremplin';
}

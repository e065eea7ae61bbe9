import {
  HttpStatus,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import {
  decodeProtectedHeader,
  errors,
  jwtVerify,
  type JWTPayload,
  type JWTVerifyGetKey,
  type JWTVerifyOptions,
} from 'jose';
import { ProblemException } from '../http/problem';
import { AuthEnv } from './auth-env';
import { callerFromClaims, ClaimNames, claimNamesFrom } from './claims';
import { KeySetUnavailable, RemoteKeySet } from './remote-key-set';
import type { Caller } from './roles';

/** The identity provider's algorithms; HS256 only ever with JWT_SECRET, without a JWKS. */
export const PROVIDER_ALGORITHMS = ['RS256', 'ES256'];
export const DEVELOPMENT_ALGORITHMS = ['HS256'];

/**
 * Verifies bearer tokens into callers: against the provider's JWKS when AUTH_JWKS_URL is set
 * (RS256/ES256, issuer and audience checked), else with the HS256 development secret. Every
 * failure is a 401 problem naming what is wrong, or a 503 when the key set cannot be fetched.
 */
@Injectable()
export class TokenVerifier implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Auth');
  /** Set when tokens come from an identity provider. */
  readonly keySet: RemoteKeySet | undefined;
  private readonly key: Uint8Array | JWTVerifyGetKey;
  private readonly options: JWTVerifyOptions & { algorithms: string[] };
  private readonly claimNames: ClaimNames;

  constructor(env: AuthEnv) {
    this.claimNames = claimNamesFrom(env);
    const common = {
      clockTolerance: env.AUTH_CLOCK_TOLERANCE_SECONDS,
      requiredClaims: ['sub', 'exp'],
    };
    if (env.AUTH_JWKS_URL) {
      this.keySet = new RemoteKeySet(new URL(env.AUTH_JWKS_URL), {
        cacheMaxAgeMs: env.AUTH_JWKS_CACHE_MAX_AGE_SECONDS * 1000,
        cooldownMs: env.AUTH_JWKS_COOLDOWN_SECONDS * 1000,
        retryMs: env.AUTH_JWKS_RETRY_MS,
        timeoutMs: env.AUTH_JWKS_TIMEOUT_MS,
      });
      this.key = this.keySet.getKey;
      this.options = {
        ...common,
        algorithms: PROVIDER_ALGORITHMS,
        issuer: env.AUTH_ISSUER,
        audience: env.AUTH_AUDIENCE?.split(',').map((audience) => audience.trim()),
      };
      if (env.JWT_SECRET) {
        this.logger.warn(
          'JWT_SECRET is ignored: HS256 tokens are refused when AUTH_JWKS_URL is set',
        );
      }
    } else {
      this.key = new TextEncoder().encode(env.JWT_SECRET);
      this.options = { ...common, algorithms: DEVELOPMENT_ALGORITHMS, issuer: env.JWT_ISSUER };
    }
  }

  onApplicationBootstrap(): void {
    this.keySet?.start();
  }

  onApplicationShutdown(): void {
    this.keySet?.stop();
  }

  async verify(token: string): Promise<Caller> {
    let payload: JWTPayload;
    try {
      // The overloads differ on the key's type only; both are handled by jose at run time.
      ({ payload } = await jwtVerify(token, this.key as JWTVerifyGetKey, this.options));
    } catch (error) {
      throw this.problemFor(error, token);
    }
    if (typeof payload.sub !== 'string' || payload.sub.trim() === '')
      throw unauthorized('it names no subject ("sub")');
    const caller = callerFromClaims(payload, this.claimNames);
    // A machine client's role: with another, it would widen a person's scope to the academy.
    if (caller.roles.includes('service') && caller.roles.length > 1)
      throw unauthorized('a "service" token carries no other role');
    return caller;
  }

  private problemFor(error: unknown, token: string): ProblemException {
    if (error instanceof KeySetUnavailable) {
      return new ProblemException(
        HttpStatus.SERVICE_UNAVAILABLE,
        // Where the provider is and how it fails is for the logs (RemoteKeySet), not for callers.
        "The token cannot be checked now: the identity provider's key set is unavailable. Retry later.",
      );
    }
    if (error instanceof errors.JWTExpired) {
      return unauthorized(`it expired${at(error.payload.exp)}`);
    }
    if (error instanceof errors.JWTClaimValidationFailed) {
      return unauthorized(this.claimProblem(error));
    }
    if (error instanceof errors.JOSEAlgNotAllowed) {
      const alg = headerOf(token)?.alg;
      return unauthorized(
        alg === 'none'
          ? 'unsigned tokens (alg "none") are refused'
          : `the algorithm ${quoted(alg)} is not accepted here (only ${this.options.algorithms.join(', ')})`,
      );
    }
    if (error instanceof errors.JWSSignatureVerificationFailed) {
      return unauthorized('the signature does not match');
    }
    if (error instanceof errors.JWKSNoMatchingKey) {
      const kid = headerOf(token)?.kid;
      return unauthorized(
        `its signing key${kid ? ` (kid ${quoted(kid)})` : ''} is not in the identity provider's key set`,
      );
    }
    if (error instanceof errors.JWKSMultipleMatchingKeys) {
      return unauthorized('it names no key (kid) and several keys of the key set could fit');
    }
    if (!(error instanceof errors.JOSEError) && !(error instanceof TypeError)) {
      // Not jose's verdict on the token: ours to look into, still not the caller's 500.
      this.logger.warn(`Token verification failed unexpectedly: ${(error as Error)?.stack}`);
    }
    return unauthorized(`it is malformed (${(error as Error)?.message ?? 'unreadable'})`);
  }

  private claimProblem(error: InstanceType<typeof errors.JWTClaimValidationFailed>): string {
    const { claim, reason, payload } = error;
    if (reason === 'missing') return `it has no "${claim}" claim`;
    switch (claim) {
      case 'nbf':
        return `it is not valid yet${at(payload.nbf, 'before')}`;
      case 'iat':
        return 'it was issued in the future';
      case 'iss':
        return `it was issued by ${quoted(payload.iss)}, not by the expected issuer ${JSON.stringify(this.options.issuer)}`;
      case 'aud':
        return `its audience ${quoted(payload.aud)} is not this service's (${JSON.stringify(this.options.audience)})`;
      default:
        return `the "${claim}" claim is invalid (${error.message})`;
    }
  }
}

function unauthorized(detail: string): ProblemException {
  return new ProblemException(HttpStatus.UNAUTHORIZED, `Invalid token: ${detail}`);
}

/** A value of the caller's token, quoted in a problem: short, so a reply cannot be made to carry a payload. */
function quoted(value: unknown): string {
  const text = JSON.stringify(value) ?? 'undefined';
  return text.length > 66 ? `${text.slice(0, 64)}…"` : text;
}

function at(seconds: unknown, preposition = 'at'): string {
  return typeof seconds === 'number'
    ? ` ${preposition} ${new Date(seconds * 1000).toISOString()}`
    : '';
}

function headerOf(token: string): { alg?: string; kid?: string } | undefined {
  try {
    return decodeProtectedHeader(token);
  } catch {
    return undefined;
  }
}

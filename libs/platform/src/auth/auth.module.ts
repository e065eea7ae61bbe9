import { DynamicModule, Module } from '@nestjs/common';
import { loadConfig } from '../config/load-config';
import { ReadinessCheck } from '../health/readiness-check';
import { AuthEnv } from './auth-env';
import { KeySetReadinessCheck } from './key-set-readiness';
import { TokenVerifier } from './token-verifier';

/** The readiness checks authentication adds: the key set's, when a JWKS is configured. */
export const AUTH_READINESS_CHECKS = Symbol('AUTH_READINESS_CHECKS');

/**
 * The token verifier that AuthGuard uses, configured from AuthEnv. `environment` defaults to
 * process.env, read when the app is created (tests pass their own).
 */
@Module({})
export class AuthModule {
  static forRoot(environment?: NodeJS.ProcessEnv): DynamicModule {
    return {
      module: AuthModule,
      providers: [
        { provide: AuthEnv, useFactory: () => loadConfig(AuthEnv, environment ?? process.env) },
        TokenVerifier,
        {
          provide: AUTH_READINESS_CHECKS,
          useFactory: (verifier: TokenVerifier): ReadinessCheck[] =>
            verifier.keySet ? [new KeySetReadinessCheck(verifier.keySet)] : [],
          inject: [TokenVerifier],
        },
      ],
      exports: [AuthEnv, TokenVerifier, AUTH_READINESS_CHECKS],
    };
  }
}

import { Logger } from '@nestjs/common';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  customFetch,
  type JSONWebKeySet,
  type JWTVerifyGetKey,
} from 'jose';

/** The provider's key set could not be fetched (down, timed out, not a JWKS). */
export class KeySetUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeySetUnavailable';
  }
}

export interface RemoteKeySetOptions {
  /** Keys are refetched once older than this, even when every kid is known. */
  cacheMaxAgeMs: number;
  /** An unknown kid refetches at most once per cooldown (jose's own rate limit). */
  cooldownMs: number;
  /** After a failed fetch, no request to the provider for this long. */
  retryMs: number;
  timeoutMs: number;
}

/**
 * The identity provider's JWKS through jose's createRemoteJWKSet (cache, refetch on an unknown
 * kid, cooldown), plus what jose leaves to us: a failed fetch is not retried for retryMs (jose's
 * cooldown only follows successes, so a provider that is down would be asked on every request),
 * the last key set loaded keeps serving while a refetch fails, and a fetch is tried in the
 * background from start-up until one succeeds.
 */
export class RemoteKeySet {
  private readonly logger = new Logger('Auth');
  private readonly remote: ReturnType<typeof createRemoteJWKSet>;
  private lastFailure: { at: number; message: string } | undefined;
  private lastKnown: { jwks: JSONWebKeySet; getKey: JWTVerifyGetKey } | undefined;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly url: URL,
    private readonly options: RemoteKeySetOptions,
  ) {
    this.remote = createRemoteJWKSet(url, {
      cacheMaxAge: options.cacheMaxAgeMs,
      cooldownDuration: options.cooldownMs,
      timeoutDuration: options.timeoutMs,
      [customFetch]: this.fetchKeySet,
    });
  }

  /** Whether a key set was ever loaded (readiness). */
  get loaded(): boolean {
    return this.remote.jwks() !== undefined;
  }

  get failure(): string | undefined {
    return this.lastFailure?.message;
  }

  /** Fetches now, then again every retryMs until a key set is loaded; does not wait for it. */
  start(): void {
    const attempt = () => {
      this.retryTimer = undefined;
      this.remote.reload().catch(() => {
        if (this.loaded) return;
        this.retryTimer = setTimeout(attempt, Math.max(this.options.retryMs, 100) + 10);
        this.retryTimer.unref();
      });
    };
    attempt();
  }

  stop(): void {
    clearTimeout(this.retryTimer);
  }

  /** jose's key resolver; falls back to the last key set loaded when a refetch fails. */
  readonly getKey: JWTVerifyGetKey = async (header, token) => {
    try {
      return await this.remote(header, token);
    } catch (error) {
      const jwks = this.remote.jwks();
      if (!(error instanceof KeySetUnavailable) || !jwks) throw error;
      if (this.lastKnown?.jwks !== jwks) this.lastKnown = { jwks, getKey: createLocalJWKSet(jwks) };
      return this.lastKnown.getKey(header, token);
    }
  };

  /** Every fetch jose makes goes through here, so that each failure is a KeySetUnavailable. */
  private readonly fetchKeySet = async (url: string, init: RequestInit): Promise<Response> => {
    const failure = this.lastFailure;
    if (failure && Date.now() - failure.at < this.options.retryMs) {
      throw new KeySetUnavailable(failure.message);
    }
    try {
      const response = await fetch(url, init);
      if (response.status !== 200) throw new Error(`it answered HTTP ${response.status}`);
      const body = await response.text();
      const parsed = JSON.parse(body) as { keys?: unknown };
      if (!Array.isArray(parsed?.keys)) throw new Error('it answered no JSON Web Key Set');
      if (failure) this.logger.log(`The key set at ${this.url.href} is available again`);
      this.lastFailure = undefined;
      return new Response(body, { status: 200, headers: { 'content-type': 'application/json' } });
    } catch (error) {
      const cause = error as Error;
      const code = (cause.cause as { code?: unknown } | undefined)?.code;
      const reason =
        cause.name === 'TimeoutError'
          ? `it did not answer within ${this.options.timeoutMs} ms`
          : typeof code === 'string'
            ? `${cause.message} (${code})`
            : cause.message;
      const message = `The identity provider's key set at ${this.url.href} could not be fetched: ${reason}`;
      if (!failure) this.logger.warn(message);
      this.lastFailure = { at: Date.now(), message };
      throw new KeySetUnavailable(message);
    }
  };
}

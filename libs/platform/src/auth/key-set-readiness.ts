import { ReadinessCheck } from '../health/readiness-check';
import type { RemoteKeySet } from './remote-key-set';

/**
 * Ready once the identity provider's key set was loaded once (DESIGN.md, "Readiness"): until
 * then no token can be verified. Later outages leave the pod ready on the keys it has.
 */
export class KeySetReadinessCheck extends ReadinessCheck {
  readonly name = 'jwks';
  override readonly required = true;

  constructor(private readonly keySet: RemoteKeySet) {
    super();
  }

  async check(): Promise<void> {
    if (this.keySet.loaded) return;
    throw new Error(
      this.keySet.failure ?? `No key set loaded yet from ${this.keySet.url.href} (fetching)`,
    );
  }

  override async details(): Promise<Record<string, unknown>> {
    return { url: this.keySet.url.href, lastFetchError: this.keySet.failure ?? null };
  }
}

import { randomUUID } from 'node:crypto';
import { createServer, Server } from 'node:http';
import {
  type CryptoKey,
  exportJWK,
  generateKeyPair,
  type JWK,
  type JWTPayload,
  SignJWT,
} from 'jose';
import { freePort } from './ports';

export type ProviderAlgorithm = 'RS256' | 'ES256';

export interface ProviderKey {
  kid: string;
  alg: ProviderAlgorithm;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

/**
 * A stand-in for an academy's identity provider: a real HTTP JWKS endpoint on 127.0.0.1 whose
 * keys a test generates, rotates (add, remove) and signs tokens with, and which it can stop
 * and start again on the same port. `requests` counts the key set fetches it answered.
 */
export class JwksServer {
  static readonly PATH = '/.well-known/jwks.json';
  readonly keys = new Map<string, ProviderKey>();
  requests = 0;
  private server: Server | undefined;

  private constructor(readonly port: number) {}

  static async start(): Promise<JwksServer> {
    const jwks = new JwksServer(await freePort());
    await jwks.start();
    return jwks;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}${JwksServer.PATH}`;
  }

  async start(): Promise<void> {
    if (this.server) return;
    const server = createServer((request, response) => {
      if (request.url !== JwksServer.PATH) {
        response.writeHead(404).end();
        return;
      }
      this.requests += 1;
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ keys: [...this.keys.values()].map((key) => key.publicJwk) }));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** A new key pair published at the endpoint from now on. */
  async addKey(alg: ProviderAlgorithm = 'RS256', kid: string = randomUUID()): Promise<ProviderKey> {
    const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
    const key: ProviderKey = { kid, alg, privateKey, publicJwk };
    this.keys.set(kid, key);
    return key;
  }

  removeKey(kid: string): void {
    this.keys.delete(kid);
  }

  /**
   * A token signed with one of the keys: `sub`, `iat` and `exp` (in 1 h) unless the claims set
   * them; `header` overrides the protected header (a made-up kid, say).
   */
  async sign(
    key: ProviderKey,
    claims: JWTPayload,
    header: Record<string, unknown> = {},
  ): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ sub: 'provider-user', iat: now, exp: now + 3600, ...claims })
      .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT', ...header })
      .sign(key.privateKey);
  }
}

import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Caller } from '../auth/roles';
import { DomainError } from '../use-cases/domain-errors';

/*
 * Why an opaque random token and not a signed JWT (jose): single use and revocation need a row
 * per link anyway, and once the row exists a signature proves nothing the row does not. A 256-bit
 * random secret cannot be guessed; only its SHA-256 is stored (a slow hash is for low-entropy
 * passwords), so a copy of the table opens nothing; there is no signing key to manage or rotate;
 * and the token carries nothing but ids, where a JWT's readable payload invites personal data.
 *
 * Token: `<link id>.<secret>`, a UUID then 43 base64url characters (32 bytes).
 */
const TOKEN =
  /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([A-Za-z0-9_-]{43})$/;
const SECRET_BYTES = 32;
export const LINK_PURPOSE_FORMAT = /^[a-z][a-z0-9-]{1,63}$/;
const RESOURCE_ID_FORMAT = /^[A-Za-z0-9_:-]{1,128}$/;
/** A link sent by email should not outlive the step it opens by much. */
const MAX_LIFETIME_SECONDS = 60 * 24 * 3600;

export interface LinkToIssue {
  /** What the link opens, e.g. `answer-proposal`; a route opened by it says the same. */
  purpose: string;
  /** The one resource it acts on, e.g. the proposal's id. */
  resourceId: string;
  academy: string;
  expiresInSeconds: number;
  /** The recipient's id (a contact, a student), never an email or a name. */
  issuedFor?: string;
}

export interface IssuedLink {
  /** Not secret: what `revoke` takes and what the audit log names (`link:<id>`). */
  id: string;
  /** The only copy of the secret: put it in the URL, and do not store or log it. */
  token: string;
  expiresAt: Date;
}

/** What a verified link grants: one purpose, on one resource, in one academy. */
export interface LinkGrant {
  id: string;
  purpose: string;
  resourceId: string;
  academy: string;
  issuedFor: string | null;
  expiresAt: Date;
}

/**
 * The caller of a route opened by a link: no role (a @Roles route or a scoped repository grants it
 * nothing by itself), the link's academy, and the grant the use case acts on. Audited as `link:<id>`.
 */
export interface LinkCaller extends Caller {
  link: LinkGrant;
}

export function isLinkCaller(caller: Caller): caller is LinkCaller {
  return 'link' in caller && typeof (caller as LinkCaller).link === 'object';
}

export type LinkRefusal = 'unknown' | 'wrong-purpose' | 'used' | 'expired' | 'revoked';

const REFUSALS: Record<LinkRefusal, string> = {
  unknown: 'No such link',
  'wrong-purpose': 'This link does not open this action',
  used: 'This link has already been used',
  expired: 'This link has expired',
  revoked: 'This link has been revoked',
};

/** A link that cannot be used here; `reason` says why (see problemOfLinkRefused). */
export class LinkRefused extends DomainError {
  constructor(readonly reason: LinkRefusal) {
    super(REFUSALS[reason]);
  }
}

interface LinkRow {
  id: string;
  purpose: string;
  resource_id: string;
  academy: string;
  issued_for: string | null;
  expires_at: Date;
  used_at: Date | null;
  revoked_at: Date | null;
  expired: boolean;
}

const GRANT_COLUMNS = `id, purpose, resource_id, academy, issued_for, expires_at`;

/**
 * Issues and checks the links sent to people the academy's provider does not know. Every method
 * takes the manager of the transaction it belongs to: a link is issued with the step that sends
 * it, and consumed with the action it opens (that action rolled back, the link is usable again).
 */
@Injectable()
export class SignedLinks {
  async issue(manager: EntityManager, link: LinkToIssue): Promise<IssuedLink> {
    checkLinkToIssue(link);
    const id = randomUUID();
    const secret = randomBytes(SECRET_BYTES).toString('base64url');
    // The database's clock, the one consume compares with (replicas' clocks may differ).
    const [{ expires_at }] = await manager.query(
      `INSERT INTO signed_links (id, secret_hash, purpose, resource_id, academy, issued_for, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, now() + make_interval(secs => $7))
       RETURNING expires_at`,
      [
        id,
        hash(secret),
        link.purpose,
        link.resourceId,
        link.academy,
        link.issuedFor ?? null,
        link.expiresInSeconds,
      ],
    );
    return { id, token: `${id}.${secret}`, expiresAt: expires_at };
  }

  /** The caller a valid link stands for, without using it up (to show what it opens). */
  async verify(manager: EntityManager, token: string, purpose: string): Promise<LinkCaller> {
    const row = await this.find(manager, token);
    const refusal = refusalOf(row, purpose);
    if (refusal || !row) throw new LinkRefused(refusal ?? 'unknown');
    return linkCaller(row);
  }

  /**
   * Uses the link up, in the transaction of the action it opens: of two concurrent uses, the
   * second waits on the row and finds it used. Throws LinkRefused saying why it cannot be used.
   */
  async consume(manager: EntityManager, token: string, purpose: string): Promise<LinkCaller> {
    const parsed = parseToken(token);
    if (parsed) {
      const [rows] = await manager.query(
        `UPDATE signed_links SET used_at = now()
         WHERE id = $1 AND secret_hash = $2 AND purpose = $3
           AND used_at IS NULL AND revoked_at IS NULL AND expires_at > now()
         RETURNING ${GRANT_COLUMNS}`,
        [parsed.id, hash(parsed.secret), purpose],
      );
      if (rows.length === 1) return linkCaller(rows[0]);
    }
    throw new LinkRefused(refusalOf(await this.find(manager, token), purpose) ?? 'used');
  }

  /** Revokes an unused link; false if it was already used, revoked or never issued. */
  async revoke(manager: EntityManager, linkId: string): Promise<boolean> {
    const [, count] = await manager.query(
      `UPDATE signed_links SET revoked_at = now()
       WHERE id = $1 AND used_at IS NULL AND revoked_at IS NULL`,
      [linkId],
    );
    return count === 1;
  }

  /** Revokes every unused link opening `purpose` on a resource (a proposal withdrawn); how many. */
  async revokeAll(manager: EntityManager, purpose: string, resourceId: string): Promise<number> {
    const [, count] = await manager.query(
      `UPDATE signed_links SET revoked_at = now()
       WHERE purpose = $1 AND resource_id = $2 AND used_at IS NULL AND revoked_at IS NULL`,
      [purpose, resourceId],
    );
    return count as number;
  }

  private async find(manager: EntityManager, token: string): Promise<LinkRow | undefined> {
    const parsed = parseToken(token);
    if (!parsed) return undefined;
    const rows: LinkRow[] = await manager.query(
      `SELECT ${GRANT_COLUMNS}, used_at, revoked_at, expires_at <= now() AS expired
       FROM signed_links WHERE id = $1 AND secret_hash = $2`,
      [parsed.id, hash(parsed.secret)],
    );
    return rows[0];
  }
}

/**
 * Why the link cannot open `purpose`, if it cannot. A forged secret or an unknown id is `unknown`
 * (not telling which, so that ids cannot be probed); the purpose comes before the state, so that a
 * link held for another action learns nothing about this one.
 */
function refusalOf(row: LinkRow | undefined, purpose: string): LinkRefusal | undefined {
  if (!row) return 'unknown';
  if (row.purpose !== purpose) return 'wrong-purpose';
  if (row.revoked_at) return 'revoked';
  if (row.used_at) return 'used';
  if (row.expired) return 'expired';
  return undefined;
}

function linkCaller(row: Omit<LinkRow, 'used_at' | 'revoked_at' | 'expired'>): LinkCaller {
  return {
    subject: `link:${row.id}`,
    roles: [],
    academy: row.academy,
    schools: [],
    companies: [],
    students: [],
    link: {
      id: row.id,
      purpose: row.purpose,
      resourceId: row.resource_id,
      academy: row.academy,
      issuedFor: row.issued_for,
      expiresAt: row.expires_at,
    },
  };
}

function parseToken(token: string): { id: string; secret: string } | undefined {
  const match = TOKEN.exec(token);
  return match ? { id: match[1], secret: match[2] } : undefined;
}

function hash(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}

function checkLinkToIssue(link: LinkToIssue): void {
  if (!LINK_PURPOSE_FORMAT.test(link.purpose))
    throw new Error(
      `A link purpose is kebab-case, e.g. answer-proposal (got ${JSON.stringify(link.purpose)})`,
    );
  // Ids only: an email or a name given by mistake is refused, not stored.
  for (const [field, value] of [
    ['resourceId', link.resourceId],
    ['academy', link.academy],
    ['issuedFor', link.issuedFor],
  ] as const)
    if (value !== undefined && !RESOURCE_ID_FORMAT.test(value))
      throw new Error(`A link's ${field} must be an identifier`);
  const seconds = link.expiresInSeconds;
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_LIFETIME_SECONDS)
    throw new Error(`A link expires within 1 to ${MAX_LIFETIME_SECONDS} seconds (got ${seconds})`);
}

/** Hides the secret of any link token in a text (a URL to log); the link id stays, to trace it. */
export function redactLinkTokens(text: string): string {
  return text.replace(
    /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.[A-Za-z0-9_-]{43}/g,
    '$1.[redacted]',
  );
}

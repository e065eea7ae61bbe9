import { Injectable } from '@nestjs/common';
import { currentWorkContext } from '../context/request-context';
import type { UseCaseContext } from '../use-cases/use-case';
import { AuditRecord } from './audit-record.entity';

export const AUDIT_ACTIONS = ['read', 'create', 'update', 'delete', 'erase'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** What a use case tells the audit log; who and from where come from its context. */
export interface AuditEntry {
  /** The kind of record, e.g. `student`. */
  entity: string;
  entityId: string;
  action: AuditAction;
  /** Names of the fields read or changed, never their values. */
  fields?: string[];
  /** The academy whose data it is; the caller's by default. */
  academy?: string;
}

// Names, not values: an email, a phone number or a sentence fails these, so a value passed by
// mistake is refused before it is stored.
const NAME = /^[A-Za-z_][A-Za-z0-9_.]{0,63}$/;
const ID = /^[A-Za-z0-9_:-]{1,128}$/;
const USER_AGENT_MAX = 512;

/**
 * The audit log of personal data. `record` writes in the use case's own transaction, so a change
 * that rolls back leaves no row, and a row means the change happened. Call it on every change of
 * a person's data and on every read of a person's file.
 */
@Injectable()
export class Audit {
  async record({ manager, caller }: UseCaseContext, entry: AuditEntry): Promise<void> {
    checkNames(entry);
    const origin = currentWorkContext()?.origin ?? {};
    await manager.insert(AuditRecord, {
      subject: caller.subject,
      roles: [...caller.roles],
      academy: entry.academy ?? caller.academy ?? null,
      entity: entry.entity,
      entityId: entry.entityId,
      action: entry.action,
      fields: entry.fields ?? [],
      requestId: origin.requestId ?? null,
      eventId: origin.eventId ?? null,
      ip: origin.ip ?? null,
      userAgent: origin.userAgent?.slice(0, USER_AGENT_MAX) ?? null,
    });
  }
}

function checkNames(entry: AuditEntry): void {
  if (!NAME.test(entry.entity)) throw new Error('Audit: the entity is not an entity name');
  if (!ID.test(entry.entityId))
    throw new Error(`Audit: the ${entry.entity} id is not an identifier`);
  if (!(AUDIT_ACTIONS as readonly string[]).includes(entry.action))
    throw new Error(`Audit: unknown action ${JSON.stringify(entry.action)}`);
  const bad = (entry.fields ?? []).filter((field) => !NAME.test(field));
  // The offending strings are not repeated: they may be the very values that must not leak.
  if (bad.length > 0)
    throw new Error(`Audit: ${bad.length} field(s) of ${entry.entity} are not field names`);
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsRFC3339, IsString, Length } from 'class-validator';
import type { EntityManager } from 'typeorm';
import type { Caller } from '../auth/roles';
import { Page, PageQuery } from '../http/pagination';
import { AuditRecord } from './audit-record.entity';

// RFC 3339 instants only: ISO 8601's week dates or signed years would make invalid Dates.
const INSTANT_MESSAGE = 'must be an instant such as 2026-11-01T08:00:00Z (RFC 3339)';

/** `GET /api/v1/audit` filters, beside `offset` and `limit`. */
export class AuditQuery extends PageQuery {
  @ApiPropertyOptional({ example: 'student' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  entity?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 128)
  entityId?: string;

  @ApiPropertyOptional({ description: 'Who read or changed: `sub`, `service:<name>`, `link:<id>`' })
  @IsOptional()
  @IsString()
  @Length(1, 256)
  subject?: string;

  @ApiPropertyOptional({ description: 'From this instant (inclusive), RFC 3339' })
  @IsOptional()
  @IsRFC3339({ message: `from ${INSTANT_MESSAGE}` })
  from?: string;

  @ApiPropertyOptional({ description: 'Until this instant (exclusive), RFC 3339' })
  @IsOptional()
  @IsRFC3339({ message: `to ${INSTANT_MESSAGE}` })
  to?: string;
}

export class AuditRecordView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'date-time' }) occurredAt: Date;
  @ApiProperty() subject: string;
  @ApiProperty({ type: [String] }) roles: string[];
  @ApiProperty({ type: String, nullable: true }) academy: string | null;
  @ApiProperty() entity: string;
  @ApiProperty() entityId: string;
  @ApiProperty({ example: 'update' }) action: string;
  @ApiProperty({ type: [String], description: 'Field names, never values' }) fields: string[];
  @ApiProperty({ type: String, nullable: true }) requestId: string | null;
  @ApiProperty({ type: String, nullable: true }) eventId: string | null;
  @ApiProperty({ type: String, nullable: true }) ip: string | null;
  @ApiProperty({ type: String, nullable: true }) userAgent: string | null;
}

/**
 * The academy whose rows a caller may read: every academy for an admin, their own for an academy
 * admin, none otherwise (an academy admin without an academy claim included).
 */
function readableAcademy(caller: Caller): { all: true } | { academy: string } | undefined {
  if (caller.roles.includes('admin')) return { all: true };
  if (caller.roles.includes('academy_admin') && caller.academy !== undefined)
    return { academy: caller.academy };
  return undefined;
}

/** A page of the audit log the caller may read, newest first (what a reviewer looks at first). */
export async function listAudit(
  manager: EntityManager,
  caller: Caller,
  query: AuditQuery,
): Promise<Page<AuditRecordView>> {
  const readable = readableAcademy(caller);
  const page = { items: [], total: 0, offset: query.offset, limit: query.limit };
  if (!readable) return page;
  const rows = manager.createQueryBuilder(AuditRecord, 'a');
  // The scope is a condition of the query, so a page never holds a row outside it.
  if ('academy' in readable) rows.andWhere('a.academy = :academy', readable);
  if (query.entity) rows.andWhere('a.entity = :entity', { entity: query.entity });
  if (query.entityId) rows.andWhere('a.entityId = :entityId', { entityId: query.entityId });
  if (query.subject) rows.andWhere('a.subject = :subject', { subject: query.subject });
  if (query.from) rows.andWhere('a.occurredAt >= :from', { from: new Date(query.from) });
  if (query.to) rows.andWhere('a.occurredAt < :to', { to: new Date(query.to) });
  const [items, total] = await rows
    .orderBy('a.occurredAt', 'DESC')
    .addOrderBy('a.id', 'DESC')
    .offset(query.offset)
    .limit(query.limit)
    .getManyAndCount();
  return { ...page, items: items.map(toAuditRecordView), total };
}

function toAuditRecordView(row: AuditRecord): AuditRecordView {
  return { ...row };
}

import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { CurrentCaller } from '../auth/auth.guard';
import { Caller, Roles } from '../auth/roles';
import { ApiPageResponse, Page } from '../http/pagination';
import { AuditQuery, AuditRecordView, listAudit } from './audit-query';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
export class AuditController {
  constructor(private readonly dataSource: DataSource) {}

  /** Who read or changed personal data; an academy admin sees their academy's rows only. */
  @Get()
  @Roles('admin', 'academy_admin')
  @ApiPageResponse(AuditRecordView)
  list(
    @Query() query: AuditQuery,
    @CurrentCaller() caller: Caller,
  ): Promise<Page<AuditRecordView>> {
    return listAudit(this.dataSource.manager, caller, query);
  }
}

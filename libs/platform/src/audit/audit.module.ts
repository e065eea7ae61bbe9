import { Global, Module } from '@nestjs/common';
import { Audit } from './audit';
import { AuditController } from './audit.controller';
import { AuditRetention } from './audit-retention';

/** The audit log in every service: `Audit` for the use cases, the admin list, the purge. */
@Global()
@Module({
  controllers: [AuditController],
  providers: [Audit, AuditRetention],
  exports: [Audit],
})
export class AuditModule {}

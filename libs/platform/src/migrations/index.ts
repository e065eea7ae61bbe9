import { AuditRecord } from '../audit/audit-record.entity';
import { SignedLink } from '../links/signed-link.entity';
import { CreateAuditLog1764200000000 } from './1764200000000-create-audit-log';
import { CreateSignedLinks1764200000001 } from './1764200000001-create-signed-links';

/** The kit's own tables in every service's database (PlatformModule.forRoot adds them). */
export const platformEntities = [AuditRecord, SignedLink];
export const platformMigrations = [CreateAuditLog1764200000000, CreateSignedLinks1764200000001];

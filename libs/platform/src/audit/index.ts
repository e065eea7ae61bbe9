export * from './audit';
export * from './audit-query';
export * from './audit-record.entity';
export * from './audit-retention';
export * from './audit.module';

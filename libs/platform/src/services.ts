import type { ServiceName } from '@tremplin/contracts';

export type { ServiceName } from '@tremplin/contracts';
export { SERVICE_NAMES } from '@tremplin/contracts';

/**
 * The one home of each service's fixed facts: default port and database name (the names
 * themselves are the contracts' SERVICE_NAMES). docker-compose.yml, k8s/ and the scripts are
 * checked against this file by tests.
 */
export const SERVICES: Readonly<Record<ServiceName, { port: number; database: string }>> = {
  schools: { port: 3001, database: 'tremplin_schools' },
  companies: { port: 3002, database: 'tremplin_companies' },
  matching: { port: 3003, database: 'tremplin_matching' },
  notifications: { port: 3004, database: 'tremplin_notifications' },
};

/** Injection token of the running service's name (provided by PlatformModule.forRoot). */
export const SERVICE_NAME = Symbol('tremplin:service-name');

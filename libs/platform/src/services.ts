/**
 * The one home of each service's fixed facts: default port and database name.
 * docker-compose.yml, k8s/ and the scripts are checked against this file by tests.
 */
export const SERVICES = {
  schools: { port: 3001, database: 'tremplin_schools' },
  companies: { port: 3002, database: 'tremplin_companies' },
  matching: { port: 3003, database: 'tremplin_matching' },
  notifications: { port: 3004, database: 'tremplin_notifications' },
} as const;

export type ServiceName = keyof typeof SERVICES;
export const SERVICE_NAMES = Object.keys(SERVICES) as ServiceName[];

/** Injection token of the running service's name (provided by PlatformModule.forRoot). */
export const SERVICE_NAME = Symbol('tremplin:service-name');

// Test helpers that need the messaging library: watching the events services publish, and a
// service's schema (with the outbox and inbox) on a throwaway database. The infrastructure
// helpers (databases, brokers, service processes) are @tremplin/testing-infrastructure.
export * from './events';
export * from './service-database';
export * from './access-matrix';
export * from './service-app';
export * from './kit-routes';

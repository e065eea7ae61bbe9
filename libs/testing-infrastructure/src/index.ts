// Test helpers for the real infrastructure, with no dependency on messaging (whose own tests use
// them): throwaway databases, the shared and private Kafka brokers, built services as processes.
export * from './database';
export * from './jwks-server';
export * from './kafka';
export * from './ports';
export * from './service-env';
export * from './service-on-own-database';
export * from './service-process';
export * from './token';
export * from './wait';

// Test helpers that need the messaging library: watching the events services publish. The
// infrastructure helpers (databases, brokers, service processes) are @tremplin/testing-infrastructure.
export * from './events';

export * from './config/load-config';
export * from './health/readiness-check';
export * from './services';

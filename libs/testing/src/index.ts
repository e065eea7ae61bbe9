export * from './broker';
export * from './database';
export * from './service-process';
export * from './token';
export * from './service-env';
export * from './events';
export * from './service-on-own-database';

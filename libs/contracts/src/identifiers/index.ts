export * from './decorators';
export * from './identifiers';

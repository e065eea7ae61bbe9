export * from './catalogue';
export * from './envelope';
export * from './examples';
export * from './identifiers';
export * from './integration-event';
export * from './services';
export * from './topics';

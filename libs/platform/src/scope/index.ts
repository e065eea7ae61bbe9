export * from './caller-scope';
export * from './scope-check';
export * from './scoped-repository';
export * from './tenant-scoped';

module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'schools',
  rootDir: __dirname,
  setupFiles: ['reflect-metadata'],
  // Use cases and handlers run against the real PostgreSQL (a database per file).
  testTimeout: 30_000,
};

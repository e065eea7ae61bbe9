module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'notifications',
  rootDir: __dirname,
  setupFiles: ['reflect-metadata'],
  // Its tests boot the whole service against the real PostgreSQL and Kafka.
  testTimeout: 30_000,
};

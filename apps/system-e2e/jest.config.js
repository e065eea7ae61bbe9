module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'system-e2e',
  rootDir: __dirname,
  // Each file boots real service processes against the real infrastructure.
  testTimeout: 120_000,
};

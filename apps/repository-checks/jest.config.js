module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'repository-checks',
  rootDir: __dirname,
  // No service is started, but each check spawns processes (ESLint, which builds the project
  // graph; the generated-topics check) on a machine that may be busy.
  testTimeout: 120_000,
};

module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'messaging',
  rootDir: __dirname,
  // Run together (never alone), the suites leave two idle kafkajs connections to the shared
  // broker that keep jest alive after every test has passed; not found yet, see the notes.
  forceExit: true,
};

module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'schools',
  rootDir: __dirname,
};

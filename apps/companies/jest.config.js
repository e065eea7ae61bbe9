module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'companies',
  rootDir: __dirname,
};

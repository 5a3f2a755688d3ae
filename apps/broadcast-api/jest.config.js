module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'broadcast-api',
  rootDir: __dirname,
};

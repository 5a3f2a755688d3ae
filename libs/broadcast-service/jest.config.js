module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'broadcast-service',
  rootDir: __dirname,
};

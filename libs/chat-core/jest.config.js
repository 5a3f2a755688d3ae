module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'chat-core',
  rootDir: __dirname,
};

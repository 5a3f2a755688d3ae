module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'chat-store',
  rootDir: __dirname,
};

module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'chat-local-runtime',
  rootDir: __dirname,
};

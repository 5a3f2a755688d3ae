module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'chat-handlers',
  rootDir: __dirname,
};

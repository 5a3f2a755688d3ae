module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'chat-local',
  rootDir: __dirname,
};

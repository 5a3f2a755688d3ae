module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'chat-infra',
  rootDir: __dirname,
  setupFilesAfterEnv: [require.resolve('../../jest.cdktf-setup.js')],
};

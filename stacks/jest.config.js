module.exports = {
  ...require('../jest.preset.js'),
  displayName: 'stacks',
  rootDir: __dirname,
  setupFilesAfterEnv: [require.resolve('../jest.cdktf-setup.js')],
};

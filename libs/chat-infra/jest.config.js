const { projectConfig } = require('../../jest.preset.js');

module.exports = projectConfig('chat-infra', __dirname, { setupFilesAfterEnv: [require.resolve('../../jest.cdktf-setup.js')] });

const { projectConfig } = require('../../jest.preset.js');

module.exports = projectConfig('infra-constructs', __dirname, { setupFilesAfterEnv: [require.resolve('../../jest.cdktf-setup.js')] });

const { projectConfig } = require('../jest.preset.js');

module.exports = projectConfig('stacks', __dirname, { setupFilesAfterEnv: [require.resolve('../jest.cdktf-setup.js')] });

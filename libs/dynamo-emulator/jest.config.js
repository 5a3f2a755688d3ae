const { projectConfig } = require('../../jest.preset.js');

module.exports = projectConfig('dynamo-emulator', __dirname);

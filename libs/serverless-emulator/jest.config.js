const { projectConfig } = require('../../jest.preset.js');

module.exports = projectConfig('serverless-emulator', __dirname);

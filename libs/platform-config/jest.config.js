const { projectConfig } = require('../../jest.preset.js');

module.exports = projectConfig('platform-config', __dirname);

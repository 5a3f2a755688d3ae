const { projectConfig } = require('../../jest.preset.js');

module.exports = projectConfig('broadcast-api-e2e', __dirname);

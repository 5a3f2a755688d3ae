const { projectConfig } = require('../../jest.preset.js');

module.exports = projectConfig('secrets-scan', __dirname);

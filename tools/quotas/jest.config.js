const { projectConfig } = require('../../jest.preset.js');

module.exports = projectConfig('quotas', __dirname);

const { projectConfig } = require('../../jest.preset.js');

module.exports = projectConfig('cost-model', __dirname);

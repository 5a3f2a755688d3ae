const { projectConfig } = require('../../jest.preset.js');

module.exports = projectConfig('ci', __dirname);
